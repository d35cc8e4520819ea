// Vehicle health from ordinary telematics: per-vehicle state in, per-component health out.
// Pure apart from the two virtual sensors loaded once (tfjs, uint8 weights embedded in
// served-models.js); runs in workerd and Node. One call scores every touched vehicle of an
// ingest batch with ONE forward pass per model.
import * as tf from "@tensorflow/tfjs-core";
import { loadModel } from "../load.js";
import { SERVED_MODELS } from "./served-models.js";
import { READING, engineRunning, flushMinute, initialSignalState, pushReading } from "./signals.js";
import { initialDetector, updateDetector } from "./detector.js";
import { initialTrend, pushTrend } from "./trend.js";
import { coolingHealth, chargingHealth, brakesHealth, tyresHealth, WEAR } from "./components.js";

export const VEHICLE_HEALTH_VERSION = "vehicle-health-1";

/** @typedef {import('./index').HealthState} HealthState */

/** @returns {import('./index').VehicleHealthState} */
function freshState() {
  return {
    v: 1,
    sig: initialSignalState(),
    cool: { ...initialDetector(), q: 1, last: null, exp: null, end: 0 },
    volt: { ...initialDetector(), q: 1, last: null, exp: null, end: 0 },
    pads: initialTrend(),
    tyre: initialTrend(),
    rest: initialTrend(),
    nominalV: 0,
    seen: 0,
    lastTs: null,
  };
}

/** @returns {HealthState} */
export function initialHealthState() {
  return freshState();
}

/** Bits of `seen`: which components this vehicle has ever sent the base reading of. */
export const SEEN = { cooling: 1, charging: 2, brakes: 4, tyres: 8 };

/** @type {{ coolant: any, voltage: any } | null} */
let loaded = null;
/** @type {Promise<void> | null} */
let loading = null;

/** Loads the two virtual sensors once (idempotent; concurrent callers share one load). */
export function loadVehicleHealth() {
  loading ??= (async () => {
    const coolant = SERVED_MODELS.coolant;
    const voltage = SERVED_MODELS.voltage;
    loaded = {
      coolant: { ...coolant, model: await loadModel(coolant.modelJson, base64ToArrayBuffer(coolant.weightsBase64)) },
      voltage: { ...voltage, model: await loadModel(voltage.modelJson, base64ToArrayBuffer(voltage.weightsBase64)) },
    };
  })();
  return loading;
}

/** @param {string} b64 @returns {ArrayBuffer} */
function base64ToArrayBuffer(b64) {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes.buffer;
}

/** Accepts whatever the caller stored; anything unrecognisable starts over. @param {unknown} s */
function revive(s) {
  if (s && typeof s === "object" && /** @type {any} */ (s).v === 1)
    return /** @type {import('./index').VehicleHealthState} */ (structuredClone(s));
  return freshState();
}

/**
 * Runs one model over many minute rows in a single forward pass.
 * @param {any} m loaded sensor @param {number[][]} rows raw features @returns {Float32Array} expected values
 */
function predict(m, rows) {
  if (rows.length === 0) return new Float32Array(0);
  const { mean, std } = m.preprocessing;
  const d = mean.length;
  const flat = new Float32Array(rows.length * d);
  rows.forEach((r, i) => {
    for (let j = 0; j < d; j++) flat[i * d + j] = (r[j] - mean[j]) / (std[j] || 1);
  });
  const out = tf.tidy(() => /** @type {tf.Tensor} */ (m.model.predict(tf.tensor2d(flat, [rows.length, d]))).dataSync());
  const res = new Float32Array(out.length);
  for (let i = 0; i < out.length; i++) res[i] = m.output.center + m.output.scale * out[i];
  return res;
}

/**
 * @param {{ state: HealthState, readings: import('./index').HealthReading[] }[]} items
 * @param {number} now ms
 * @returns {Promise<{ state: HealthState, components: import('./index').ComponentHealth[] }[]>}
 */
export async function updateVehicleHealth(items, now) {
  await loadVehicleHealth();
  const m = /** @type {NonNullable<typeof loaded>} */ (loaded);
  const states = items.map((it) => revive(it.state));
  /** @type {{ item: number, row: import('./signals.js').MinuteRow }[]} */ const minutes = [];

  // 1. Readings → minute rows and wear trends (no model needed).
  items.forEach((it, k) => {
    const s = states[k];
    const sorted = [...it.readings].sort((a, b) => a.ts - b.ts);
    for (const { ts, readings: r } of sorted) {
      if (!Number.isFinite(ts) || !r || typeof r !== "object") continue;
      noteReadings(s, ts, r);
      const row = pushReading(s.sig, ts, r);
      if (row) minutes.push({ item: k, row });
    }
    const last = flushMinute(s.sig, now);
    if (last) minutes.push({ item: k, row: last });
  });

  // 2. One forward pass per virtual sensor for every vehicle's closed minutes.
  const coolRows = minutes.filter((x) => x.row.coolant !== null && x.row.runMin >= m.coolant.preprocessing.gateMin);
  const voltRows = minutes.filter((x) => x.row.voltage !== null && x.row.runMin >= m.voltage.preprocessing.gateMin);
  const coolExp = predict(
    m.coolant,
    coolRows.map((x) => x.row.features),
  );
  const voltExp = predict(
    m.voltage,
    voltRows.map((x) => x.row.features),
  );

  // 3. Residuals into each vehicle's own detector, in time order.
  coolRows.forEach((x, i) =>
    applyResidual(states[x.item].cool, x.row, /** @type {number} */ (x.row.coolant), coolExp[i], m.coolant.detector),
  );
  voltRows.forEach((x, i) =>
    applyResidual(states[x.item].volt, x.row, /** @type {number} */ (x.row.voltage), voltExp[i], m.voltage.detector),
  );

  // 4. Components.
  return states.map((s) => {
    /** @type {import('./index').ComponentHealth[]} */ const components = [];
    if (s.seen & SEEN.cooling) components.push(coolingHealth(s, now, m.coolant.detector));
    if (s.seen & SEEN.charging) components.push(chargingHealth(s, now, m.voltage.detector));
    if (s.seen & SEEN.brakes) components.push(brakesHealth(s, now));
    if (s.seen & SEEN.tyres) components.push(tyresHealth(s, now));
    return { state: compact(s), components };
  });
}

/**
 * @param {import('./index').SensorDetectorState} d @param {import('./signals.js').MinuteRow} row
 * @param {number} measured @param {number} expected @param {import('./detector.js').DetectorParams} p
 */
function applyResidual(d, row, measured, expected, p) {
  if (row.end <= d.end) return; // a minute already scored (replayed batch)
  updateDetector(d, measured - expected, p);
  // Input quality: missing engine load / intake air temperature make "expected" less certain.
  const q = 1 - (row.hasLoad ? 0 : 0.3) - (row.hasIntakeAir ? 0 : 0.15);
  d.q += 0.1 * (q - d.q);
  d.last = measured;
  d.exp = expected;
  d.end = row.end;
}

/**
 * Wear and resting-battery trends, and which components the vehicle reports at all.
 * @param {import('./index').VehicleHealthState} s @param {number} ts @param {Record<string, number>} r
 */
function noteReadings(s, ts, r) {
  const val = (/** @type {string} */ k) => (typeof r[k] === "number" && Number.isFinite(r[k]) ? r[k] : undefined);
  if (s.lastTs === null || ts > s.lastTs) s.lastTs = ts;
  if (val(READING.coolant) !== undefined) s.seen |= SEEN.cooling;
  const v = val(READING.battery);
  if (v !== undefined && v > 5) {
    s.seen |= SEEN.charging;
    if (!s.nominalV) s.nominalV = v > 18 ? 24 : 12;
    // Resting voltage: engine off and not being charged (a running engine holds ~14 V / 28 V).
    if (!engineRunning(r) && v < s.nominalV * 1.08) pushTrend(s.rest, ts, v, WEAR.battery.trend);
  }
  const pad = val(READING.brakePad);
  if (pad !== undefined && pad >= 0) {
    s.seen |= SEEN.brakes;
    pushTrend(s.pads, ts, pad, WEAR.brakes.trend);
  }
  const tyre = val(READING.tyre);
  if (tyre !== undefined && tyre > 0) {
    s.seen |= SEEN.tyres;
    pushTrend(s.tyre, ts, tyre, WEAR.tyres.trend);
  }
}

/** Rounds fractional numbers to 7 significant digits so the stored state stays small. @param {any} x @returns {any} */
function compact(x) {
  if (typeof x === "number") return Number.isInteger(x) || !Number.isFinite(x) ? x : Number(x.toPrecision(7));
  if (Array.isArray(x)) return x.map(compact);
  if (x && typeof x === "object") {
    /** @type {Record<string, unknown>} */ const o = {};
    for (const [k, v] of Object.entries(x)) o[k] = compact(v);
    return o;
  }
  return x;
}
