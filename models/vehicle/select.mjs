// Chooses the cooling detector settings on the VALIDATION drives only (split.json) and writes
// the comparison to models/reports/carobd-selection.json. Run: node models/vehicle/select.mjs
// Protocol = evaluate-faults.mjs (one vehicle's history in file order, calibration on its first
// engine minutes, faults injected every 5 warm minutes), simulated on residual traces.
// Rules fixed before running:
//  stage 1 (residual CUSUM, erratic detector off): among settings with NO false alarm on the
//    clean validation drives, the highest mean detection-within-10-min rate over all fault
//    types; ties → larger h (fewer false alarms expected on new data).
//  stage 2 (erratic-sensor CUSUM, with stage 1's choice): same rule for the combined alarm.
import { writeFileSync } from "node:fs";
import "../node-env.js";
import { loadModel } from "../load.js";
import { SERVED_MODELS } from "./served-models.js";
import { drivesOf } from "./dataset.mjs";
import { FAULTS } from "./evaluate-faults.mjs";
import { calibrated, initialDetector, regimeFactor, roughnessSignal, updateDetector } from "./detector.js";
import { cleanTraces, faultedMeasured } from "./residual-traces.mjs";
import { COOLANT_DETECTOR, ERRATIC_DETECTOR } from "./hyperparameters.js";

const MINUTE_MS = 60_000;
const ONSET_EVERY_MIN = 5;

/** Per-minute alarm flags of the cooling component (residual CUSUM or erratic CUSUM). */
function runDetectors(/** @type {any} */ ds, /** @type {any} */ trace, /** @type {any} */ obs, /** @type {any} */ p, /** @type {any} */ e) {
  return trace.rows.map((/** @type {any} */ r, /** @type {number} */ i) => {
    const cal = calibrated(ds.cool, p);
    const level = updateDetector(ds.cool, obs.measured[i] - trace.expected[i], p, regimeFactor(r, p));
    let errAlarm = false;
    if (e && obs.roughness[i] !== null) {
      const ecal = calibrated(ds.rough, e);
      updateDetector(ds.rough, roughnessSignal(obs.roughness[i]), e);
      errAlarm = ecal && ds.rough.up / e.h >= 1;
    }
    return { end: r.end, cal, alarm: (cal && level >= 1) || errAlarm };
  });
}

export function evaluateDetectors(/** @type {any[]} */ traces, /** @type {any} */ p, /** @type {any} */ e, windowMin = 10) {
  const ds = { cool: initialDetector(), rough: initialDetector() };
  const snaps = [];
  let fa = 0;
  let minutes = 0;
  for (const t of traces) {
    snaps.push({ t, ds: structuredClone(ds), cal: calibrated(ds.cool, p) });
    let prev = false;
    for (const m of runDetectors(ds, t, t, p, e)) {
      if (m.cal) minutes++;
      if (m.alarm && !prev) fa++;
      prev = m.alarm;
    }
  }
  /** @type {Record<string, { cases: number, within: number, detected: number }>} */ const per = {};
  let seed = 9100;
  for (const s of snaps) {
    if (!s.cal || s.t.stream.length === 0) continue;
    const t0 = s.t.stream[0].ts;
    const tEnd = s.t.stream[s.t.stream.length - 1].ts;
    for (let onsetMin = 15; t0 + (onsetMin + 12) * MINUTE_MS <= tEnd; onsetMin += ONSET_EVERY_MIN) {
      const onset = t0 + onsetMin * MINUTE_MS;
      for (const f of FAULTS) {
        const flags = runDetectors(structuredClone(s.ds), s.t, faultedMeasured(s.t, f, onset, seed++), p, e);
        const r = (per[f.id] ??= { cases: 0, within: 0, detected: 0 });
        r.cases++;
        const hit = flags.find((x) => x.end > onset && x.alarm);
        if (hit) {
          r.detected++;
          if ((hit.end - onset) / MINUTE_MS <= windowMin) r.within++;
        }
      }
    }
  }
  const rates = Object.fromEntries(Object.entries(per).map(([k, v]) => [k, Number((v.within / v.cases).toFixed(3))]));
  const mean = Object.values(rates).reduce((a, b) => a + b, 0) / Object.values(rates).length;
  return {
    falseAlarms: fa,
    scoredHours: Number((minutes / 60).toFixed(2)),
    meanWithin10: Number(mean.toFixed(4)),
    within10: rates,
    casesPerFault: per[FAULTS[0].id]?.cases ?? 0,
  };
}

/** @param {any[]} results */
function choose(results) {
  const ok = results.filter((r) => r.falseAlarms === 0);
  ok.sort((a, b) => b.meanWithin10 - a.meanWithin10 || b.key.h - a.key.h);
  return ok[0] ?? null;
}

async function main() {
  const s = SERVED_MODELS.coolant;
  const sensor = { ...s, model: await loadModel(s.modelJson, Uint8Array.from(Buffer.from(s.weightsBase64, "base64")).buffer) };
  const traces = cleanTraces(sensor, "coolant", drivesOf("validation"));
  const stage1 = [];
  for (const sdFloor of [0.5, 1])
    for (const k of [0.5, 1])
      for (const h of [4, 6, 8])
        for (const idleFactor of [2, 3])
          for (const warmingFactor of [1.5, 2]) {
            const p = { ...COOLANT_DETECTOR, sdFloor, k, h, idleFactor, warmingFactor };
            const r = evaluateDetectors(traces, p, null);
            stage1.push({ key: { sdFloor, k, h, idleFactor, warmingFactor }, params: p, ...r });
            console.log("stage1", JSON.stringify(stage1[stage1.length - 1].key), "FA", r.falseAlarms, "mean", r.meanWithin10);
          }
  const c1 = choose(stage1);
  if (!c1) throw new Error("stage 1: no setting without false alarms");
  const stage2 = [];
  for (const sdFloor of [0.3, 0.5])
    for (const k of [0.5, 1])
      for (const h of [4, 8]) {
        const e = { ...ERRATIC_DETECTOR, sdFloor, k, h };
        const r = evaluateDetectors(traces, c1.params, e);
        stage2.push({ key: { sdFloor, k, h }, params: e, ...r });
        console.log("stage2", JSON.stringify(stage2[stage2.length - 1].key), "FA", r.falseAlarms, "within10", JSON.stringify(r.within10));
      }
  const c2 = choose(stage2);
  writeFileSync(
    new URL("../reports/carobd-selection.json", import.meta.url),
    `${JSON.stringify({ side: "validation", onsetEveryMin: ONSET_EVERY_MIN, rules: "see models/vehicle/select.mjs", chosen: { coolant: c1.params, erratic: c2?.params ?? null }, stage1, stage2 })}\n`,
  );
  console.log("chosen coolant:", JSON.stringify(c1.params), c1.meanWithin10, JSON.stringify(c1.within10));
  console.log("chosen erratic:", JSON.stringify(c2?.params), c2?.meanWithin10, JSON.stringify(c2?.within10));
}

await main();
