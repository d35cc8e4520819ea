// Node-only: the fault-injection protocol on held-out carOBD drives, run through the real
// health engine (createVehicleHealth → updateVehicleHealth, one call per minute of readings,
// as a vehicle reporting every minute would be scored).
//
// 1. Clean pass: every drive of the side, in file order, as ONE vehicle's history. The
//    detector calibrates itself on the first engine minutes (its warm-up, as in the field);
//    after that every rising edge of the cooling alarm is a false alarm. The denominator is the
//    engine-running time after calibration, by the engine's own run-time counter.
// 2. Faulted runs: for every drive that starts after calibration, faults are injected into the
//    coolant readings at onsets every `onsetEveryMin` minutes of warm running (run time ≥ 15
//    min, ≥ `minAfterMin` minutes left); each run restarts from the vehicle's clean state at
//    the start of that drive. Detection = the first minute whose cooling p30 ≥ 0.5 after onset.
import { mulberry32 } from "../prng.js";
import { driveStream } from "./streams.js";

/** @typedef {{ id: string, type: 'drift' | 'offset' | 'stuck' | 'noise' | 'spikes', magnitude: number, rampMin?: number, rate?: number, text: string }} Fault */

/** The fault set (magnitudes stated; the goal case is the first). */
export const FAULTS = /** @type {Fault[]} */ ([
  {
    id: "drift+8/10min",
    type: "drift",
    magnitude: 8,
    rampMin: 10,
    text: "coolant reads high by a ramp reaching +8 °C after 10 min, then held",
  },
  { id: "drift+8/30min", type: "drift", magnitude: 8, rampMin: 30, text: "ramp reaching +8 °C after 30 min" },
  { id: "drift+4/10min", type: "drift", magnitude: 4, rampMin: 10, text: "ramp reaching +4 °C after 10 min" },
  { id: "offset+8", type: "offset", magnitude: 8, text: "step of +8 °C" },
  { id: "offset+4", type: "offset", magnitude: 4, text: "step of +4 °C" },
  { id: "offset-8", type: "offset", magnitude: -8, text: "step of −8 °C (reads cold, e.g. thermostat stuck open)" },
  { id: "stuck", type: "stuck", magnitude: 0, text: "value frozen at the reading at onset" },
  { id: "noise3", type: "noise", magnitude: 3, text: "Gaussian noise, sd 3 °C, on every reading" },
  { id: "spikes15", type: "spikes", magnitude: 15, rate: 0.02, text: "+15 °C spikes on 2 % of readings" },
]);

const MINUTE_MS = 60_000;

/** Gaussian from a seeded uniform source (Box-Muller). @param {() => number} rng */
function gauss(rng) {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/**
 * Applies a fault to the coolant readings from `onset` on (returns a new stream).
 * @param {{ ts: number, readings: Record<string, number> }[]} stream @param {Fault} f @param {number} onset @param {number} seed
 */
export function injectFault(stream, f, onset, seed) {
  const rng = mulberry32(seed);
  /** @type {number | null} */ let frozen = null;
  return stream.map((e) => {
    if (e.ts < onset || e.readings.coolantTempC === undefined) return e;
    const v = e.readings.coolantTempC;
    let out = v;
    const min = (e.ts - onset) / MINUTE_MS;
    if (f.type === "drift") out = v + f.magnitude * Math.min(1, min / /** @type {number} */ (f.rampMin));
    else if (f.type === "offset") out = v + f.magnitude;
    else if (f.type === "stuck") out = frozen ??= v;
    else if (f.type === "noise") out = v + f.magnitude * gauss(rng);
    else if (f.type === "spikes") out = rng() < /** @type {number} */ (f.rate) ? v + f.magnitude : v;
    return { ts: e.ts, readings: { ...e.readings, coolantTempC: out } };
  });
}

/** Splits a stream into per-minute batches. @param {{ ts: number, readings: Record<string, number> }[]} stream */
function byMinute(stream) {
  /** @type {{ end: number, readings: typeof stream }[]} */ const out = [];
  for (const e of stream) {
    const end = (Math.floor(e.ts / MINUTE_MS) + 1) * MINUTE_MS;
    if (out.length === 0 || out[out.length - 1].end !== end) out.push({ end, readings: [] });
    out[out.length - 1].readings.push(e);
  }
  return out;
}

/**
 * Feeds a stream minute by minute; returns per-minute cooling p30 and calibration flags.
 * @param {{ update: Function }} engine @param {unknown} state @param {{ ts: number, readings: Record<string, number> }[]} stream
 */
async function run(engine, state, stream) {
  /** @type {{ end: number, p30: number, charging: number, calibrated: boolean, expected: number | null, measured: number | null }[]} */ const trace =
    [];
  let s = state;
  for (const m of byMinute(stream)) {
    const [r] = await engine.update([{ state: s, readings: m.readings }], m.end);
    s = r.state;
    const cool = r.components.find((/** @type {any} */ c) => c.component === "cooling");
    const charging = r.components.find((/** @type {any} */ c) => c.component === "charging");
    const st = /** @type {any} */ (s);
    trace.push({
      end: m.end,
      p30: cool ? cool.p30 : 0,
      charging: charging ? charging.p30 : 0,
      calibrated: !!cool && !cool.evidence.some((/** @type {any} */ e) => e.feature === "coolant_calibration"),
      expected: st.cool.end === m.end ? st.cool.exp : null,
      measured: st.cool.end === m.end ? st.cool.last : null,
    });
  }
  return { state: s, trace };
}

/**
 * @param {{ update: Function }} engine
 * @param {{ name: string, base: number, rows: Record<string, number>[] }[]} drives in order
 * @param {{ initialState: () => unknown, faults?: Fault[], onsetEveryMin?: number, minAfterMin?: number, windowMin?: number, seed?: number }} opts
 */
export async function faultStudy(engine, drives, opts) {
  const faults = opts.faults ?? FAULTS;
  const every = opts.onsetEveryMin ?? 5;
  const minAfter = opts.minAfterMin ?? 12;
  const windowMin = opts.windowMin ?? 10;
  let state = opts.initialState();
  let calibratedAt = null;
  let falseAlarms = 0;
  let chargingFalseAlarms = 0;
  let alarmMinutes = 0;
  let minutesAfterCal = 0;
  /** @type {{ drive: string, state: unknown, calibrated: boolean, stream: any[] }[]} */ const starts = [];
  /** @type {{ drive: string, end: number, measured: number, expected: number, alarm: number }[]} */ const cleanTrace = [];
  for (const d of drives) {
    const stream = driveStream(d.rows, d.base);
    starts.push({ drive: d.name, state, calibrated: calibratedAt !== null, stream });
    const out = await run(engine, state, stream);
    let prevAlarm = false;
    let prevCharging = false;
    for (const t of out.trace) {
      if (t.calibrated && calibratedAt === null) calibratedAt = t.end;
      const alarm = t.p30 >= 0.5;
      if (calibratedAt !== null) {
        minutesAfterCal++;
        if (alarm) alarmMinutes++;
        if (alarm && !prevAlarm) falseAlarms++;
        if (t.charging >= 0.5 && !prevCharging) chargingFalseAlarms++;
      }
      prevCharging = t.charging >= 0.5;
      prevAlarm = alarm;
      if (t.measured !== null && t.expected !== null)
        cleanTrace.push({ drive: d.name, end: t.end, measured: t.measured, expected: t.expected, alarm: alarm ? 1 : 0 });
    }
    state = out.state;
  }
  const hours = minutesAfterCal / 60;

  /** @type {Record<string, { cases: number, detected: number, withinWindow: number, alreadyAlarmed: number, delaysMin: number[] }>} */
  const perFault = {};
  for (const f of faults) perFault[f.id] = { cases: 0, detected: 0, withinWindow: 0, alreadyAlarmed: 0, delaysMin: [] };
  let seed = opts.seed ?? 9100;
  for (const st of starts) {
    if (!st.calibrated) continue;
    const t0 = st.stream[0]?.ts;
    const tEnd = st.stream[st.stream.length - 1]?.ts;
    if (t0 === undefined) continue;
    // The drive's streams start at engine start (run time 0).
    for (let onsetMin = 15; t0 + (onsetMin + minAfter) * MINUTE_MS <= tEnd; onsetMin += every) {
      const onset = t0 + onsetMin * MINUTE_MS;
      for (const f of faults) {
        const out = await run(engine, st.state, injectFault(st.stream, f, onset, seed++));
        const r = perFault[f.id];
        r.cases++;
        const before = out.trace.filter((t) => t.end <= onset);
        if (before.length && before[before.length - 1].p30 >= 0.5) {
          r.alreadyAlarmed++;
          continue;
        }
        const hit = out.trace.find((t) => t.end > onset && t.p30 >= 0.5);
        if (hit) {
          const delay = (hit.end - onset) / MINUTE_MS;
          r.detected++;
          r.delaysMin.push(delay);
          if (delay <= windowMin) r.withinWindow++;
        }
      }
    }
  }
  const summary = Object.fromEntries(
    faults.map((f) => {
      const r = perFault[f.id];
      const sorted = [...r.delaysMin].sort((a, b) => a - b);
      const q = (/** @type {number} */ p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : null);
      return [
        f.id,
        {
          fault: f.text,
          cases: r.cases,
          detected: r.detected,
          detectionRate: r.cases ? Number((r.detected / r.cases).toFixed(4)) : null,
          [`detectedWithin${windowMin}Min`]: r.withinWindow,
          [`rateWithin${windowMin}Min`]: r.cases ? Number((r.withinWindow / r.cases).toFixed(4)) : null,
          alreadyAlarmedAtOnset: r.alreadyAlarmed,
          delayMin: { median: q(0.5), p90: q(0.9), max: sorted.length ? sorted[sorted.length - 1] : null },
        },
      ];
    }),
  );
  return {
    cleanDrives: drives.length,
    engineHoursAfterCalibration: Number(hours.toFixed(2)),
    falseAlarms,
    falseAlarmsPer100EngineHours: hours > 0 ? Number(((100 * falseAlarms) / hours).toFixed(2)) : null,
    minutesInAlarmClean: alarmMinutes,
    chargingFalseAlarms,
    faults: summary,
    cleanTrace,
  };
}
