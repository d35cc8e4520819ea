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

/** Accepts whatever the caller stored; anything unrecognisable starts over. @param {unknown} s */
function revive(s) {
  if (!s || typeof s !== "object" || /** @type {any} */ (s).v !== 1) return freshState();
  const o = /** @type {import('./index').VehicleHealthState} */ (s);
  // Parts added in later releases start fresh; everything else the vehicle has learned is kept.
  if (!o.sig || !o.cool || !o.volt || !o.rough || !o.pads || !o.tyre || !o.rest) return revive({ ...freshState(), ...o });
  // A copy (the caller's stored state is never mutated), written out because it is on the hot
  // path: every part is a flat object of numbers.
  const sig = o.sig;
  const acc = sig.acc;
  return {
    v: 1,
    sig: {
      runStart: sig.runStart,
      lastRun: sig.lastRun,
      lastTs: sig.lastTs,
      pc: sig.pc ?? null,
      ew: sig.ew ? { ...sig.ew } : null,
      acc: acc ? { ...acc, ew: acc.ew ? { ...acc.ew } : undefined } : null,
    },
    cool: { ...o.cool },
    volt: { ...o.volt },
    rough: { ...o.rough },
    pads: { ...o.pads },
    tyre: { ...o.tyre },
    rest: { ...o.rest },
    nominalV: o.nominalV,
    offSince: o.offSince ?? null,
    seen: o.seen,
    lastTs: o.lastTs,
  };
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
  /** @type {{ item: number, row: import('./signals.js').MinuteRow }[]} */ const minutes = [];

  // 1. Readings → minute rows and wear trends (no model needed), one pass over each vehicle's
  // readings on plain numbers: no per-reading allocation, closure or keyed lookup.
  for (let k = 0; k < items.length; k++) {
    const s = states[k];
    const sig = s.sig;
    const list = inTimeOrder(items[k].readings);
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
      if (row) minutes.push({ item: k, row });
    }
    const last = flushMinute(sig, now);
    if (last) minutes.push({ item: k, row: last });
    settleMinute(sig);
  }

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

  // A coolant sensor that jumps between readings (noise, spikes, a loose connector) is judged
  // on its own history too: log of the mean reading-to-reading change, per engine minute.
  for (const x of minutes) {
    const r = x.row.coolantRoughness;
    const d = states[x.item].rough;
    if (r === null || x.row.runMin < m.coolant.preprocessing.gateMin || x.row.end <= d.end) continue;
    updateDetector(d, roughnessSignal(r), m.erratic);
    d.last = r;
    d.end = x.row.end;
  }

  // 4. Components.
  return states.map((s) => {
    /** @type {import('./index').ComponentHealth[]} */ const components = [];
    if (s.seen & SEEN.cooling) components.push(coolingHealth(s, now, m.coolant.detector, m.erratic));
    if (s.seen & SEEN.charging) components.push(chargingHealth(s, now, m.voltage.detector));
    if (s.seen & SEEN.brakes) components.push(brakesHealth(s, now));
    if (s.seen & SEEN.tyres) components.push(tyresHealth(s, now));
    return { state: rounded(s), components };
  });
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

/**
 * Rounds the state's fractional numbers to 1e-5 in place (keeps the stored JSON small; all values
 * are sums and statistics in units where 1e-5 is far below sensor resolution). Integers, such as
 * timestamps, are untouched.
 * @param {import('./index').VehicleHealthState} s
 */
function rounded(s) {
  roundFlat(s.sig);
  if (s.sig.ew) roundFlat(s.sig.ew);
  if (s.sig.acc) {
    roundFlat(s.sig.acc);
    if (s.sig.acc.ew) roundFlat(s.sig.acc.ew);
  }
  for (const part of [s.cool, s.volt, s.rough, s.pads, s.tyre, s.rest]) roundFlat(part);
  return s;
}

/** @param {Record<string, any>} o */
function roundFlat(o) {
  for (const k in o) {
    const v = o[k];
    if (typeof v === "number" && !Number.isInteger(v) && Number.isFinite(v)) o[k] = Math.round(v * 1e5) / 1e5;
  }
}
