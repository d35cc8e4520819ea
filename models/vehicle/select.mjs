// Chooses the cooling detector settings on the VALIDATION drives only (split.json) and writes
// the comparison to models/reports/carobd-selection.json. Run: node models/vehicle/select.mjs
// Protocol = evaluate-faults.mjs (one vehicle's history in file order, calibration on its first
// engine minutes, faults injected every 5 warm minutes), simulated on residual traces.
//
// Version 2 of the rule (fixed before running; version 1 asked only for no false alarm on the
// 4.8 scored hours of validation, which its choice then gave 13.9 / 100 h on test):
//  false-alarm estimate: the validation drives resampled whole, with replacement, into
//    RESAMPLED_HISTORIES vehicle histories of as many drives as validation has (each history
//    calibrates on whichever drives come first, so the estimate also covers how the vehicle's
//    normal was learnt); false alarms per 100 scored engine hours over all of them.
//  stage 1 (residual CUSUM, erratic detector off): admissible = no false alarm on validation in
//    file order AND the resampled estimate <= 1 / 100 h; among them the highest within-10-min
//    detection rate of the goal fault (drift +8 °C over 10 min), then the highest mean over all
//    fault types, then the lower resampled false-alarm estimate, then larger h.
//  stage 2 (erratic-sensor CUSUM, with stage 1's choice): the same rule for the combined alarm.
import { writeFileSync } from "node:fs";
import "../node-env.js";
import { loadModel } from "../load.js";
import { denseLayers } from "./predict.js";
import { SERVED_MODELS } from "./served-models.js";
import { mulberry32 } from "../prng.js";
import { drivesOf } from "./dataset.mjs";
import { FAULTS } from "./evaluate-faults.mjs";
import { calibrated, initialDetector, regimeFactor, roughnessSignal, updateDetector } from "./detector.js";
import { cleanTraces, faultedMeasured } from "./residual-traces.mjs";
import { COOLANT_DETECTOR, ERRATIC_DETECTOR } from "./hyperparameters.js";

const MINUTE_MS = 60_000;
const ONSET_EVERY_MIN = 5;
const RESAMPLED_HISTORIES = 300;
const RESAMPLE_SEED = 2027;
const MAX_FALSE_ALARMS_PER_100H = 1;

/** Faulted minute means depend on the drive, onset, fault and seed only: computed once for every setting. */
const faultedCache = new Map();
const faulted = (/** @type {any} */ t, /** @type {any} */ f, /** @type {number} */ onset, /** @type {number} */ seed) => {
  const key = `${t.drive}|${onset}|${f.id}|${seed}`;
  if (!faultedCache.has(key)) faultedCache.set(key, faultedMeasured(t, f, onset, seed));
  return faultedCache.get(key);
};

/**
 * False alarms per 100 scored engine hours over vehicle histories built from the given drives
 * resampled whole with replacement (the same histories for every setting: fixed seed).
 */
export function resampledFalseAlarms(/** @type {any[]} */ traces, /** @type {any} */ p, /** @type {any} */ e) {
  const rng = mulberry32(RESAMPLE_SEED);
  let fa = 0;
  let minutes = 0;
  for (let h = 0; h < RESAMPLED_HISTORIES; h++) {
    const ds = { cool: initialDetector(), rough: initialDetector() };
    for (let d = 0; d < traces.length; d++) {
      const t = traces[Math.floor(rng() * traces.length)];
      let prev = false;
      for (const m of runDetectors(ds, t, t, p, e)) {
        if (m.cal) minutes++;
        if (m.alarm && !prev) fa++;
        prev = m.alarm;
      }
    }
  }
  const hours = minutes / 60;
  return { resampledFalseAlarms: fa, resampledHours: Number(hours.toFixed(1)), resampledPer100h: Number(((100 * fa) / hours).toFixed(2)) };
}

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
        const flags = runDetectors(structuredClone(s.ds), s.t, faulted(s.t, f, onset, seed++), p, e);
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

const GOAL = FAULTS[0].id;

/** The stated rule (top of file). @param {any[]} results */
function choose(results) {
  const ok = results.filter((r) => r.falseAlarms === 0 && r.resampledPer100h <= MAX_FALSE_ALARMS_PER_100H);
  ok.sort(
    (a, b) =>
      b.within10[GOAL] - a.within10[GOAL] ||
      b.meanWithin10 - a.meanWithin10 ||
      a.resampledPer100h - b.resampledPer100h ||
      b.key.h - a.key.h,
  );
  return ok[0] ?? null;
}

/** One setting: detection and false alarms in file order, and the resampled false-alarm estimate. */
function evaluateSetting(/** @type {any[]} */ traces, /** @type {any} */ p, /** @type {any} */ e) {
  return { ...evaluateDetectors(traces, p, e), ...resampledFalseAlarms(traces, p, e) };
}

async function main() {
  const s = SERVED_MODELS.coolant;
  const model = await loadModel(s.modelJson, Uint8Array.from(Buffer.from(s.weightsBase64, "base64")).buffer);
  const sensor = { ...s, model, dense: denseLayers(model) };
  const traces = cleanTraces(sensor, "coolant", drivesOf("validation"));
  const stage1 = [];
  for (const sdFloor of [1, 1.5, 2])
    for (const k of [0.5, 1])
      for (const h of [8, 12, 16])
        for (const idleFactor of [2, 3])
          for (const warmingFactor of [1.5, 2]) {
            const p = { ...COOLANT_DETECTOR, sdFloor, k, h, idleFactor, warmingFactor };
            const r = evaluateSetting(traces, p, null);
            stage1.push({ key: { sdFloor, k, h, idleFactor, warmingFactor }, params: p, ...r });
            console.log(
              "stage1",
              JSON.stringify(stage1[stage1.length - 1].key),
              "FA",
              r.falseAlarms,
              "resampled /100h",
              r.resampledPer100h,
              GOAL,
              r.within10[GOAL],
              "mean",
              r.meanWithin10,
            );
          }
  const c1 = choose(stage1);
  if (!c1) throw new Error("stage 1: no setting meets the false-alarm rule");
  const stage2 = [];
  for (const sdFloor of [0.3, 0.5])
    for (const k of [0.5, 1])
      for (const h of [8, 12, 16]) {
        const e = { ...ERRATIC_DETECTOR, sdFloor, k, h };
        const r = evaluateSetting(traces, c1.params, e);
        stage2.push({ key: { sdFloor, k, h }, params: e, ...r });
        console.log(
          "stage2",
          JSON.stringify(stage2[stage2.length - 1].key),
          "FA",
          r.falseAlarms,
          "resampled /100h",
          r.resampledPer100h,
          "within10",
          JSON.stringify(r.within10),
        );
      }
  const c2 = choose(stage2);
  writeFileSync(
    new URL("../reports/carobd-selection.json", import.meta.url),
    `${JSON.stringify({ side: "validation", ruleVersion: 2, onsetEveryMin: ONSET_EVERY_MIN, resampledHistories: RESAMPLED_HISTORIES, maxFalseAlarmsPer100h: MAX_FALSE_ALARMS_PER_100H, rules: "see models/vehicle/select.mjs", chosen: { coolant: c1.params, erratic: c2?.params ?? null }, stage1, stage2 })}\n`,
  );
  console.log("chosen coolant:", JSON.stringify(c1.params), c1.meanWithin10, JSON.stringify(c1.within10));
  console.log("chosen erratic:", JSON.stringify(c2?.params), c2?.meanWithin10, JSON.stringify(c2?.within10));
}

await main();
