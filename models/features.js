// Feature extraction shared by training (Node) and edge scoring (Worker).
// Plain ESM, no Node/Cloudflare APIs, no tfjs: it only turns readings into feature vectors.
// Every constant that depends on the training data (means, stds, window length, sensor
// list, physical thresholds) arrives through a `spec` object stored in the model card.

// ---------------------------------------------------------------- shared helpers

/**
 * z-score with a guard for constant columns (std 0 would divide by zero).
 * @param {ArrayLike<number>} raw @param {ArrayLike<number>} mean @param {ArrayLike<number>} std
 * @returns {Float32Array}
 */
export function standardise(raw, mean, std) {
  const out = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const s = std[i] > 0 ? std[i] : 1;
    out[i] = (raw[i] - mean[i]) / s;
  }
  return out;
}

/**
 * Column means and population stds of raw feature rows (used at training time only).
 * @param {ArrayLike<number>[]} rows @returns {{ mean: number[], std: number[] }}
 */
export function fitStandardiser(rows) {
  const n = rows.length;
  const d = rows[0].length;
  const mean = new Array(d).fill(0);
  const std = new Array(d).fill(0);
  for (const r of rows) for (let j = 0; j < d; j++) mean[j] += r[j] / n;
  for (const r of rows) for (let j = 0; j < d; j++) std[j] += (r[j] - mean[j]) ** 2 / n;
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]);
  return { mean, std };
}

// ---------------------------------------------------------------- C-MAPSS engine windows

/** FD001 sensors that vary (s1, s5, s6, s10, s16, s18, s19 are constant or nearly so). */
export const CMAPSS_SENSORS = Object.freeze(['s2', 's3', 's4', 's7', 's8', 's9', 's11', 's12', 's13', 's14', 's15', 's17', 's20', 's21']);

/** Per-sensor statistics a spec may ask for (spec.stats picks which, in which order). */
export const ENGINE_STATS = Object.freeze(['tail', 'mean', 'slope', 'curv', 'resid']);

/**
 * Exactly `length` readings: keep the most recent `length`; if the engine has fewer cycles,
 * pad at the front by repeating its first reading (a flat history, so slopes stay honest
 * about what was observed instead of inventing a trend).
 * @template T @param {T[]} window oldest first @param {number} length @returns {T[]}
 */
export function fitWindow(window, length) {
  if (window.length === 0) throw new Error('fitWindow: empty window');
  if (window.length >= length) return window.slice(window.length - length);
  const pad = new Array(length - window.length).fill(window[0]);
  return pad.concat(window);
}

/**
 * Raw (not standardised) engine features, grouped per sensor, one value per spec.stats entry:
 *   tail  = mean of the last `tailLength` readings (denoised current level)
 *   mean  = mean over the whole window
 *   slope = least-squares slope per cycle (degradation rate)
 *   curv  = quadratic coefficient of an orthogonal-polynomial fit (degradation accelerating)
 *   resid = std of the residual around the linear fit (noise level)
 * If spec.useCycle, the newest reading's `cycle` (engine age in cycles) is appended last.
 * @param {import('./features').EngineReading[]} window oldest first
 * @param {import('./features').EngineSpec} spec
 * @returns {Float64Array}
 */
export function engineRawFeatures(window, spec) {
  const w = fitWindow(window, spec.windowLength);
  const stats = spec.stats;
  const n = w.length;
  const tail = Math.min(spec.tailLength, n);
  const tMean = (n - 1) / 2;
  // Orthogonal polynomial basis p1 = t - tMean, p2 = p1^2 - c, so slope and curvature decouple.
  let s11 = 0; let s2c = 0;
  for (let t = 0; t < n; t++) { s11 += (t - tMean) ** 2; }
  const c = s11 / n;
  for (let t = 0; t < n; t++) s2c += ((t - tMean) ** 2 - c) ** 2;
  const out = new Float64Array(spec.sensors.length * stats.length + (spec.useCycle ? 1 : 0));
  // Each sensor's column is read once (keyed lookups dominate the cost at the edge); the
  // arithmetic below is unchanged, so the features are bit-identical to reading in place.
  const col = new Float64Array(n);
  const p1 = new Float64Array(n);
  const p2 = new Float64Array(n);
  for (let t = 0; t < n; t++) { p1[t] = t - tMean; p2[t] = (t - tMean) ** 2 - c; }
  let o = 0;
  for (const name of spec.sensors) {
    let sum = 0; let tailSum = 0; let cov1 = 0; let cov2 = 0; let ss = 0;
    for (let t = 0; t < n; t++) {
      const v = w[t][name];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`engine reading ${t} lacks sensor ${name}`);
      col[t] = v;
      sum += v;
      if (t >= n - tail) tailSum += v;
    }
    const mean = sum / n;
    for (let t = 0; t < n; t++) {
      const dv = col[t] - mean;
      cov1 += p1[t] * dv;
      cov2 += p2[t] * dv;
      ss += dv * dv;
    }
    const slope = s11 > 0 ? cov1 / s11 : 0;
    for (const k of stats) {
      if (k === 'tail') out[o++] = tailSum / tail;
      else if (k === 'mean') out[o++] = mean;
      else if (k === 'slope') out[o++] = slope;
      else if (k === 'curv') out[o++] = s2c > 0 ? cov2 / s2c : 0;
      else if (k === 'resid') out[o++] = Math.sqrt(Math.max(0, ss - slope * cov1) / n);
      else throw new Error(`unknown engine stat ${k}`);
    }
  }
  if (spec.useCycle) {
    const cycle = window[window.length - 1].cycle;
    if (typeof cycle !== 'number' || !Number.isFinite(cycle)) throw new Error('newest engine reading lacks cycle');
    out[o++] = cycle;
  }
  return out;
}

/** @param {import('./features').EngineReading[]} window @param {import('./features').EngineSpec} spec */
export function engineFeatures(window, spec) {
  return standardise(engineRawFeatures(window, spec), spec.mean, spec.std);
}

/** @param {{ sensors: readonly string[], stats: readonly string[], useCycle?: boolean }} spec @returns {string[]} */
export function engineFeatureNames(spec) {
  const names = spec.sensors.flatMap((s) => spec.stats.map((k) => `${s}_${k}`));
  return spec.useCycle ? [...names, 'cycle'] : names;
}

// ---------------------------------------------------------------- AI4I per-reading features

export const AI4I_FEATURES = Object.freeze([
  'typeL', 'typeM', 'typeH',
  'airTempK', 'processTempK', 'rpm', 'torqueNm', 'toolWearMin',
  'powerW', 'tempDiffK', 'strainMinNm',
  // Relative distances to the failure regions in the dataset description; each is < 0
  // exactly inside its region, so the net only has to learn a step at 0.
  'hdfMargin', 'pwfMargin', 'osfMargin', 'twfWearMarginMin',
  // 1 inside the region, else 0, decided in float64 here: the published rules sit on a
  // 0.1 K grid, and dT = 8.6 K splits HDF/no-HDF by float64 rounding (8.5999999999999659 vs
  // 8.6000000000000227), which no float32 net input could resolve.
  'hdfRegion', 'pwfRegion', 'osfRegion',
]);

/**
 * Raw AI4I features incl. derived physics. Thresholds come from the spec (model card).
 * @param {import('./features').Ai4iReading} r @param {import('./features').Ai4iSpec} spec
 * @returns {Float64Array}
 */
export function ai4iRawFeatures(r, spec) {
  const th = spec.thresholds;
  const osfLimit = th.osfStrainMinNm[r.type];
  if (osfLimit === undefined) throw new Error(`unknown product type ${r.type}`);
  const power = (r.torqueNm * r.rpm * 2 * Math.PI) / 60; // W = N·m · rad/s
  const dT = r.processTempK - r.airTempK;
  const strain = r.toolWearMin * r.torqueNm;
  // HDF needs BOTH a small temperature difference AND low speed: inside iff max(...) < 0.
  const hdf = Math.max((dT - th.hdfTempDiffK) / th.hdfTempDiffK, (r.rpm - th.hdfRpm) / th.hdfRpm);
  // PWF is outside a power band: inside the failure region iff min(...) < 0.
  const pwf = Math.min((power - th.pwfMinW) / th.pwfMinW, (th.pwfMaxW - power) / th.pwfMaxW);
  return Float64Array.from([
    r.type === 'L' ? 1 : 0, r.type === 'M' ? 1 : 0, r.type === 'H' ? 1 : 0,
    r.airTempK, r.processTempK, r.rpm, r.torqueNm, r.toolWearMin,
    power, dT, strain,
    hdf, pwf, (osfLimit - strain) / osfLimit, r.toolWearMin - th.twfWearMin,
    dT < th.hdfTempDiffK && r.rpm < th.hdfRpm ? 1 : 0,
    power < th.pwfMinW || power > th.pwfMaxW ? 1 : 0,
    strain > osfLimit ? 1 : 0,
  ]);
}

/** @param {import('./features').Ai4iReading} r @param {import('./features').Ai4iSpec} spec */
export function ai4iFeatures(r, spec) {
  return standardise(ai4iRawFeatures(r, spec), spec.mean, spec.std);
}
