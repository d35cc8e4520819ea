// Node-only: the vehicle health goals against what the committed reports show, with the
// statistical bounds the counts allow → models/reports/carobd-goals.json, and each virtual
// sensor's card gets its intended use and held-out evaluation. Reads only the committed reports
// (reports/carobd-vehicle-health.json from eval.mjs, reports/carobd-selection.json from
// select.mjs), never the drives: the held-out test drives are not read again here.
// Run by eval.mjs after its report; alone: `node models/vehicle/goals.mjs`.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { artifactDir, modelsPath, writeJson } from "../artifact-io.js";
import { INTENDED_USE } from "./card-text.js";

/** One-sided confidence level of every bound here. */
const CONFIDENCE = 0.95;

/** P(X ≤ k) for X ~ Poisson(mu). @param {number} k @param {number} mu */
function poissonCdf(k, mu) {
  let term = Math.exp(-mu);
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term *= mu / i;
    sum += term;
  }
  return sum;
}

/** P(X ≥ x) for X ~ Binomial(n, p). @param {number} x @param {number} n @param {number} p */
function binomialTail(x, n, p) {
  let sum = 0;
  for (let i = x; i <= n; i++) sum += Math.exp(logChoose(n, i) + i * Math.log(p) + (n - i) * Math.log1p(-p));
  return sum;
}

/** @param {number} n @param {number} k */
function logChoose(n, k) {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log((n - k + i) / i);
  return s;
}

/** Root of a monotone function on [lo, hi] by bisection. @param {(x: number) => number} f */
function bisect(f, lo, hi) {
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (f(lo) * f(mid) <= 0) hi = mid;
    else lo = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Upper confidence limit of an event rate per 100 hours from `events` in `hours` (exact Poisson).
 * @param {number} events @param {number} hours
 */
export function rateUpperPer100h(events, hours) {
  const mu = bisect((m) => poissonCdf(events, m) - (1 - CONFIDENCE), 0, 10 * (events + 5));
  return (mu / hours) * 100;
}

/**
 * Lower confidence limit of a proportion from `successes` of `n` (exact Clopper-Pearson, one-sided).
 * @param {number} successes @param {number} n
 */
export function proportionLower(successes, n) {
  if (successes === 0) return 0;
  return bisect((p) => binomialTail(successes, n, p) - (1 - CONFIDENCE), 1e-12, 1 - 1e-12);
}

/** Untouched engine hours with zero false alarms that would show ≤ `per100h`. @param {number} per100h */
export const hoursToShowRate = (per100h) => rateUpperPer100h(0, 1) / per100h;

/** Cases, all detected, that would show a detection rate ≥ `rate`. @param {number} rate */
export function casesToShowRate(rate) {
  let n = 1;
  while (proportionLower(n, n) < rate) n++;
  return n;
}

const round = (/** @type {number} */ x, d = 3) => Number(x.toFixed(d));

/** @param {any} report reports/carobd-vehicle-health.json @param {any} selection reports/carobd-selection.json */
export function vehicleGoals(report, selection) {
  const fd = report.faultDetection;
  const drift = fd.faults[fd.goalCase];
  const chosen = [...(selection.stage1 ?? []), ...(selection.stage2 ?? [])].find(
    (c) => JSON.stringify(c.params) === JSON.stringify(selection.chosen.coolant),
  );
  const validationDriftWithin10 = chosen ? Math.round(chosen.within10[fd.goalCase] * chosen.casesPerFault) : null;
  const mae = report.virtualSensors.coolantTempC.warmEngineDriving;
  const testFaUpper = rateUpperPer100h(fd.falseAlarms, fd.engineHoursAfterCalibration);
  const driftLower = proportionLower(drift.detectedWithin10Min, drift.cases);
  const pooledCases = chosen ? chosen.casesPerFault + drift.cases : null;
  const pooledDetected = chosen && validationDriftWithin10 !== null ? validationDriftWithin10 + drift.detectedWithin10Min : null;
  return {
    source:
      "models/reports/carobd-vehicle-health.json (npm run model:eval, held-out test drives) and models/reports/carobd-selection.json (validation); bounds computed from their counts by models/vehicle/goals.mjs",
    confidence: `${CONFIDENCE * 100} % one-sided (exact Poisson for rates, Clopper-Pearson for proportions)`,
    goals: [
      {
        goal: "coolant virtual sensor MAE <= 2 °C on held-out warm-engine driving",
        measured: { maeC: mae.mae, minutes: mae.minutes, constantBaselineMaeC: mae.maeConstantBaseline },
        status: mae.mae <= 2 ? "met" : "not met",
      },
      {
        goal: "injected +8 °C drift detected within 10 min in >= 95 % of cases",
        measured: { detectedWithin10Min: drift.detectedWithin10Min, cases: drift.cases, medianDelayMin: drift.delayMin.median },
        lowerBound: round(driftLower),
        validation: chosen ? { detectedWithin10Min: validationDriftWithin10, cases: chosen.casesPerFault } : null,
        pooledValidationAndTest:
          pooledCases !== null && pooledDetected !== null
            ? { detected: pooledDetected, cases: pooledCases, lowerBound: round(proportionLower(pooledDetected, pooledCases)) }
            : null,
        casesNeededAllDetected: casesToShowRate(0.95),
        status:
          driftLower >= 0.95
            ? "met"
            : drift.detectedWithin10Min === drift.cases
              ? "best achievable here (every case detected), but the data cannot show >= 95 %"
              : "not met",
      },
      {
        goal: "<= 1 false alarm per 100 engine hours on held-out normal drives",
        measured: { falseAlarms: fd.falseAlarms, engineHours: fd.engineHoursAfterCalibration, per100h: fd.falseAlarmsPer100EngineHours },
        upperBoundPer100h: round(testFaUpper, 1),
        validationInFileOrder: chosen ? { falseAlarms: chosen.falseAlarms, engineHours: chosen.scoredHours } : null,
        validationResampled: chosen
          ? {
              falseAlarms: chosen.resampledFalseAlarms,
              engineHours: chosen.resampledHours,
              note: "28 validation drives of one car resampled: not independent hours",
            }
          : null,
        untouchedHoursNeededWithZeroAlarms: Math.ceil(hoursToShowRate(1)),
        status:
          testFaUpper <= 1
            ? "met"
            : fd.falseAlarms === 0
              ? "best achievable here (no false alarm), but the data cannot show <= 1 / 100 h"
              : "not met",
      },
    ],
  };
}

/** Held-out evaluation block of a virtual sensor's card. @param {any} report @param {any} goals @param {"coolantTempC" | "batteryV"} target */
function cardEvaluation(report, goals, target) {
  const v = report.virtualSensors[target];
  const evaluation = {
    report: "models/reports/carobd-vehicle-health.json (npm run model:eval); goals and bounds: models/reports/carobd-goals.json",
    heldOut: `${report.testDrives} whole test drives of models/vehicle/split.json, ${report.testEngineHours} engine hours`,
    maeWarmEngineDriving: v.warmEngineDriving,
    maeWarmEngine: v.warmEngine,
  };
  if (target !== "coolantTempC") return evaluation;
  const [, drift, falseAlarms] = goals.goals;
  return { ...evaluation, goalDriftDetection: drift, goalFalseAlarms: falseAlarms };
}

export function writeVehicleGoals() {
  const report = JSON.parse(readFileSync(modelsPath("reports/carobd-vehicle-health.json"), "utf8"));
  const selection = JSON.parse(readFileSync(modelsPath("reports/carobd-selection.json"), "utf8"));
  const goals = vehicleGoals(report, selection);
  writeJson(modelsPath("reports/carobd-goals.json"), goals);
  for (const [name, target] of /** @type {const} */ ([
    ["carobd-coolant", "coolantTempC"],
    ["carobd-voltage", "batteryV"],
  ])) {
    const file = `${artifactDir(name)}card.json`;
    const { name: cardName, version, task, ...rest } = JSON.parse(readFileSync(file, "utf8"));
    // The same key order as train.mjs writes, the evaluation last.
    const card = { name: cardName, version, task, intendedUse: INTENDED_USE[name], ...rest };
    writeJson(file, { ...card, intendedUse: INTENDED_USE[name], evaluation: cardEvaluation(report, goals, target) });
  }
  return goals;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  for (const g of writeVehicleGoals().goals) console.log(`${g.goal}: ${g.status}`);
}
