// Vehicle health from ordinary telematics: per-vehicle state in, per-component health out.
// Pure apart from the two virtual sensors loaded once (tfjs, uint8 weights embedded in
// served-models.js); runs in workerd and Node. One call scores every touched vehicle of an
// ingest batch with ONE forward pass per model.
import { predictExpected as predict } from "./predict.js";
import { servedDenseLayers } from "./served-dense.js";
import { SERVED_MODELS } from "./served-models.js";
import { COOLANT_DETECTOR, ERRATIC_DETECTOR, VOLTAGE_DETECTOR } from "./hyperparameters.js";
import { finite, flushMinute, initialSignalState, pushValues, runningFrom, settleMinute } from "./signals.js";
import { initialDetector, regimeFactor, roughnessSignal, updateDetector } from "./detector.js";
import { initialTrend, pushTrend } from "./trend.js";
import { coolingHealth, chargingHealth, brakesHealth, tyresHealth, WEAR } from "./components.js";
import { rounded, stateCopy } from "./state-layout.js";

export const VEHICLE_HEALTH_VERSION = "vehicle-health-2";

/** @typedef {import('./index').HealthState} HealthState */

/** @returns {import('./index').VehicleHealthState} */
function freshState() {
  return {
    v: 1,
    sig: initialSignalState(),
    cool: { ...initialDetector(), q: 1, last: null, exp: null, end: 0 },
    volt: { ...initialDetector(), q: 1, last: null, exp: null, end: 0 },
    rough: { ...initialDetector(), q: 1, last: null, exp: null, end: 0 },
    pads: initialTrend(),
    tyre: initialTrend(),
    rest: initialTrend(),
    nominalV: 0,
    offSince: null,
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

/**
 * A health engine over a given pair of served virtual sensors (the committed ones by default;
 * validation plugs in candidates the same way).
 * @param {typeof SERVED_MODELS} served
 * @param {{ coolant: import('./detector.js').DetectorParams, voltage: import('./detector.js').DetectorParams, erratic: import('./detector.js').DetectorParams }} [detectors]
 */
export function createVehicleHealth(
  served,
  detectors = { coolant: COOLANT_DETECTOR, voltage: VOLTAGE_DETECTOR, erratic: ERRATIC_DETECTOR },
) {
  /** @type {{ coolant: any, voltage: any, erratic: import('./detector.js').DetectorParams } | null} */
  let loaded = null;
  /** @type {Promise<void> | null} */
  let loading = null;
  /** Loads the two virtual sensors once (idempotent; concurrent callers share one load). */
  const load = () => {
    loading ??= (async () => {
      const sensor = async (/** @type {any} */ s, /** @type {import('./detector.js').DetectorParams} */ detector) => {
        return { ...s, detector, dense: await servedDenseLayers(s.modelJson, base64ToArrayBuffer(s.weightsBase64)) };
      };
      loaded = {
        erratic: detectors.erratic,
        coolant: await sensor(served.coolant, detectors.coolant),
        voltage: await sensor(served.voltage, detectors.voltage),
      };
    })();
    return loading;
  };
  /** @type {typeof updateVehicleHealth} */
  const update = async (items, now) => {
    await load();
    return updateWith(/** @type {NonNullable<typeof loaded>} */ (loaded), items, now);
  };
  return { load, update };
}

const committed = createVehicleHealth(SERVED_MODELS);

/** Loads the committed virtual sensors once (idempotent). */
export function loadVehicleHealth() {
  return committed.load();
}

/** @param {string} b64 @returns {ArrayBuffer} */
function base64ToArrayBuffer(b64) {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes.buffer;
}

/**
 * Accepts whatever the caller stored; anything unrecognisable starts over. Always a copy in the
 * one working layout (state-layout.js): the caller's stored state is never mutated.
 * @param {unknown} s @returns {import('./index').VehicleHealthState}
 */
function revive(s) {
  if (!s || typeof s !== "object" || /** @type {any} */ (s).v !== 1) return stateCopy(freshState());
  const o = /** @type {import('./index').VehicleHealthState} */ (s);
  // Parts added in later releases start fresh; everything else the vehicle has learned is kept.
  if (!o.sig || !o.cool || !o.volt || !o.rough || !o.pads || !o.tyre || !o.rest) return revive({ ...freshState(), ...o });
  return stateCopy(o);
}

/**
 * @param {{ state: HealthState, readings: import('./index').HealthReading[] }[]} items
 * @param {number} now ms
 * @returns {Promise<{ state: HealthState, components: import('./index').ComponentHealth[] }[]>}
 */
export function updateVehicleHealth(items, now) {
  return committed.update(items, now);
}

/**
 * @param {{ coolant: any, voltage: any, erratic: import('./detector.js').DetectorParams }} m loaded sensors
 * @param {{ state: HealthState, readings: import('./index').HealthReading[] }[]} items
 * @param {number} now ms
 */
function updateWith(m, items, now) {
  const states = items.map((it) => revive(it.state));
  /** Closed minute rows of every vehicle, and the vehicle (index into items) of each. */
  /** @type {import('./signals.js').MinuteRow[]} */ const rows = [];
  /** @type {number[]} */ const rowItem = [];

  // 1. Readings → minute rows and wear trends (no model needed).
  for (let k = 0; k < items.length; k++) readVehicle(states[k], items[k].readings, now, k, rows, rowItem);

  // 2. One forward pass per virtual sensor for every vehicle's closed minutes.
  const coolGate = m.coolant.preprocessing.gateMin;
  const voltGate = m.voltage.preprocessing.gateMin;
  /** @type {number[]} */ const coolIdx = [];
  /** @type {number[]} */ const voltIdx = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (row.coolant !== null && row.runMin >= coolGate) coolIdx.push(i);
    if (row.voltage !== null && row.runMin >= voltGate) voltIdx.push(i);
  }
  const coolExp = predict(
    m.coolant,
    coolIdx.map((i) => rows[i].features),
  );
  const voltExp = predict(
    m.voltage,
    voltIdx.map((i) => rows[i].features),
  );

  // 3. Residuals into each vehicle's own detector, in time order.
  for (let j = 0; j < coolIdx.length; j++) {
    const row = rows[coolIdx[j]];
    applyResidual(states[rowItem[coolIdx[j]]].cool, row, /** @type {number} */ (row.coolant), coolExp[j], m.coolant.detector);
  }
  for (let j = 0; j < voltIdx.length; j++) {
    const row = rows[voltIdx[j]];
    applyResidual(states[rowItem[voltIdx[j]]].volt, row, /** @type {number} */ (row.voltage), voltExp[j], m.voltage.detector);
  }

  // A coolant sensor that jumps between readings (noise, spikes, a loose connector) is judged
  // on its own history too: log of the mean reading-to-reading change, per engine minute.
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const r = row.coolantRoughness;
    const d = states[rowItem[i]].rough;
    if (r === null || row.runMin < coolGate || row.end <= d.end) continue;
    updateDetector(d, roughnessSignal(r), m.erratic);
    d.last = r;
    d.end = row.end;
  }

  // 4. Components.
  /** @type {{ state: HealthState, components: import('./index').ComponentHealth[] }[]} */ const out = [];
  for (let k = 0; k < states.length; k++) {
    const s = states[k];
    /** @type {import('./index').ComponentHealth[]} */ const components = [];
    if (s.seen & SEEN.cooling) components.push(coolingHealth(s, now, m.coolant.detector, m.erratic));
    if (s.seen & SEEN.charging) components.push(chargingHealth(s, now, m.voltage.detector));
    if (s.seen & SEEN.brakes) components.push(brakesHealth(s, now));
    if (s.seen & SEEN.tyres) components.push(tyresHealth(s, now));
    out.push({ state: rounded(s), components });
  }
  return out;
}

/**
 * One vehicle's readings into its state: one pass over plain numbers, no per-reading
 * allocation, closure or keyed lookup. A function of its own so V8 optimises it for the
 * per-reading work alone (inside the batch function, the loop was deoptimised every few batches).
 * Closed minute rows are appended to `rows`, with `k` to `rowItem`.
 * @param {import('./index').VehicleHealthState} s mutated @param {import('./index').HealthReading[]} readings
 * @param {number} now @param {number} k @param {import('./signals.js').MinuteRow[]} rows @param {number[]} rowItem
 */
function readVehicle(s, readings, now, k, rows, rowItem) {
  const sig = s.sig;
  const list = inTimeOrder(readings);
  for (let j = 0; j < list.length; j++) {
    const e = list[j];
    const ts = e.ts;
    const r = e.readings;
    if (!Number.isFinite(ts) || !r || typeof r !== "object") continue;
    // READING's names, spelled out so each is a fixed-name property load.
    const rpm = finite(r.rpm);
    const spd = finite(r.speedKph);
    const cool = finite(r.coolantTempC);
    const volt = finite(r.batteryV);
    noteValues(s, ts, runningFrom(rpm, spd), cool, volt, finite(r.brakePadMm), finite(r.tirePressureKpa));
    const row = pushValues(sig, ts, rpm, spd, finite(r.engineLoadPct), finite(r.intakeAirTempC), cool, volt);
    if (row) {
      rows.push(row);
      rowItem.push(k);
    }
  }
  const last = flushMinute(sig, now);
  if (last) {
    rows.push(last);
    rowItem.push(k);
  }
  settleMinute(sig);
}

/**
 * @param {import('./index').SensorDetectorState} d @param {import('./signals.js').MinuteRow} row
 * @param {number} measured @param {number} expected @param {import('./detector.js').DetectorParams} p
 */
function applyResidual(d, row, measured, expected, p) {
  if (row.end <= d.end) return; // a minute already scored (replayed batch)
  updateDetector(d, measured - expected, p, regimeFactor(row, p));
  // Input quality: missing engine load / intake air temperature make "expected" less certain.
  const q = 1 - (row.hasLoad ? 0 : 0.3) - (row.hasIntakeAir ? 0 : 0.15);
  d.q += 0.1 * (q - d.q);
  d.last = measured;
  d.exp = expected;
  d.end = row.end;
}

/**
 * The readings in time order: as given when they already are (the usual case: no copy, no
 * sort), else a sorted copy. The same order Array.prototype.sort gives: it is stable and leaves
 * a run that never descends as it is.
 * @param {import('./index').HealthReading[]} readings
 */
function inTimeOrder(readings) {
  for (let j = 1; j < readings.length; j++) {
    if (readings[j].ts - readings[j - 1].ts < 0) return [...readings].sort((a, b) => a.ts - b.ts);
  }
  return readings;
}

/**
 * Wear and resting-battery trends, and which components the vehicle reports at all. Readings are
 * numbers, NaN when not sent.
 * @param {import('./index').VehicleHealthState} s @param {number} ts @param {boolean} running
 * @param {number} cool @param {number} v battery @param {number} pad @param {number} tyre
 */
function noteValues(s, ts, running, cool, v, pad, tyre) {
  const gap = s.lastTs === null ? Number.POSITIVE_INFINITY : ts - s.lastTs;
  if (s.lastTs === null || ts > s.lastTs) s.lastTs = ts;
  if (!Number.isNaN(cool)) s.seen |= SEEN.cooling;
  if (v > 5) {
    s.seen |= SEEN.charging;
    if (!s.nominalV) s.nominalV = v > 18 ? 24 : 12;
    // Resting voltage: engine off for a minute (no cranking dip, surface charge settling) and
    // not being charged (a running engine holds ~14 V / 28 V).
    if (running) {
      s.offSince = null;
      // Key-on and cranking readings just before this start are not resting: drop the open bucket.
      if (s.rest.bn > 0 && s.rest.bk === Math.floor(ts / WEAR.battery.trend.bucketMs)) {
        s.rest.bn = 0;
        s.rest.bs = 0;
      }
    } else {
      if (s.offSince === null || gap > 600_000) s.offSince = ts;
      if (ts - s.offSince >= 60_000 && v < s.nominalV * 1.08) pushTrend(s.rest, ts, v, WEAR.battery.trend);
    }
  }
  if (pad >= 0) {
    s.seen |= SEEN.brakes;
    pushTrend(s.pads, ts, pad, WEAR.brakes.trend);
  }
  if (tyre > 0) {
    s.seen |= SEEN.tyres;
    pushTrend(s.tyre, ts, tyre, WEAR.tyres.trend);
  }
}
