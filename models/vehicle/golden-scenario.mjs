// Node-only: a fixed, deterministic replay of real carOBD minutes through a health engine, used to
// check that a faster updateVehicleHealth gives the same outputs as the recorded one
// (golden.test.ts; write-golden.mjs records them). Training drives only: this is a regression
// check of the runtime, not an evaluation, so the held-out drives stay untouched.
//
// Eight vehicles in every batched call, covering every path of the per-reading code: the
// logger's full rate (~2 Hz), 1 Hz and one reading in 10 s; missing engine load / intake air;
// an injected coolant drift (alarm) and a noisy coolant sensor (erratic); engine-off stops with
// resting battery readings between drives (restarts, resting-voltage trend); shuffled, duplicate
// and junk readings; a vehicle that sends only wear readings; minutes split across calls; calls
// with no readings for a vehicle (last-minute flush). States go through JSON between calls, as
// they do through the tenant's storage.
import { drivesOf } from "./dataset.mjs";
import { driveStream } from "./streams.js";
import { initialHealthState } from "./index.js";

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 6);
export const GOLDEN_CALLS = 160;

/** Deterministic pseudo-random numbers (mulberry32). @param {number} seed */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One vehicle's whole reading stream: drives in turn, each followed by a 25-minute stop with a
 * resting battery reading a minute.
 * @param {{ rows: Record<string, number>[] }[]} drives @param {number} every keep one row in `every`
 * @param {(ts: number, r: Record<string, number>, k: number) => void} [tweak] edits a reading in place
 */
function vehicleStream(drives, every, tweak) {
  /** @type {{ ts: number, readings: Record<string, number> }[]} */ const out = [];
  let t = T0;
  let k = 0;
  for (const d of drives) {
    const stream = driveStream(d.rows, 0).filter((_, i) => i % every === 0);
    for (const e of stream) {
      const r = { ...e.readings, brakePadMm: 7 - (t + e.ts - T0) / (86_400_000 * 5), tirePressureKpa: 232 - (t + e.ts - T0) / 3_600_000 };
      tweak?.(t + e.ts, r, k++);
      out.push({ ts: t + e.ts, readings: r });
    }
    t += (stream.at(-1)?.ts ?? 0) + MIN;
    for (let m = 0; m < 25; m++, t += MIN) {
      const r = { rpm: 0, speedKph: 0, batteryV: 12.6 - m * 0.004, coolantTempC: 80 - m, brakePadMm: 6.5, tirePressureKpa: 230 };
      tweak?.(t, r, k++);
      out.push({ ts: t, readings: r });
    }
  }
  return out;
}

/** @returns {{ ts: number, readings: Record<string, number> }[][]} the eight vehicles' streams */
export function goldenStreams() {
  const train = drivesOf("train")
    .filter((d) => d.kind === "drive" || d.kind === "live")
    .sort((a, b) => b.rows.length - a.rows.length);
  const [a, b, c, d] = train;
  const noise = rng(11);
  return [
    vehicleStream([a, b], 1),
    vehicleStream([b, c], 2, (_, r) => delete r.engineLoadPct),
    vehicleStream([c, a], 20, (_, r) => {
      delete r.engineLoadPct;
      delete r.intakeAirTempC;
    }),
    vehicleStream([a, d], 2, (ts, r) => {
      const m = (ts - T0) / MIN;
      if (m > 40 && r.rpm > 300) r.coolantTempC += Math.min(10, (m - 40) * 0.3);
    }),
    vehicleStream([d, b], 2, (ts, r) => {
      const m = (ts - T0) / MIN;
      if (m > 45 && r.rpm > 300) r.coolantTempC += (noise() - 0.5) * 6 + (noise() < 0.05 ? 15 : 0);
    }),
    vehicleStream([b, a], 4, (_, r, k) => {
      r.batteryV = r.rpm > 300 ? r.batteryV : 12.5 - k * 2e-4;
      if (k % 17 === 0) r.speedKph = Number.NaN;
      if (k % 23 === 0) r.tirePressureKpa = Number.POSITIVE_INFINITY;
    }),
    vehicleStream([c, d], 3),
    vehicleStream([a], 30, (_, r) => {
      for (const key of Object.keys(r)) if (key !== "brakePadMm" && key !== "tirePressureKpa") delete r[key];
    }),
  ];
}

/**
 * Replays the streams through `engine` in GOLDEN_CALLS batched calls. Call i ends at T0 + i
 * minutes, plus half a minute on every 7th call (minutes split across calls); vehicle 6's
 * readings are shuffled with a duplicate and a junk entry; vehicle 2 is left out of every 5th
 * call (its readings arrive with the next one).
 * @param {{ update: (items: { state: unknown, readings: any[] }[], now: number) => Promise<{ state: unknown, components: any[] }[]> }} engine
 * @returns {Promise<{ now: number, out: { state: unknown, components: any[] }[] }[]>}
 */
export async function replayGolden(engine) {
  const streams = goldenStreams();
  const shuffle = rng(7);
  const cursor = streams.map(() => 0);
  let states = streams.map(() => initialHealthState());
  const calls = [];
  for (let i = 1; i <= GOLDEN_CALLS; i++) {
    const now = T0 + i * MIN + (i % 7 === 0 ? 30_000 : 0);
    const items = streams.map((s, v) => {
      /** @type {any[]} */ const readings = [];
      if (v === 2 && i % 5 === 0) return { state: states[v], readings };
      while (cursor[v] < s.length && s[cursor[v]].ts < now) readings.push(s[cursor[v]++]);
      if (v === 6 && readings.length > 2) {
        for (let j = readings.length - 1; j > 0; j--) {
          const k = Math.floor(shuffle() * (j + 1));
          [readings[j], readings[k]] = [readings[k], readings[j]];
        }
        readings.push(readings[0], { ts: Number.NaN, readings: { rpm: 900 } }, { ts: now - 1, readings: null });
      }
      return { state: states[v], readings };
    });
    const out = await engine.update(items, now);
    states = out.map((o) => JSON.parse(JSON.stringify(o.state)));
    calls.push({ now, out: out.map((o, v) => ({ state: states[v], components: o.components })) });
  }
  return calls;
}

/**
 * What is recorded: every call's components, and the states of every 10th call and the last.
 * @param {Awaited<ReturnType<typeof replayGolden>>} calls
 */
export function goldenRecord(calls) {
  return calls.map((c, i) => ({
    now: c.now,
    components: c.out.map((o) => o.components),
    ...(i % 10 === 9 || i === calls.length - 1 ? { states: c.out.map((o) => o.state) } : {}),
  }));
}
