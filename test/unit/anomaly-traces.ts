/**
 * Generated driving traces (1 Hz) for the anomaly detector's tests: a driver model with its own
 * habits (how hard it accelerates and brakes, how fast it cruises), and injected anomalies at
 * known times. Seeded, so every run sees the same traces.
 */
import { mulberry32 } from "../../models/prng.js";
import type { DrivingSample } from "../../worker/domain/anomaly";

export interface DriverHabits {
  /** Usual strongest acceleration and braking, m/s². */
  accelMax: number;
  brakeMax: number;
  /** Motorway cruising band, km/h. */
  motorway: [number, number];
  /** Reported-speed noise (std, km/h). */
  noiseKph: number;
  /** Share of the strongest manoeuvre a segment uses: uniform in this range. */
  effort: [number, number];
}

export const CALM: DriverHabits = { accelMax: 1.5, brakeMax: 2, motorway: [85, 105], noiseKph: 0.7, effort: [0.4, 1] };
/** Habitually hard on the pedals: near its strongest acceleration and braking every time. */
export const BRISK: DriverHabits = { accelMax: 3, brakeMax: 5.5, motorway: [95, 125], noiseKph: 1, effort: [0.8, 1] };

export type Injection =
  | { kind: "braking"; at: number; mps2: number; seconds: number }
  | { kind: "accel"; at: number; mps2: number; seconds: number }
  | { kind: "speeding"; at: number; kph: number; seconds: number };

function gaussian(rng: () => number) {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** `seconds` readings one second apart from `start`, following the habits, with the injections applied. */
export function driveTrace(seed: number, habits: DriverHabits, seconds: number, injections: Injection[] = [], start = 0): DrivingSample[] {
  const rng = mulberry32(seed);
  const uniform = (a: number, b: number) => a + (b - a) * rng();
  const out: DrivingSample[] = [];
  let v = 0; // true speed, km/h
  let target = 0;
  let segmentLeft = 0;
  let effort = 1;
  let wander = 0;
  for (let t = 0; t < seconds; t++) {
    if (segmentLeft <= 0) {
      const r = rng();
      target = r < 0.15 ? 0 : r < 0.6 ? uniform(30, 60) : uniform(habits.motorway[0], habits.motorway[1]);
      segmentLeft = target === 0 ? uniform(10, 60) : uniform(60, 600);
      effort = uniform(habits.effort[0], habits.effort[1]); // not every manoeuvre is at the driver's limit
    }
    segmentLeft--;
    wander = 0.98 * wander + gaussian(rng) * 0.4;
    const active = injections.find((i) => t >= i.at && t < i.at + i.seconds);
    // Speeding: the driver heads for `kph` with its usual acceleration (no harsh jump).
    const goal = active?.kind === "speeding" ? active.kph : target === 0 ? 0 : Math.max(0, target + wander);
    const diff = goal - v;
    const limit = (diff > 0 ? habits.accelMax : habits.brakeMax) * effort * 3.6; // km/h per second
    // An injected manoeuvre replaces the driver's own control for its seconds.
    if (active?.kind === "braking") v = Math.max(0, v - active.mps2 * 3.6);
    else if (active?.kind === "accel") v = v + active.mps2 * 3.6;
    else v = Math.max(0, v + Math.sign(diff) * Math.min(Math.abs(diff), limit));
    out.push({ ts: start + t * 1000, speedKph: Math.max(0, v + gaussian(rng) * habits.noiseKph) });
  }
  return out;
}
