// `npm run model:eval` (vehicle part): evaluates the COMMITTED vehicle health models on the TEST
// drives of split.json (read here and nowhere else) and writes models/reports/carobd-*.json and
// carobd-test-predictions.csv, plus the wear-forecast check on generated trajectories.
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import "../node-env.js";
import { loadModel } from "../load.js";
import { artifactSizes, modelsPath, writeJson } from "../artifact-io.js";
import { SERVED_MODELS } from "./served-models.js";
import { createVehicleHealth, initialHealthState, VEHICLE_HEALTH_VERSION } from "./index.js";
import { COOLANT_DETECTOR, ERRATIC_DETECTOR, VOLTAGE_DETECTOR } from "./hyperparameters.js";
import { drivesOf, rowsOf } from "./dataset.mjs";
import { denseLayers, predictExpected, predictWithTfjs } from "./predict.js";
import { faultStudy, FAULTS } from "./evaluate-faults.mjs";
import { timeScoring } from "./timing.mjs";
import { evaluateWear } from "./eval-wear.mjs";
import { writeVehicleGoals } from "./goals.mjs";

/** @param {number[]} xs */
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const r3 = (/** @type {number} */ x) => Number(x.toFixed(3));

async function loaded(/** @type {'coolant' | 'voltage'} */ key) {
  const s = SERVED_MODELS[key];
  const model = await loadModel(s.modelJson, Uint8Array.from(Buffer.from(s.weightsBase64, "base64")).buffer);
  return { ...s, model, dense: denseLayers(model) };
}

/** MAE of a virtual sensor on held-out minutes, overall and on warm-engine driving, vs a constant. */
function sensorErrors(
  /** @type {any} */ sensor,
  /** @type {'coolant' | 'voltage'} */ key,
  /** @type {any[]} */ rows,
  /** @type {number} */ constant,
) {
  const use = rows.filter((r) => r[key] !== null && r.runMin >= sensor.preprocessing.gateMin);
  const p = predictExpected(
    sensor,
    use.map((r) => r.features),
  );
  const groups = {
    // Warm engine: past the gate and the coolant at operating temperature (OBD-II's 70 °C).
    warmEngine: use.map((_, i) => i).filter((i) => use[i].coolant !== null && use[i].coolant >= 70),
    warmEngineDriving: use.map((_, i) => i).filter((i) => use[i].coolant !== null && use[i].coolant >= 70 && use[i].features[1] > 5),
    warmEngineIdling: use.map((_, i) => i).filter((i) => use[i].coolant !== null && use[i].coolant >= 70 && use[i].features[1] <= 5),
    allScoredMinutes: use.map((_, i) => i),
  };
  // The served plain-JS forward pass must equal tfjs's predict on every held-out minute.
  const viaTfjs = predictWithTfjs(
    sensor,
    use.map((r) => r.features),
  );
  const maxAbsDiffVsTfjs = use.reduce((m, _, i) => Math.max(m, Math.abs(p[i] - viaTfjs[i])), 0);
  /** @type {Record<string, unknown>} */ const out = { maxAbsDiffPlainJsVsTfjs: Number(maxAbsDiffVsTfjs.toExponential(2)) };
  for (const [g, idx] of Object.entries(groups)) {
    if (idx.length === 0) continue;
    out[g] = {
      minutes: idx.length,
      mae: r3(mean(idx.map((i) => Math.abs(use[i][key] - p[i])))),
      bias: r3(mean(idx.map((i) => use[i][key] - p[i]))),
      maeConstantBaseline: r3(mean(idx.map((i) => Math.abs(use[i][key] - constant)))),
    };
  }
  return { metrics: out, rows: use, predicted: p };
}

/** Median of the training side's warm minutes: the "always the thermostat temperature" baseline. */
function trainMedian(/** @type {any[]} */ rows, /** @type {'coolant' | 'voltage'} */ key, /** @type {number} */ gate) {
  const v = rows
    .filter((r) => r[key] !== null && r.runMin >= gate)
    .map((r) => r[key])
    .sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)];
}

export async function evalVehicle() {
  const t0 = Date.now();
  const coolant = await loaded("coolant");
  const voltage = await loaded("voltage");
  const trainRows = rowsOf(drivesOf("train"));
  const testDrives = drivesOf("test");
  const testRows = rowsOf(testDrives);
  const cConst = trainMedian(trainRows, "coolant", coolant.preprocessing.gateMin);
  const vConst = trainMedian(trainRows, "voltage", voltage.preprocessing.gateMin);
  const cool = sensorErrors(coolant, "coolant", testRows, cConst);
  const volt = sensorErrors(voltage, "voltage", testRows, vConst);

  const engine = createVehicleHealth(SERVED_MODELS);
  const faults = await faultStudy(engine, testDrives, { initialState: initialHealthState });
  const { cleanTrace, ...faultSummary } = faults;

  const timing = await timeScoring(engine);
  const sizes = { coolant: artifactSizes("carobd-coolant"), voltage: artifactSizes("carobd-voltage") };
  const servedBytes = sizes.coolant.total + sizes.voltage.total;
  const wear = evaluateWear();

  const goal = faultSummary.faults[FAULTS[0].id];
  const report = {
    version: VEHICLE_HEALTH_VERSION,
    artifacts: ["models/artifacts/carobd-coolant", "models/artifacts/carobd-voltage"],
    quantized: true,
    split: "models/vehicle/split.json (whole drive files; this report reads only the test side)",
    testDrives: testDrives.length,
    testEngineHours: r3(testDrives.reduce((a, d) => a + d.hours, 0)),
    virtualSensors: {
      coolantTempC: { goal: "MAE <= 2 °C on held-out warm-engine driving", constantBaselineC: cConst, ...cool.metrics },
      batteryV: { constantBaselineV: vConst, ...volt.metrics },
    },
    faultDetection: {
      protocol:
        "one vehicle's history = the test drives in file order; the detector calibrates on its first engine minutes; false alarms = rising edges of cooling p30 >= 0.5 on the untouched drives after calibration, per 100 engine hours by the engine's run-time counter; faults injected into the coolant readings every 5 warm minutes (run time >= 15 min, >= 12 min left), each case restarting from the clean state at the start of its drive; detected = first minute with cooling p30 >= 0.5 after onset",
      goal: "drift +8 °C detected within 10 min in >= 95 % at <= 1 false alarm / 100 engine hours",
      goalCase: FAULTS[0].id,
      goalCaseRateWithin10Min: goal?.rateWithin10Min ?? null,
      detectors: { coolant: COOLANT_DETECTOR, erratic: ERRATIC_DETECTOR, voltage: VOLTAGE_DETECTOR },
      ...faultSummary,
    },
    timing,
    sizeBytes: { ...sizes, servedTotal: servedBytes, goal: "<= 65536" },
    wearForecasts: wear,
    seconds: Number(((Date.now() - t0) / 1000).toFixed(1)),
  };
  writeJson(modelsPath("reports/carobd-vehicle-health.json"), report);
  // Held-out predictions: every scored test minute, so MAE and the fault study can be recomputed.
  const vByKey = new Map(volt.rows.map((r, i) => [`${r.drive}@${r.end}`, [r.voltage, volt.predicted[i]]]));
  const lines = cool.rows.map((r, i) => {
    const v = vByKey.get(`${r.drive}@${r.end}`);
    return [
      r.drive,
      r.end,
      r.runMin.toFixed(2),
      r.features[1].toFixed(1),
      r.coolant.toFixed(2),
      cool.predicted[i].toFixed(2),
      v ? v[0].toFixed(3) : "",
      v ? v[1].toFixed(3) : "",
    ].join(",");
  });
  writeFileSync(
    modelsPath("reports/carobd-test-predictions.csv"),
    `drive,minute_end_ms,run_min,speed_kph,coolant_c,expected_coolant_c,battery_v,expected_battery_v\n${lines.join("\n")}\n`,
  );
  writeFileSync(
    modelsPath("reports/carobd-test-clean-trace.csv"),
    `drive,minute_end_ms,coolant_c,expected_coolant_c,cooling_alarm\n${cleanTrace.map((t) => `${t.drive},${t.end},${t.measured.toFixed(2)},${t.expected.toFixed(2)},${t.alarm}`).join("\n")}\n`,
  );
  // Goals with their confidence bounds, and the cards' evaluation, from the report just written.
  writeVehicleGoals();
  const c = report.virtualSensors.coolantTempC;
  console.log(
    `carobd vehicle health: coolant MAE ${c.warmEngineDriving?.mae} °C warm driving (constant ${c.warmEngineDriving?.maeConstantBaseline}), ${c.warmEngine?.mae} warm; voltage MAE ${report.virtualSensors.batteryV.allScoredMinutes?.mae} V; ` +
      `${FAULTS[0].id} within 10 min ${goal?.detectedWithin10Min}/${goal?.cases}; false alarms ${faultSummary.falseAlarms} in ${faultSummary.engineHoursAfterCalibration} engine h; ` +
      `${timing.usPerVehicle.oneMinuteAt1Hz} µs/vehicle (batch ${timing.batch}); ${servedBytes} bytes served; ${report.seconds} s`,
  );
  return report;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await evalVehicle();
