// Residual health detector: the virtual sensor's residual (measured − expected) per engine
// minute, standardised against THIS vehicle's own normal (mean/sd learned over a warm-up and
// then adapted slowly while nothing is wrong), accumulated by a two-sided CUSUM. A truck and a
// car are each judged against themselves; the model only has to get the shape right.

/**
 * @typedef {{ warmupMin: number, sdFloor: number, k: number, h: number, adapt: number, cap: number, zClip: number,
 *   idleFactor: number, warmingFactor: number, warmingMin: number }} DetectorParams
 * @typedef {{ n: number, mean: number, m2: number, up: number, down: number, ex: number, z: number }} DetectorState
 */

/** @returns {DetectorState} */
export function initialDetector() {
  return { n: 0, mean: 0, m2: 0, up: 0, down: 0, ex: 0, z: 0 };
}

/** @param {DetectorState} d @param {DetectorParams} p */
export function detectorSd(d, p) {
  return Math.max(d.n > 1 ? Math.sqrt(d.m2 / (d.n - 1)) : p.sdFloor, p.sdFloor);
}

/** Calibrated once the warm-up is complete. @param {DetectorState} d @param {DetectorParams} p */
export const calibrated = (d, p) => d.n >= p.warmupMin;

/**
 * How much wider than usual the residual is expected to be in this minute's regime: idling
 * (no airflow; the radiator fan cycles) and the end of warm-up are harder to predict than
 * steady driving. Multiplies the vehicle's own sd.
 * @param {{ runMin: number, features: number[] }} row @param {DetectorParams} p
 */
export function regimeFactor(row, p) {
  const idle = row.features[8] < 3; // ew_speed_5min: no real airflow over the last minutes
  return (idle ? p.idleFactor : 1) * (row.runMin < p.warmingMin ? p.warmingFactor : 1);
}

/**
 * One engine minute's residual. Returns the CUSUM level relative to the alarm threshold
 * (≥ 1 means alarm).
 * @param {DetectorState} d mutated @param {number} residual @param {DetectorParams} p
 */
export function updateDetector(d, residual, p, factor = 1) {
  if (!calibrated(d, p)) {
    // Welford: mean/variance of this vehicle's first normal minutes (variance in steady-driving units).
    d.n++;
    const delta = residual - d.mean;
    d.mean += delta / d.n;
    d.m2 += (delta * (residual - d.mean)) / (factor * factor);
    return 0;
  }
  const sd = detectorSd(d, p) * factor;
  // Clipped so one odd minute cannot raise an alarm on its own; a real fault persists.
  const z = Math.max(-p.zClip, Math.min(p.zClip, (residual - d.mean) / sd));
  d.z = z;
  d.up = Math.min(p.cap * p.h, Math.max(0, d.up + z - p.k));
  d.down = Math.min(p.cap * p.h, Math.max(0, d.down - z - p.k));
  d.ex += 0.2 * (residual - d.mean - d.ex);
  // Adapt the vehicle's normal slowly (seasons, a new thermostat) but never while it is drifting.
  if (d.up < p.h / 2 && d.down < p.h / 2 && Math.abs(z) < 3) {
    const delta = residual - d.mean;
    d.mean += p.adapt * delta;
    const variance = (d.m2 / Math.max(1, d.n - 1)) * (1 - p.adapt) + (p.adapt * delta * delta) / (factor * factor);
    d.m2 = variance * Math.max(1, d.n - 1);
  }
  return Math.max(d.up, d.down) / p.h;
}

/** CUSUM level relative to the alarm threshold. @param {DetectorState} d @param {DetectorParams} p */
export const detectorLevel = (d, p) => Math.max(d.up, d.down) / p.h;

/** Detector input for sensor roughness: log of the mean reading-to-reading change (°C). @param {number} roughness */
export const roughnessSignal = (roughness) => Math.log(roughness + 0.05);
