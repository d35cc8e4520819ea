/**
 * A vehicle's readings of the last hours, read back from the hub's own record of ingested batches
 * (kept 8 days for idempotency), so the app can chart them without a second telemetry store.
 */
import type { TelemetryEvent } from "../worker/domain/telemetry";

export interface ReadingPoint {
  ts: number;
  readings: Record<string, number>;
}

/** Late events arrive up to 7 days old, so a batch received before `since` cannot hold newer points. */
export function recentReadings(sql: SqlStorage, vehicleId: string, since: number, maxPoints: number): ReadingPoint[] {
  const points: ReadingPoint[] = [];
  for (const row of sql.exec<{ events: string }>(
    "SELECT events FROM ingested_batches WHERE received_at >= ? ORDER BY received_at",
    since,
  )) {
    for (const event of JSON.parse(row.events) as TelemetryEvent[]) {
      if (event.vehicleId === vehicleId && event.ts >= since && Object.keys(event.readings).length)
        points.push({ ts: event.ts, readings: event.readings });
    }
  }
  points.sort((a, b) => a.ts - b.ts);
  // The newest points when there are more than a chart can show.
  return points.slice(-maxPoints);
}
