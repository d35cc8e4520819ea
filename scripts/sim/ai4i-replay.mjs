// Replays the AI4I 2020 *test* split (one machining process per reading) as fleet vehicles: each
// tick every vehicle reports its next row with the readings the per-reading classifier's card
// names (`productType` 0/1/2 for L/M/H), so failing processes raise predictive alerts.
import { loadAi4i } from "../../models/data/ai4i.js";

const PRODUCT_TYPE = { L: 0, M: 1, H: 2 };

export function machineReplays(vehicleIds) {
  const { test } = loadAi4i();
  // Deal the rows round-robin: vehicle i gets rows i, i + n, i + 2n, … in UDI order.
  return vehicleIds.map((externalId, i) => ({ externalId, rows: test.filter((_, k) => k % vehicleIds.length === i), next: 0 }));
}

/** The next row of every vehicle still replaying, as telemetry events at `ts`. */
export function nextReading(replays, ts) {
  return replays
    .filter((r) => r.next < r.rows.length)
    .map((r) => {
      const row = r.rows[r.next++];
      const readings = {
        productType: PRODUCT_TYPE[row.type],
        airTempK: row.airTempK,
        processTempK: row.processTempK,
        rpm: row.rpm,
        torqueNm: row.torqueNm,
        toolWearMin: row.toolWearMin,
      };
      return { vehicleId: r.externalId, ts: new Date(ts).toISOString(), readings };
    });
}
