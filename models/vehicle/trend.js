// Slow wear and slow failures (brake pads, a slow tyre leak, a resting battery losing charge):
// a straight-line trend over time with exponential forgetting, fitted on bucket means, projected
// to the service limit with its uncertainty → P(limit reached within 7 / 30 days) and the date.
// State is a handful of weighted sums, so it stays small however long the vehicle reports.

const DAY_MS = 86_400_000;

/**
 * @typedef {{ bucketMs: number, halfLifeDays: number, noiseFloor: number, minBuckets: number, minSpanDays: number,
 *   slopePrior: { mean: number, sd: number } }} TrendParams
 * @typedef {{ t0: number | null, tl: number, w: number, st: number, sy: number, stt: number, sty: number, syy: number,
 *   nb: number, first: number, firstT: number, bk: number, bn: number, bs: number, last: number | null }} TrendState
 * @typedef {{ level: number, slopePerDay: number, sdLevel: number, sdSlope: number, spanDays: number, buckets: number }} TrendFit
 */

/** @returns {TrendState} */
export function initialTrend() {
  return { t0: null, tl: 0, w: 0, st: 0, sy: 0, stt: 0, sty: 0, syy: 0, nb: 0, first: 0, firstT: 0, bk: -1, bn: 0, bs: 0, last: null };
}

/** @param {TrendState} s @param {TrendParams} p */
function closeBucket(s, p) {
  if (s.bn === 0) return;
  const yRaw = s.bs / s.bn;
  if (s.nb === 0) s.first = yRaw;
  // Sums are kept relative to the first bucket so they stay small and survive rounding.
  const y = yRaw - s.first;
  const tMs = (s.bk + 0.5) * p.bucketMs;
  s.t0 ??= tMs;
  const t = (tMs - s.t0) / DAY_MS;
  const decay = s.nb > 0 ? 0.5 ** ((t - s.tl) / p.halfLifeDays) : 1;
  s.w = s.w * decay + 1;
  s.st = s.st * decay + t;
  s.sy = s.sy * decay + y;
  s.stt = s.stt * decay + t * t;
  s.sty = s.sty * decay + t * y;
  s.syy = s.syy * decay + y * y;
  if (s.nb === 0) s.firstT = t;
  s.nb++;
  s.tl = t;
  s.last = yRaw;
  s.bn = 0;
  s.bs = 0;
}

/** Adds one measurement. @param {TrendState} s mutated @param {number} ts @param {number} y @param {TrendParams} p */
export function pushTrend(s, ts, y, p) {
  const k = Math.floor(ts / p.bucketMs);
  if (k < s.bk) return; // late reading of a closed bucket: ignored
  if (k !== s.bk) {
    closeBucket(s, p);
    s.bk = k;
  }
  s.bn++;
  s.bs += y;
}

/**
 * Fit at time `now` (the open bucket counts as a point). Null before any measurement.
 * @param {TrendState} s @param {number} now @param {TrendParams} p @returns {TrendFit | null}
 */
export function fitTrend(s, now, p) {
  const c = /** @type {TrendState} */ ({ ...s });
  closeBucket(c, p);
  if (c.nb === 0 || c.t0 === null || c.last === null) return null;
  const tNow = (now - c.t0) / DAY_MS;
  const spanDays = c.tl - c.firstT;
  if (c.nb < 3 || c.w < 2.5) {
    return { level: c.last, slopePerDay: 0, sdLevel: p.noiseFloor, sdSlope: Number.POSITIVE_INFINITY, spanDays, buckets: c.nb };
  }
  const tm = c.st / c.w;
  const ym = c.sy / c.w; // relative to c.first
  const stt = Math.max(c.stt - c.w * tm * tm, 1e-12);
  const sty = c.sty - c.w * tm * ym;
  const bLs = sty / stt;
  const sse = Math.max(0, c.syy - c.w * ym * ym - bLs * sty);
  const sigma = Math.max(Math.sqrt(sse / Math.max(c.w - 2, 0.5)), p.noiseFloor);
  // The slope is shrunk toward what such parts usually do (a normal prior): an hour of noisy
  // readings says little about a month, weeks of readings or a fast, clean trend say a lot.
  const precLs = stt / (sigma * sigma);
  const precPrior = 1 / (p.slopePrior.sd * p.slopePrior.sd);
  const b = (bLs * precLs + p.slopePrior.mean * precPrior) / (precLs + precPrior);
  const dt = tNow - tm;
  return {
    level: c.first + ym + b * dt,
    slopePerDay: b,
    sdLevel: sigma * Math.sqrt(1 / c.w + (dt * dt) / stt),
    sdSlope: 1 / Math.sqrt(precLs + precPrior),
    spanDays,
    buckets: c.nb,
  };
}

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 via erf). @param {number} x */
export function normCdf(x) {
  const t = 1 / (1 + 0.3275911 * Math.abs(x / Math.SQRT2));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(x * x) / 2);
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

/**
 * Probability the level is at or past `limit` (falling series: below it) `days` from now, and the
 * expected crossing time. Uncertainty of the projected level grows with the slope's error.
 * @param {TrendFit} f @param {number} limit @param {number} days
 */
export function pReachWithin(f, limit, days) {
  if (f.level <= limit) return 1;
  if (!Number.isFinite(f.sdSlope)) return 0;
  const mean = f.level + f.slopePerDay * days;
  const sd = Math.sqrt(f.sdLevel ** 2 + (f.sdSlope * days) ** 2);
  return normCdf((limit - mean) / sd);
}

/** Expected time (ms) the falling trend reaches `limit`, or null when it is not falling. @param {TrendFit} f @param {number} limit @param {number} now */
export function expectedCrossing(f, limit, now) {
  if (f.level <= limit) return now;
  if (!(f.slopePerDay < 0) || !Number.isFinite(f.sdSlope)) return null;
  const days = (limit - f.level) / f.slopePerDay;
  return days > 3650 ? null : now + days * DAY_MS;
}
