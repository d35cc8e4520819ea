// Node-only: time of one updateVehicleHealth call for a batch of 256 vehicles, each sending one
// minute of readings (the "vehicle window"), after 40 warm-up minutes so every detector is
// calibrated and every component is scored. Real carOBD operating patterns (a training drive),
// each vehicle offset in time so the batch is not 256 copies of one row.
import os from "node:os";
import v8 from "node:v8";
import vm from "node:vm";
import { performance } from "node:perf_hooks";
import { drivesOf } from "./dataset.mjs";
import { driveStream } from "./streams.js";
import { initialHealthState } from "./index.js";

const BATCH = 256;

/**
 * A full garbage collection before each timed call, so the garbage of building its inputs (the
 * JSON round trip below) is not collected, and counted, inside the call. Node exposes gc() only
 * with --expose-gc; this turns it on for a fresh context of the running process.
 */
v8.setFlagsFromString("--expose-gc");
const collectGarbage = /** @type {() => void} */ (vm.runInNewContext("gc"));
const MINUTE_MS = 60_000;

/** @param {{ update: Function }} engine @param {{ repeats?: number }} [opts] */
export async function timeScoring(engine, opts = {}) {
  const repeats = opts.repeats ?? 15;
  const drive = drivesOf("train").reduce((a, b) => (b.rows.length > a.rows.length ? b : a));
  const stream = driveStream(drive.rows, 0);
  const minutes = Math.floor((stream[stream.length - 1].ts - 10 * MINUTE_MS) / MINUTE_MS);
  /** @type {typeof stream[]} */ const byMinute = Array.from({ length: minutes }, () => []);
  stream.forEach((e) => {
    const m = Math.floor(e.ts / MINUTE_MS);
    if (m < minutes) byMinute[m].push(e);
  });
  /**
   * Readings arrive in the tenant's object parsed from JSON (queue messages, webhook bodies), so
   * they are made the same way here: objects spread from the carOBD rows carry shapes V8 keeps
   * migrating, which cost more than the scoring itself.
   * @param {number} v @param {number} minute @param {number} every keep one reading in `every`
   */
  const window = (v, minute, every) => {
    const m = (minute + ((v * 7) % 10)) % minutes;
    const shift = (minute - m) * MINUTE_MS;
    return JSON.parse(
      JSON.stringify(
        byMinute[m]
          .filter((_, i) => i % every === 0)
          .map((e) => ({ ts: e.ts + shift, readings: { ...e.readings, brakePadMm: 6 - minute * 1e-4, tirePressureKpa: 230 } })),
      ),
    );
  };
  /** @type {Record<string, number>} */ const usPerVehicle = {};
  /** @type {Record<string, number>} */ const cpuUsPerVehicle = {};
  /** @type {Record<string, number>} */ const readingsPerVehicle = {};
  const mean = (/** @type {number[]} */ xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  for (const [label, every] of /** @type {[string, number][]} */ ([
    ["oneMinuteAt1Hz", 2],
    ["oneMinuteEvery10s", 20],
  ])) {
    let states = Array.from({ length: BATCH }, () => initialHealthState());
    /** @type {number[]} */ const statesReadings = [];
    let minute = 0;
    for (; minute < 40; minute++) {
      const out = await engine.update(
        states.map((state, v) => ({ state, readings: window(v, minute, every) })),
        (minute + 1) * MINUTE_MS,
      );
      states = out.map((/** @type {any} */ o) => o.state);
    }
    const times = [];
    const cpu = [];
    for (let r = 0; r < repeats; r++, minute++) {
      const items = states.map((state, v) => ({ state, readings: window(v, minute, every) }));
      statesReadings.push(mean(items.map((i) => i.readings.length)));
      collectGarbage();
      const t = performance.now();
      const c = process.cpuUsage();
      const out = await engine.update(items, (minute + 1) * MINUTE_MS);
      const dc = process.cpuUsage(c);
      times.push(performance.now() - t);
      cpu.push((dc.user + dc.system) / 1000);
      states = out.map((/** @type {any} */ o) => o.state);
    }
    times.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    usPerVehicle[label] = Number(((times[Math.floor(times.length / 2)] * 1000) / BATCH).toFixed(1));
    cpuUsPerVehicle[label] = Number(((cpu[Math.floor(cpu.length / 2)] * 1000) / BATCH).toFixed(1));
    readingsPerVehicle[label] = Math.round(mean(statesReadings));
  }
  const stateBytes = JSON.stringify(initialHealthState()).length;
  return {
    batch: BATCH,
    repeats,
    statistic: "median over repeats of one batched call / 256; wall clock and process CPU time",
    readingsPerVehicle,
    usPerVehicle,
    cpuUsPerVehicle,
    goalUsPerVehicle: 20,
    loadAverage1min: Number(os.loadavg()[0].toFixed(1)),
    cpus: os.cpus().length,
    initialStateBytes: stateBytes,
  };
}
