// Wear forecasts checked on GENERATED trajectories with known truth (no real wear data exists
// in reach): brake pads wearing linearly with noise, a slow tyre leak, a resting battery losing
// charge, and healthy vehicles that do not move toward the limit. For each, the forecast at a
// look-ahead point is compared with when the true (noise-free) trajectory reaches the limit.
// Reported: Brier score and calibration of p7/p30 against the truth, and the error of dueAt.
import { mulberry32 } from "../prng.js";
import { fitTrend, initialTrend, pushTrend, pReachWithin, expectedCrossing } from "./trend.js";
import { WEAR } from "./components.js";

const DAY_MS = 86_400_000;

/**
 * One generated case: `start` level, `ratePerDay` (negative = falling), reading noise `sd`,
 * readings every `everyH` hours over `historyDays`, then the forecast is made.
 * @typedef {{ kind: string, start: number, ratePerDay: number, sd: number, everyH: number, historyDays: number, limit: number, trend: import('./trend.js').TrendParams }} WearCase
 */

/** @param {() => number} rng */
function gauss(rng) {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/** @param {number} n @param {number} seed @returns {WearCase[]} */
export function generateCases(n, seed) {
  const rng = mulberry32(seed);
  const u = (/** @type {number} */ a, /** @type {number} */ b) => a + (b - a) * rng();
  /** @type {WearCase[]} */ const cases = [];
  for (let i = 0; i < n; i++) {
    const kind = ["brakes", "tyres", "battery"][i % 3];
    const healthy = rng() < 0.3;
    if (kind === "brakes") {
      // Pads 3.5-9 mm wearing 0.02-0.4 mm/day (heavy urban use at the top), sensor noise 0.05-0.2 mm.
      cases.push({
        kind,
        start: u(3.5, 9),
        ratePerDay: healthy ? 0 : -u(0.02, 0.4),
        sd: u(0.05, 0.2),
        everyH: u(1, 12),
        historyDays: u(3, 20),
        limit: WEAR.brakes.limitMm,
        trend: WEAR.brakes.trend,
      });
    } else if (kind === "tyres") {
      // 230 kPa tyres; a slow leak of 1-15 kPa/day; readings vary ±2-6 kPa with temperature.
      cases.push({
        kind,
        start: u(215, 240),
        ratePerDay: healthy ? 0 : -u(1, 15),
        sd: u(2, 6),
        everyH: u(1, 6),
        historyDays: u(2, 10),
        limit: 230 * WEAR.tyres.limitFraction,
        trend: WEAR.tyres.trend,
      });
    } else {
      // Resting 12.3-12.7 V, losing 0.005-0.05 V/day (ageing battery, parasitic drain), noise 0.02-0.05 V.
      cases.push({
        kind,
        start: u(12.3, 12.7),
        ratePerDay: healthy ? 0 : -u(0.005, 0.05),
        sd: u(0.02, 0.05),
        everyH: u(6, 24),
        historyDays: u(5, 20),
        limit: 12 * WEAR.battery.limitPerNominal,
        trend: WEAR.battery.trend,
      });
    }
  }
  return cases;
}

/** @param {WearCase} c @param {number} seed */
function forecast(c, seed) {
  const rng = mulberry32(seed);
  const s = initialTrend();
  const t0 = Date.UTC(2026, 0, 1);
  const now = t0 + c.historyDays * DAY_MS;
  const tyreUsual = c.kind === "tyres" ? c.start : null;
  for (let t = t0; t <= now; t += c.everyH * 3_600_000) {
    const truth = c.start + (c.ratePerDay * (t - t0)) / DAY_MS;
    pushTrend(s, t, truth + c.sd * gauss(rng), c.trend);
  }
  const limit = tyreUsual !== null ? Math.max(s.first, s.last ?? 0) * WEAR.tyres.limitFraction : c.limit;
  const f = fitTrend(s, now, c.trend);
  if (!f) return null;
  const level = c.start + c.ratePerDay * c.historyDays;
  const trueDays = level <= limit ? 0 : c.ratePerDay < 0 ? (limit - level) / c.ratePerDay : Number.POSITIVE_INFINITY;
  const due = expectedCrossing(f, limit, now);
  return {
    p7: pReachWithin(f, limit, 7),
    p30: pReachWithin(f, limit, 30),
    y7: trueDays <= 7 ? 1 : 0,
    y30: trueDays <= 30 ? 1 : 0,
    trueDays,
    dueDays: due === null ? null : (due - now) / DAY_MS,
  };
}

export function evaluateWear(n = 3000, seed = 424242) {
  const cases = generateCases(n, seed);
  /** @type {Record<string, any[]>} */ const byKind = {};
  cases.forEach((c, i) => {
    const r = forecast(c, seed + 1 + i);
    if (r) (byKind[c.kind] ??= []).push(r);
  });
  /** @type {Record<string, unknown>} */ const out = {
    data: "generated trajectories with known truth (linear wear/leak/discharge + Gaussian reading noise; 30 % healthy); NOT real wear data",
  };
  for (const [kind, rs] of Object.entries(byKind)) {
    const brier = (/** @type {'p7' | 'p30'} */ p, /** @type {'y7' | 'y30'} */ y) =>
      rs.reduce((a, r) => a + (r[p] - r[y]) ** 2, 0) / rs.length;
    const base = (/** @type {'y7' | 'y30'} */ y) => rs.reduce((a, r) => a + r[y], 0) / rs.length;
    // Calibration: mean predicted vs observed frequency in predicted-probability bins.
    const bins = [0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0001].slice(0, -1).map((lo, i, arr) => {
      const hi = i + 1 < arr.length ? arr[i + 1] : 1.0001;
      const inBin = rs.filter((r) => r.p30 >= lo && r.p30 < hi);
      return {
        p30From: lo,
        cases: inBin.length,
        meanP30: inBin.length ? round(inBin.reduce((a, r) => a + r.p30, 0) / inBin.length) : null,
        observed: inBin.length ? round(inBin.reduce((a, r) => a + r.y30, 0) / inBin.length) : null,
      };
    });
    const due = rs.filter((r) => r.dueDays !== null && Number.isFinite(r.trueDays) && r.trueDays > 0 && r.trueDays <= 60);
    const errs = due.map((r) => Math.abs(r.dueDays - r.trueDays)).sort((a, b) => a - b);
    out[kind] = {
      cases: rs.length,
      reachWithin7: round(base("y7")),
      reachWithin30: round(base("y30")),
      brierP7: round(brier("p7", "y7")),
      brierP30: round(brier("p30", "y30")),
      brierP30IfAlwaysBaseRate: round(base("y30") * (1 - base("y30"))),
      calibrationP30: bins,
      dueAtAbsErrorDays: errs.length
        ? { cases: errs.length, median: round(errs[Math.floor(errs.length / 2)]), p90: round(errs[Math.floor(errs.length * 0.9)]) }
        : null,
    };
  }
  return out;
}

const round = (/** @type {number} */ x) => Math.round(x * 1000) / 1000;
