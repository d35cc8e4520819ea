// Feature extraction shared by training (Node) and edge scoring (Worker).
// Plain ESM, no Node/Cloudflare APIs, no tfjs: it only turns readings into feature vectors.
// Every constant that depends on the training data (means, stds, window length, sensor
// list, physical thresholds) arrives through a `spec` object stored in the model card.

// ---------------------------------------------------------------- shared helpers

/**
 * z-score with a guard for constant columns (std 0 would divide by zero). Writes into `out`
 * from `offset` when given (a row of a batch's input matrix), else into a new array.
 * @param {ArrayLike<number>} raw @param {ArrayLike<number>} mean @param {ArrayLike<number>} std
 * @param {Float32Array} [out] @param {number} [offset]
 * @returns {Float32Array}
 */
export function standardise(raw, mean, std, out = new Float32Array(raw.length), offset = 0) {
  for (let i = 0; i < raw.length; i++) {
    const s = std[i] > 0 ? std[i] : 1;
    out[offset + i] = (raw[i] - mean[i]) / s;
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
export const CMAPSS_SENSORS = Object.freeze(["s2", "s3", "s4", "s7", "s8", "s9", "s11", "s12", "s13", "s14", "s15", "s17", "s20", "s21"]);

/** Per-sensor statistics a spec may ask for (spec.stats picks which, in which order). */
export const ENGINE_STATS = Object.freeze(["tail", "mean", "slope", "curv", "resid"]);

/**
 * One reading in the layout feature extraction reads (and the edge keeps per vehicle): a plain
 * number array `[cycle, ...sensor values in spec.sensors order]`. Indexed loads on such arrays
 * are monomorphic; keyed reads on reading objects were most of the extraction time.
 * `cycle` is NaN when the reading has none (only spec.useCycle needs it).
 * @param {import('./features').EngineReading} reading @param {{ sensors: readonly string[] }} spec
 * @returns {import('./features').EngineRow}
 */
export function engineRow(reading, spec) {
  const sensors = spec.sensors;
  const cycle = reading.cycle;
  // Built by push, not new Array(n): a packed array of doubles like JSON.parse makes, so
  // extraction sees one kind of row whether it was just built or loaded from storage.
  const row = [typeof cycle === "number" ? cycle : NaN];
  for (let j = 0; j < sensors.length; j++) {
    const v = reading[sensors[j]];
    if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`engine reading lacks sensor ${sensors[j]}`);
    row.push(v);
  }
  return row;
}

/**
 * The readings a window's features depend on (the newest `spec.windowLength`) as engine rows.
 * @param {import('./features').EngineReading[]} window oldest first
 * @param {{ sensors: readonly string[], windowLength: number }} spec
 * @returns {import('./features').EngineRow[]}
 */
export function engineRowWindow(window, spec) {
  const from = Math.max(0, window.length - spec.windowLength);
  const rows = new Array(window.length - from);
  for (let i = from; i < window.length; i++) rows[i - from] = engineRow(window[i], spec);
  return rows;
}

/**
 * Orthogonal polynomial basis over t = 0..n-1: p1 = t - tMean, p2 = p1^2 - c, so slope and
 * curvature decouple. It depends only on n, so it is computed once per window length.
 * @type {Map<number, { p1: Float64Array, p2: Float64Array, s11: number, s2c: number }>}
 */
const bases = new Map();
function polynomialBasis(n) {
  let basis = bases.get(n);
  if (basis) return basis;
  const tMean = (n - 1) / 2;
  let s11 = 0;
  let s2c = 0;
  for (let t = 0; t < n; t++) {
    s11 += (t - tMean) ** 2;
  }
  const c = s11 / n;
  for (let t = 0; t < n; t++) s2c += ((t - tMean) ** 2 - c) ** 2;
  const p1 = new Float64Array(n);
  const p2 = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    p1[t] = t - tMean;
    p2[t] = (t - tMean) ** 2 - c;
  }
  basis = { p1, p2, s11, s2c };
  bases.set(n, basis);
  return basis;
}

/** Accumulators reused between calls (extraction is synchronous); grows to the largest spec seen. */
let accumulators = new Float64Array(0);
const scratch = (size) => (accumulators.length >= size ? accumulators : (accumulators = new Float64Array(size)));

const TAIL = 0;
const MEAN = 1;
const SLOPE = 2;
const CURV = 3;
const RESID = 4;
/** spec.stats as small integers, checked once per stats array instead of per sensor and window. */
const statCodeCache = new WeakMap();
/** @param {readonly string[]} stats @returns {Uint8Array} */
function statCodes(stats) {
  let codes = statCodeCache.get(stats);
  if (codes && codes.length === stats.length) return codes;
  codes = Uint8Array.from(stats, (k) => {
    const code = ENGINE_STATS.indexOf(k);
    if (code < 0) throw new Error(`unknown engine stat ${k}`);
    return code;
  });
  statCodeCache.set(stats, codes);
  return codes;
}

/** Number of raw features a spec produces. @param {{ sensors: readonly string[], stats: readonly string[], useCycle?: boolean }} spec */
export const engineFeatureCount = (spec) => spec.sensors.length * spec.stats.length + (spec.useCycle ? 1 : 0);

/**
 * Raw (not standardised) engine features of a window of engine rows (see engineRow), grouped
 * per sensor, one value per spec.stats entry:
 *   tail  = mean of the last `tailLength` readings (denoised current level)
 *   mean  = mean over the whole window
 *   slope = least-squares slope per cycle (degradation rate)
 *   curv  = quadratic coefficient of an orthogonal-polynomial fit (degradation accelerating)
 *   resid = std of the residual around the linear fit (noise level)
 * If spec.useCycle, the newest row's cycle (engine age in cycles) is appended last.
 * The window is read as exactly `windowLength` rows: the most recent ones; if the engine has
 * fewer cycles, its first row repeated in front (a flat history, so slopes stay honest about
 * what was observed instead of inventing a trend).
 * Writes into `out` from `offset` when given (the batch scorer's scratch row), else a new array.
 * @param {import('./features').EngineRow[]} rows oldest first
 * @param {import('./features').EngineSpec} spec
 * @param {Float64Array} [out] @param {number} [offset]
 * @returns {Float64Array}
 */
export function engineRowRawFeatures(rows, spec, out = new Float64Array(engineFeatureCount(spec)), offset = 0) {
  const m = rows.length;
  if (m === 0) throw new Error("engine window is empty");
  const n = spec.windowLength;
  const skip = m - n; // > 0: older rows left out; < 0: that many copies of rows[0] in front
  const sensorCount = spec.sensors.length;
  const codes = statCodes(spec.stats);
  const tail = Math.min(spec.tailLength, n);
  const { p1, p2, s11, s2c } = polynomialBasis(n);
  // Time-major passes with one accumulator per sensor: each sensor's sums still add in time
  // order (bit-identical to a loop per sensor), but the sensors' chains of dependent additions
  // interleave instead of waiting on each other.
  const acc = scratch(5 * sensorCount);
  acc.fill(0, 0, 5 * sensorCount);
  const SUM = 0;
  const TAILSUM = sensorCount;
  const COV1 = 2 * sensorCount;
  const COV2 = 3 * sensorCount;
  const SS = 4 * sensorCount;
  for (let t = 0; t < n; t++) {
    const row = rows[Math.max(t + skip, 0)];
    const inTail = t >= n - tail;
    for (let j = 0; j < sensorCount; j++) {
      const v = row[j + 1];
      if (!Number.isFinite(v)) throw new Error(`engine reading ${t} lacks sensor ${spec.sensors[j]}`);
      acc[SUM + j] += v;
      if (inTail) acc[TAILSUM + j] += v;
    }
  }
  for (let j = 0; j < sensorCount; j++) acc[SUM + j] /= n; // now the mean
  // Only curv and resid use cov2 and ss (skipping them changes no other value).
  const curvOrResid = codes.includes(CURV) || codes.includes(RESID);
  for (let t = 0; t < n; t++) {
    const row = rows[Math.max(t + skip, 0)];
    const q1 = p1[t];
    const q2 = p2[t];
    for (let j = 0; j < sensorCount; j++) {
      const dv = row[j + 1] - acc[SUM + j];
      acc[COV1 + j] += q1 * dv;
      if (curvOrResid) {
        acc[COV2 + j] += q2 * dv;
        acc[SS + j] += dv * dv;
      }
    }
  }
  let o = offset;
  for (let j = 0; j < sensorCount; j++) {
    const mean = acc[SUM + j];
    const tailSum = acc[TAILSUM + j];
    const cov1 = acc[COV1 + j];
    const cov2 = acc[COV2 + j];
    const ss = acc[SS + j];
    const slope = s11 > 0 ? cov1 / s11 : 0;
    for (let k = 0; k < codes.length; k++) {
      switch (codes[k]) {
        case TAIL:
          out[o++] = tailSum / tail;
          break;
        case MEAN:
          out[o++] = mean;
          break;
        case SLOPE:
          out[o++] = slope;
          break;
        case CURV:
          out[o++] = s2c > 0 ? cov2 / s2c : 0;
          break;
        case RESID:
          out[o++] = Math.sqrt(Math.max(0, ss - slope * cov1) / n);
          break;
      }
    }
  }
  if (spec.useCycle) {
    const cycle = rows[m - 1][0];
    if (!Number.isFinite(cycle)) throw new Error("newest engine reading lacks cycle");
    out[o++] = cycle;
  }
  return out;
}

/** @param {import('./features').EngineRow[]} rows @param {import('./features').EngineSpec} spec */
export function engineRowFeatures(rows, spec) {
  return standardise(engineRowRawFeatures(rows, spec), spec.mean, spec.std);
}

/**
 * engineRowRawFeatures of reading objects (training, tests, fixtures): the same code on the
 * same numbers, after converting the readings it uses to rows.
 * @param {import('./features').EngineReading[]} window oldest first
 * @param {import('./features').EngineSpec} spec
 * @returns {Float64Array}
 */
export function engineRawFeatures(window, spec) {
  return engineRowRawFeatures(engineRowWindow(window, spec), spec);
}

/** @param {import('./features').EngineReading[]} window @param {import('./features').EngineSpec} spec */
export function engineFeatures(window, spec) {
  return standardise(engineRawFeatures(window, spec), spec.mean, spec.std);
}

/** @param {{ sensors: readonly string[], stats: readonly string[], useCycle?: boolean }} spec @returns {string[]} */
export function engineFeatureNames(spec) {
  const names = spec.sensors.flatMap((s) => spec.stats.map((k) => `${s}_${k}`));
  return spec.useCycle ? [...names, "cycle"] : names;
}

// ---------------------------------------------------------------- AI4I per-reading features

export const AI4I_FEATURES = Object.freeze([
  "typeL",
  "typeM",
  "typeH",
  "airTempK",
  "processTempK",
  "rpm",
  "torqueNm",
  "toolWearMin",
  "powerW",
  "tempDiffK",
  "strainMinNm",
  // Relative distances to the failure regions in the dataset description; each is < 0
  // exactly inside its region, so the net only has to learn a step at 0.
  "hdfMargin",
  "pwfMargin",
  "osfMargin",
  "twfWearMarginMin",
  // 1 inside the region, else 0, decided in float64 here: the published rules sit on a
  // 0.1 K grid, and dT = 8.6 K splits HDF/no-HDF by float64 rounding (8.5999999999999659 vs
  // 8.6000000000000227), which no float32 net input could resolve.
  "hdfRegion",
  "pwfRegion",
  "osfRegion",
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
    r.type === "L" ? 1 : 0,
    r.type === "M" ? 1 : 0,
    r.type === "H" ? 1 : 0,
    r.airTempK,
    r.processTempK,
    r.rpm,
    r.torqueNm,
    r.toolWearMin,
    power,
    dT,
    strain,
    hdf,
    pwf,
    (osfLimit - strain) / osfLimit,
    r.toolWearMin - th.twfWearMin,
    dT < th.hdfTempDiffK && r.rpm < th.hdfRpm ? 1 : 0,
    power < th.pwfMinW || power > th.pwfMaxW ? 1 : 0,
    strain > osfLimit ? 1 : 0,
  ]);
}

/** @param {import('./features').Ai4iReading} r @param {import('./features').Ai4iSpec} spec */
export function ai4iFeatures(r, spec) {
  return standardise(ai4iRawFeatures(r, spec), spec.mean, spec.std);
}
