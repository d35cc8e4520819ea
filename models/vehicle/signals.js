// Operating conditions of one vehicle, built reading by reading into one-minute rows: the unit
// the virtual sensors score. Pure (no I/O, no tfjs); the same code builds the training rows from
// carOBD and the rows the tenant's object scores, so training and serving cannot drift apart.

import { emptyMinute, smoothedCopy } from "./state-layout.js";

/** Canonical FleetPulse reading names the vehicle models read (worker/domain/telemetry.ts). */
export const READING = {
  rpm: "rpm",
  speed: "speedKph",
  load: "engineLoadPct",
  intakeAir: "intakeAirTempC",
  coolant: "coolantTempC",
  battery: "batteryV",
  brakePad: "brakePadMm",
  tyre: "tirePressureKpa",
};

/** Virtual-sensor input features, in model input order. */
export const FEATURE_NAMES = [
  "rpm_k", // minute mean rpm / 1000
  "speed_kph", // minute mean speed
  "load_pct", // minute mean engine load (imputed when missing)
  "intake_air_c", // minute mean intake air temperature (imputed when missing)
  "run_min_capped", // minutes since engine start, capped at RUN_FEATURE_CAP_MIN
  "log1p_run_min", // log(1 + the same capped minutes)
  "ew_load_5min", // engine load smoothed over ~5 min (thermal inertia)
  "ew_load_20min",
  "ew_speed_5min", // road speed smoothed over ~5 min (radiator airflow)
  "ew_rpm_5min",
  "load_missing", // 1 when the vehicle sent no engine load this minute
  "intake_air_missing", // 1 when it sent no intake air temperature
];

/** Values used when an optional input is missing (training means of carOBD, rounded). */
export const IMPUTE = { load: 30, intakeAir: 40 };

const MINUTE_MS = 60_000;
/**
 * Time since engine start stops counting, for the features, at 45 minutes: the longest engine run
 * in the carOBD training drives (45.3 min). Past it the virtual sensors would extrapolate, and the
 * coolant sensor's expected value kept climbing with log(run time) on a thermally steady engine
 * (+1.4 °C over two hours of constant coolant), which the residual CUSUM read as a fault. A warm
 * engine's coolant no longer depends on how long it has run.
 */
export const RUN_FEATURE_CAP_MIN = 45;
/** An engine that stopped for longer than this restarts "cold" for the time-since-start clock. */
const RESTART_GAP_MS = 120_000;
const TAU_5 = 300_000;
const TAU_20 = 1_200_000;

/**
 * @typedef {{ b: number, n: number, on: number, rpm: number, spd: number, load: number, nLoad: number,
 *   iat: number, nIat: number, cool: number, nCool: number, volt: number, nVolt: number, run: number,
 *   dCool: number, nDCool: number, ew?: { l5: number, l20: number, s5: number, r5: number } }} MinuteAcc
 * @typedef {{ runStart: number | null, lastRun: number | null, lastTs: number | null,
 *   ew: { l5: number, l20: number, s5: number, r5: number } | null, acc: MinuteAcc | null, pc?: number | null }} SignalState
 * @typedef {{ end: number, runMin: number, features: number[], coolant: number | null, voltage: number | null,
 *   coolantRoughness: number | null, hasLoad: boolean, hasIntakeAir: boolean }} MinuteRow
 */

/** @returns {SignalState} */
export function initialSignalState() {
  return { runStart: null, lastRun: null, lastTs: null, ew: null, acc: null, pc: null };
}

/** A finite number, or NaN for a missing / non-numeric / non-finite reading. @param {unknown} v */
export const finite = (v) => (typeof v === "number" && Number.isFinite(v) ? v : Number.NaN);

/** Engine running: rpm above cranking, or (no rpm reported) the vehicle is moving. NaN = not sent. @param {number} rpm @param {number} spd */
export const runningFrom = (rpm, spd) => (Number.isNaN(rpm) ? spd > 0 : rpm > 300);

/** Engine running, from a reading object. @param {Record<string, number>} r */
export function engineRunning(r) {
  return runningFrom(finite(r[READING.rpm]), finite(r[READING.speed]));
}

/**
 * Feeds one reading (in time order) into the signal state. Returns the minute row that the
 * reading closed, if any (a minute closes when a reading of a later minute arrives).
 * @param {SignalState} s mutated
 * @param {number} ts ms
 * @param {Record<string, number>} r canonical readings
 * @returns {MinuteRow | null}
 */
export function pushReading(s, ts, r) {
  return pushValues(
    s,
    ts,
    finite(r[READING.rpm]),
    finite(r[READING.speed]),
    finite(r[READING.load]),
    finite(r[READING.intakeAir]),
    finite(r[READING.coolant]),
    finite(r[READING.battery]),
  );
}

// 1 - exp(-dt / tau) for the last dt seen: readings usually come at a steady rate, so most
// readings reuse it (same numbers as computing it afresh).
let lastDt = Number.NaN;
let lastA5 = 0;
let lastA20 = 0;

/**
 * pushReading on plain numbers (NaN = not sent): the hot path. Allocates only when a minute
 * opens or closes. While a minute is open, its smoothed conditions live in `s.ew`; the stored
 * copy `s.acc.ew` is written by settleMinute (once per call) and read by nothing else.
 * @param {SignalState} s mutated @param {number} ts ms
 * @param {number} rpmIn @param {number} spdIn @param {number} load @param {number} iat @param {number} cool @param {number} volt
 * @returns {MinuteRow | null}
 */
export function pushValues(s, ts, rpmIn, spdIn, load, iat, cool, volt) {
  if (s.lastTs !== null && ts <= s.lastTs) return null; // out of order or duplicate: ignored
  /** @type {MinuteRow | null} */ let closed = null;
  const b = Math.floor(ts / MINUTE_MS);
  if (s.acc && s.acc.b !== b) {
    closed = closeMinute(s.acc, s.ew);
    s.acc = null;
  }
  if (runningFrom(rpmIn, spdIn)) {
    if (s.runStart === null || s.lastRun === null || ts - s.lastRun > RESTART_GAP_MS) {
      s.runStart = ts;
      s.ew = null;
      s.pc = null;
    }
    s.lastRun = ts;
    const spd = Number.isNaN(spdIn) ? 0 : spdIn;
    const rpm = Number.isNaN(rpmIn) ? 800 + 25 * spd : rpmIn;
    const hasLoad = !Number.isNaN(load);
    const loadOrGuess = hasLoad ? load : IMPUTE.load;
    const ew = s.ew;
    if (!ew) s.ew = { l5: loadOrGuess, l20: loadOrGuess, s5: spd, r5: rpm };
    else {
      const dt = Math.min(ts - (s.lastTs ?? ts), 600_000);
      if (dt !== lastDt) {
        lastDt = dt;
        lastA5 = 1 - Math.exp(-dt / TAU_5);
        lastA20 = 1 - Math.exp(-dt / TAU_20);
      }
      ew.l5 += lastA5 * (loadOrGuess - ew.l5);
      ew.l20 += lastA20 * (loadOrGuess - ew.l20);
      ew.s5 += lastA5 * (spd - ew.s5);
      ew.r5 += lastA5 * (rpm - ew.r5);
    }
    s.acc ??= emptyMinute(b);
    const a = s.acc;
    a.n++;
    a.rpm += rpm;
    a.spd += spd;
    if (hasLoad) {
      a.load += load;
      a.nLoad++;
    }
    if (!Number.isNaN(iat)) {
      a.iat += iat;
      a.nIat++;
    }
    if (!Number.isNaN(cool)) {
      a.cool += cool;
      a.nCool++;
      // Reading-to-reading movement of the coolant sensor: a healthy one moves slowly.
      if (s.pc !== null && s.pc !== undefined) {
        a.dCool += Math.abs(cool - s.pc);
        a.nDCool++;
      }
      s.pc = cool;
    }
    if (!Number.isNaN(volt)) {
      a.volt += volt;
      a.nVolt++;
    }
    a.run = (ts - s.runStart) / MINUTE_MS;
  }
  s.lastTs = ts;
  return closed;
}

/**
 * Writes the open minute's smoothed conditions into the state (`acc.ew`), as stored state has
 * always carried them. Call once after the last pushValues of a call.
 * @param {SignalState} s mutated
 */
export function settleMinute(s) {
  if (s.acc && s.ew) s.acc.ew = smoothedCopy(s.ew);
}

/**
 * Smoothed conditions are those at the newest running reading of the minute: `ew` is the
 * vehicle's current smoothing, which only running readings (all inside this minute) have moved.
 * @param {MinuteAcc} a @param {{ l5: number, l20: number, s5: number, r5: number } | null} ew @returns {MinuteRow | null}
 */
function closeMinute(a, ew) {
  if (a.n === 0 || !ew) return null;
  const hasLoad = a.nLoad > 0;
  const hasIntakeAir = a.nIat > 0;
  const runMin = a.run;
  return {
    end: (a.b + 1) * MINUTE_MS,
    runMin,
    features: [
      a.rpm / a.n / 1000,
      a.spd / a.n,
      hasLoad ? a.load / a.nLoad : IMPUTE.load,
      hasIntakeAir ? a.iat / a.nIat : IMPUTE.intakeAir,
      Math.min(runMin, RUN_FEATURE_CAP_MIN),
      Math.log1p(Math.min(runMin, RUN_FEATURE_CAP_MIN)),
      ew.l5,
      ew.l20,
      ew.s5,
      ew.r5 / 1000,
      hasLoad ? 0 : 1,
      hasIntakeAir ? 0 : 1,
    ],
    coolant: a.nCool > 0 ? a.cool / a.nCool : null,
    voltage: a.nVolt > 0 ? a.volt / a.nVolt : null,
    coolantRoughness: a.nDCool >= 3 ? a.dCool / a.nDCool : null,
    hasLoad,
    hasIntakeAir,
  };
}

/**
 * Closes the open minute once `now` is past its end (a vehicle that stopped sending still gets
 * its last minute scored).
 * @param {SignalState} s mutated @param {number} now ms @returns {MinuteRow | null}
 */
export function flushMinute(s, now) {
  if (!s.acc || now < (s.acc.b + 1) * MINUTE_MS) return null;
  const row = closeMinute(s.acc, s.ew);
  s.acc = null;
  return row;
}

/**
 * Training/eval helper: the minute rows of one stream of readings.
 * @param {{ ts: number, readings: Record<string, number> }[]} stream @param {SignalState} [state]
 * @returns {MinuteRow[]}
 */
export function minuteRows(stream, state = initialSignalState()) {
  /** @type {MinuteRow[]} */ const rows = [];
  for (const { ts, readings } of stream) {
    const row = pushReading(state, ts, readings);
    if (row) rows.push(row);
  }
  const last = state.acc ? flushMinute(state, Number.POSITIVE_INFINITY) : null;
  if (last) rows.push(last);
  return rows;
}
