/**
 * GET /api/vehicles/:id/readings: a vehicle's readings over a window, from the downsampled store
 * (readings-store.ts; one indexed range read, never the raw batches). At most `maxPoints` points:
 * 1 minute apart for short windows, wider for long ones (a week at 500 points: 21 minutes).
 */
import { type Bucket, emptyBucket, mergeBucket, tidy } from "./readings-codec";
import { MINUTE_MS, type ReadingsStore } from "./readings-store";

export interface ReadingPoint {
  /** Start of the point's interval, epoch ms. */
  ts: number;
  /** Mean of each metric over the interval. */
  readings: Record<string, number>;
  min: Record<string, number>;
  max: Record<string, number>;
  /** The newest value in the interval. */
  last: Record<string, number>;
  /** Readings merged into the point, by metric. */
  count: Record<string, number>;
}

export interface ReadingSeries {
  /** Width of each point's interval. */
  stepMs: number;
  points: ReadingPoint[];
}

/** The step: whole minutes, the smallest that fits the window into `maxPoints`. */
export const stepFor = (from: number, to: number, maxPoints: number) =>
  Math.max(1, Math.ceil((to - from) / maxPoints / MINUTE_MS)) * MINUTE_MS;

export function recentReadings(store: ReadingsStore, vehicleId: string, from: number, to: number, maxPoints: number): ReadingSeries {
  const stepMs = stepFor(from, to, maxPoints);
  const merged = new Map<number, Bucket>();
  for (const row of store.buckets(vehicleId, from, to)) {
    const at = from + Math.floor((row.start - from) / stepMs) * stepMs;
    const into = merged.get(at) ?? emptyBucket();
    mergeBucket(into, row.bucket);
    merged.set(at, into);
  }
  const points = [...merged].map(([ts, bucket]) => toPoint(store, ts, bucket));
  return { stepMs, points: points.slice(-maxPoints) };
}

function toPoint(store: ReadingsStore, ts: number, bucket: Bucket): ReadingPoint {
  const point: ReadingPoint = { ts, readings: {}, min: {}, max: {}, last: {}, count: {} };
  for (const [id, s] of bucket.metrics) {
    const name = store.metricName(id);
    if (!name) continue;
    point.readings[name] = tidy(s.mean);
    point.min[name] = tidy(s.min);
    point.max[name] = tidy(s.max);
    point.last[name] = tidy(s.last);
    point.count[name] = s.count;
  }
  return point;
}
