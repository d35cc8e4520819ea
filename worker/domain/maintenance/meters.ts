/**
 * Meter validation (in the manner of Fleetio): a new odometer or engine-hours reading is applied
 * to maintenance only if it neither goes backwards nor rises faster than a vehicle plausibly can
 * since the last accepted reading. Pure: plain numbers in, a verdict out.
 */
import { DAY_MS } from "../time-zone";

export type Meter = "odometerKm" | "engineHours";
export type MeterVerdict = "ok" | "backwards" | "too_fast";

/** Most a meter can rise per day: 3,000 km (125 km/h around the clock), 24 engine hours. */
export const MAX_PER_DAY: Record<Meter, number> = { odometerKm: 3_000, engineHours: 24 };

/**
 * Shortest time the rate is measured over: readings minutes apart are compared as if an hour
 * apart, so rounding (0.1 h after one minute) and GPS odometer steps are not "too fast".
 */
export const MIN_RATE_SPAN_MS = 3_600_000;

/** Float noise must not make a repeated reading "backwards". */
const EPSILON = 1e-6;

export interface MeterPoint {
  value: number;
  /** Event time, epoch ms. */
  at: number;
}

/** Checks `reading` against the last accepted reading of the same meter (none: anything goes). */
export function checkMeterReading(meter: Meter, accepted: MeterPoint | null, reading: MeterPoint): MeterVerdict {
  if (!accepted) return "ok";
  const rise = reading.value - accepted.value;
  if (rise < -EPSILON) return "backwards";
  const span = Math.max(reading.at - accepted.at, MIN_RATE_SPAN_MS);
  return rise > (MAX_PER_DAY[meter] * span) / DAY_MS + EPSILON ? "too_fast" : "ok";
}
