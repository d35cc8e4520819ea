// Per-component health in a fleet manager's words: probability of needing the workshop within
// 7 / 30 days, confidence, expected date, and the evidence behind it.
//
// Anomaly → probability is a stated prior, not learned from failures (there are no labelled
// road-vehicle failures in reach): a CUSUM at its alarm threshold means an even chance that the
// vehicle needs the workshop within 30 days. The fleet's own outcomes recalibrate it upstream.
import { calibrated, detectorLevel } from "./detector.js";
import { expectedCrossing, fitTrend, pReachWithin } from "./trend.js";

const DAY_MS = 86_400_000;

/** Service limits and trend settings of the slow-wear components. */
export const WEAR = {
  // 3 mm: the usual workshop replacement point for pads (legal minimums are 1.5-2 mm).
  // Slope prior: pads wear about 0.03 mm/day on average (sd 0.03).
  brakes: {
    limitMm: 3,
    trend: {
      bucketMs: 900_000,
      halfLifeDays: 30,
      noiseFloor: 0.05,
      minBuckets: 3,
      minSpanDays: 0.02,
      slopePrior: { mean: -0.03, sd: 0.03 },
    },
  },
  // 25 % below the vehicle's own usual pressure: where a TPMS must warn (FMVSS 138).
  // Slope prior: a healthy tyre seeps a few kPa a month (sd 1.5 kPa/day allows real leaks).
  tyres: {
    limitFraction: 0.75,
    trend: { bucketMs: 900_000, halfLifeDays: 14, noiseFloor: 1, minBuckets: 3, minSpanDays: 0.02, slopePrior: { mean: 0, sd: 1.5 } },
  },
  // Resting 12.2 V (24.4 V): about half charge for a lead-acid battery; it may not start the engine.
  battery: {
    limitPerNominal: 12.2 / 12,
    // Slope prior: a healthy battery's resting voltage is flat (sd 0.01 V/day).
    trend: { bucketMs: 900_000, halfLifeDays: 14, noiseFloor: 0.02, minBuckets: 3, minSpanDays: 0.02, slopePrior: { mean: 0, sd: 0.01 } },
  },
};

/** Prior probability of any workshop need within 7 / 30 days for a component with no evidence. */
const BASE = { p7: 0.002, p30: 0.01 };

const logistic = (/** @type {number} */ x) => 1 / (1 + Math.exp(-x));
const orP = (/** @type {number} */ a, /** @type {number} */ b) => 1 - (1 - a) * (1 - b);
const round = (/** @type {number} */ x, /** @type {number} */ d) => Math.round(x * 10 ** d) / 10 ** d;
const clamp01 = (/** @type {number} */ x) => Math.min(1, Math.max(0, x));

/** How much recent data backs the reading: full within an hour, fading over a week. @param {number | null} ts @param {number} now */
function recency(ts, now) {
  if (ts === null) return 0;
  const ageH = (now - ts) / 3_600_000;
  return ageH <= 1 ? 1 : clamp01(1 - (ageH - 1) / 168);
}

/**
 * Health from a virtual-sensor residual detector.
 * @param {import('./index').SensorDetectorState} d @param {import('./detector.js').DetectorParams} p
 * @param {number} now @param {{ unit: string, digits: number, what: string, feature: string, condition: string }} words
 */
function residualHealth(d, p, now, words) {
  /** @type {import('./index').ComponentHealth['evidence']} */ const evidence = [];
  if (!calibrated(d, p)) {
    evidence.push({
      feature: `${words.feature}_calibration`,
      text: `learning this vehicle's normal ${words.what} (${d.n} of ${p.warmupMin} engine minutes)`,
      contribution: 0,
    });
    return { p7: BASE.p7, p30: BASE.p30, confidence: round(0.3 * (d.n / p.warmupMin) * recency(d.end || null, now), 3), evidence };
  }
  const level = detectorLevel(d, p);
  const pAnom = level > 0 ? logistic(5 * (level - 1)) : 0;
  const p30 = orP(BASE.p30, pAnom);
  const p7 = orP(BASE.p7, 0.85 * pAnom);
  const ex = d.ex;
  if (Math.abs(ex) >= 10 ** -words.digits || pAnom > 0.05) {
    evidence.push({
      feature: `${words.feature}_residual`,
      text: `${words.what} ${Math.abs(ex).toFixed(words.digits)} ${words.unit} ${ex >= 0 ? "above" : "below"} this vehicle's normal ${words.condition}`,
      contribution: round(pAnom, 4),
    });
  }
  if (d.q < 0.9) {
    evidence.push({
      feature: "missing_inputs",
      text: "engine load or intake air temperature not reported: expected value less certain",
      contribution: 0,
    });
  }
  return { p7, p30, confidence: round(clamp01(d.q) * recency(d.end || null, now), 3), evidence };
}

/**
 * Health from a wear trend toward a falling limit.
 * @param {import('./trend.js').TrendState} t @param {import('./trend.js').TrendParams} tp @param {number} limit
 * @param {number} now @param {{ feature: string, what: string, unit: string, digits: number }} words
 */
function wearHealth(t, tp, limit, now, words) {
  /** @type {import('./index').ComponentHealth['evidence']} */ const evidence = [];
  const f = fitTrend(t, now, tp);
  if (!f) return { p7: BASE.p7, p30: BASE.p30, confidence: 0, dueAt: null, evidence };
  const p7 = orP(BASE.p7, pReachWithin(f, limit, 7));
  const p30 = orP(BASE.p30, pReachWithin(f, limit, 30));
  const dueAt = expectedCrossing(f, limit, now);
  const rate =
    f.slopePerDay < 0 && Number.isFinite(f.sdSlope) ? `, falling ${(-f.slopePerDay).toFixed(words.digits + 1)} ${words.unit}/day` : "";
  const due =
    dueAt === null
      ? ""
      : dueAt <= now
        ? `; at or below the ${limit.toFixed(words.digits)} ${words.unit} limit`
        : `; ${limit.toFixed(words.digits)} ${words.unit} limit in about ${Math.max(1, Math.round((dueAt - now) / DAY_MS))} days`;
  evidence.push({
    feature: words.feature,
    text: `${words.what} ${f.level.toFixed(words.digits)} ${words.unit}${rate}${due}`,
    contribution: round(p30, 4),
  });
  // Confidence grows with the number of points and the time they span.
  const enough = clamp01(f.buckets / 8) * clamp01(f.spanDays / 1);
  const confidence = round(clamp01(0.2 + 0.8 * enough) * recency(t.t0 === null ? null : (t.bk + 1) * tp.bucketMs, now), 3);
  return { p7, p30, confidence, dueAt: dueAt === null ? null : Math.round(dueAt), evidence };
}

/**
 * @param {import('./index').VehicleHealthState} s @param {number} now @param {import('./detector.js').DetectorParams} p
 * @param {import('./detector.js').DetectorParams} erratic @returns {import('./index').ComponentHealth}
 */
export function coolingHealth(s, now, p, erratic) {
  const h = residualHealth(s.cool, p, now, { unit: "°C", digits: 0, what: "coolant", feature: "coolant", condition: "at this load" });
  let { p7, p30 } = h;
  // An erratic sensor (noise, spikes, loose connector) is judged on its own normal roughness.
  if (s.rough && calibrated(s.rough, erratic)) {
    const level = s.rough.up / erratic.h;
    const pErr = level > 0 ? logistic(5 * (level - 1)) : 0;
    p7 = orP(p7, 0.85 * pErr);
    p30 = orP(p30, pErr);
    if (pErr > 0.05 && s.rough.last !== null) {
      h.evidence.push({
        feature: "coolant_sensor_erratic",
        text: `coolant reading jumps ${s.rough.last.toFixed(1)} °C between readings, more than this vehicle's sensor normally does: check the sensor and its wiring`,
        contribution: round(pErr, 4),
      });
    }
  }
  // Hot regardless of the model: most engines overheat above ~110 °C.
  if (s.cool.last !== null && s.cool.last >= 110) {
    p7 = orP(p7, 0.6);
    p30 = orP(p30, 0.8);
    h.evidence.push({ feature: "coolant_hot", text: `coolant ${s.cool.last.toFixed(0)} °C`, contribution: 0.8 });
  }
  return finish("cooling", p7, p30, h.confidence, null, h.evidence);
}

/** @param {import('./index').VehicleHealthState} s @param {number} now @param {import('./detector.js').DetectorParams} p @returns {import('./index').ComponentHealth} */
export function chargingHealth(s, now, p) {
  const run = residualHealth(s.volt, p, now, {
    unit: "V",
    digits: 1,
    what: "charging voltage",
    feature: "charging_voltage",
    condition: "at this engine speed",
  });
  const nominal = s.nominalV || 12;
  const rest = wearHealth(s.rest, WEAR.battery.trend, nominal * WEAR.battery.limitPerNominal, now, {
    feature: "resting_battery_v",
    what: "resting battery",
    unit: "V",
    digits: 2,
  });
  const hasRest = s.rest.nb > 0 || s.rest.bn > 0;
  const p7 = orP(run.p7, hasRest ? rest.p7 : 0);
  const p30 = orP(run.p30, hasRest ? rest.p30 : 0);
  const confidence = Math.max(run.confidence, hasRest ? rest.confidence : 0);
  return finish("charging", p7, p30, confidence, hasRest ? rest.dueAt : null, [...run.evidence, ...(hasRest ? rest.evidence : [])]);
}

/** @param {import('./index').VehicleHealthState} s @param {number} now @returns {import('./index').ComponentHealth} */
export function brakesHealth(s, now) {
  const h = wearHealth(s.pads, WEAR.brakes.trend, WEAR.brakes.limitMm, now, {
    feature: "brake_pad_mm",
    what: "brake pads",
    unit: "mm",
    digits: 1,
  });
  return finish("brakes", h.p7, h.p30, h.confidence, h.dueAt, h.evidence);
}

/** @param {import('./index').VehicleHealthState} s @param {number} now @returns {import('./index').ComponentHealth} */
export function tyresHealth(s, now) {
  // The limit is relative to this vehicle's own usual pressure (a truck's 800 kPa, a car's 230).
  const usual = Math.max(s.tyre.first || 0, s.tyre.last ?? 0);
  const limit = usual * WEAR.tyres.limitFraction;
  const h = wearHealth(s.tyre, WEAR.tyres.trend, limit, now, {
    feature: "tyre_pressure_kpa",
    what: "tyre pressure",
    unit: "kPa",
    digits: 0,
  });
  return finish("tyres", h.p7, h.p30, h.confidence, h.dueAt, h.evidence);
}

/**
 * @param {import('./index').Component} component @param {number} p7 @param {number} p30 @param {number} confidence
 * @param {number | null} dueAt @param {import('./index').ComponentHealth['evidence']} evidence
 * @returns {import('./index').ComponentHealth}
 */
function finish(component, p7, p30, confidence, dueAt, evidence) {
  evidence.sort((a, b) => b.contribution - a.contribution);
  // p7 can never exceed p30 (a need within 7 days is also one within 30).
  const q30 = round(clamp01(p30), 4);
  return { component, p7: Math.min(round(clamp01(p7), 4), q30), p30: q30, confidence: clamp01(confidence), dueAt, evidence };
}
