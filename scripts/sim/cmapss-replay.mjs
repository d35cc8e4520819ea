// Replays NASA C-MAPSS FD001 *training* engines (run to failure) as fleet vehicles: one engine
// cycle per tick, with the readings named as the engine model's card expects (cycle, s2, …),
// so the PWA shows each vehicle's risk rising toward failure.
import { loadFd001 } from "../../models/data/cmapss.js";

const SENSORS = ["s2", "s3", "s4", "s7", "s8", "s9", "s11", "s12", "s13", "s14", "s15", "s17", "s20", "s21"];

export function engineReplays(vehicleIds) {
  const { train } = loadFd001();
  return vehicleIds.map((externalId, i) => ({
    externalId,
    unit: train[i % train.length].unit,
    rows: train[i % train.length].rows,
    next: 0,
  }));
}

/** The next cycle of every engine still running, as telemetry events at `ts`. */
export function nextCycle(replays, ts) {
  return replays
    .filter((r) => r.next < r.rows.length)
    .map((r) => {
      const row = r.rows[r.next++];
      const readings = { cycle: row.cycle, ...Object.fromEntries(SENSORS.map((s) => [s, row[s]])) };
      return { vehicleId: r.externalId, ts: new Date(ts).toISOString(), readings };
    });
}
