import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addVehicles, createTenant, postTelemetry, type TestTenant } from "./helpers";

/**
 * What the ingest path writes to the tenant object's SQLite storage per event, counted with each
 * statement's `rowsWritten` (index rows included) while signed batches go through the webhook.
 * The traffic is shaped like the ingest bench (20 vehicles, 500-event batches, 50 ms apart).
 */

type Counter = { rows: number; byStatement: Record<string, number> };
const hubOf = (tenant: TestTenant) => env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenant.id));

/** Counts rows written by the tenant object's storage while `run` runs (same isolate: the patch reaches it). */
async function countWrites(tenant: TestTenant, run: () => Promise<void>): Promise<Counter> {
  const counter: Counter = { rows: 0, byStatement: {} };
  await runInDurableObject(hubOf(tenant), (_instance, state) => {
    const sql = state.storage.sql;
    const exec = sql.exec.bind(sql);
    Object.assign(sql, {
      exec: (query: string, ...binds: unknown[]) => {
        const cursor = exec(query, ...(binds as SqlStorageValue[]));
        const statement = query.replace(/\s+/g, " ").slice(0, 40);
        counter.rows += cursor.rowsWritten;
        if (cursor.rowsWritten) counter.byStatement[statement] = (counter.byStatement[statement] ?? 0) + cursor.rowsWritten;
        return cursor;
      },
    });
  });
  try {
    await run();
  } finally {
    await runInDurableObject(hubOf(tenant), (_instance, state) => {
      delete (state.storage.sql as { exec?: unknown }).exec; // the prototype's exec again
    });
  }
  return counter;
}

const READINGS = {
  speedKph: 62,
  rpm: 1730,
  engineTempC: 90,
  coolantTempC: 86,
  oilPressureKpa: 320,
  batteryV: 13.9,
  fuelPct: 55,
  odometerKm: 40_000,
  engineHours: 1_200,
  accelG: 0.01,
  lat: 52.52,
  lon: 13.4,
};

async function fleet() {
  const tenant = await createTenant();
  const ids = Array.from({ length: 20 }, (_, i) => `BW-${i}`);
  await addVehicles(tenant, ids);
  let ts = Date.now() - 3_600_000;
  /** One signed 500-event batch over the fleet; `dtc` on every event. */
  const post = async (dtc: string[]) => {
    const events = Array.from({ length: 500 }, (_, i) => ({
      vehicleId: ids[i % ids.length]!,
      ts: new Date((ts += 50)).toISOString(),
      readings: READINGS,
      dtc,
    }));
    expect((await postTelemetry(tenant, { events })).status).toBe(202);
  };
  return { tenant, post };
}

describe("rows written per ingested event", { timeout: 60_000 }, () => {
  // Bound: the batch record, the vehicles' state rows (written by the rules and again by the risk
  // scoring: 2 per vehicle per batch) and the readings store's minute buckets, all per batch, none
  // per event. 0.2 rows per event fails as soon as anything writes per event.
  it("steady traffic with no alert: per-batch rows only (batch record, state rows, readings buckets)", async () => {
    const { tenant, post } = await fleet();
    await post([]); // first batch: vehicles' state rows are created
    const counted = await countWrites(tenant, async () => {
      for (let i = 0; i < 4; i++) await post([]);
    });
    const perEvent = counted.rows / 2000;
    console.log(`steady traffic: ${counted.rows} rows for 2000 events = ${perEvent.toFixed(3)} rows/event`, counted.byStatement);
    expect(perEvent).toBeLessThan(0.2);
  });

  it("a continuing episode on every vehicle: held in memory and in the state row, logged at most once per alert per 5 s", async () => {
    const { tenant, post } = await fleet();
    await post(["P0217"]); // the DTC rule opens an episode on each of the 20 vehicles
    const counted = await countWrites(tenant, async () => {
      for (let i = 0; i < 4; i++) await post(["P0217"]); // every event continues its vehicle's episode
    });
    const perEvent = counted.rows / 2000;
    console.log(`continuing episodes: ${counted.rows} rows for 2000 events = ${perEvent.toFixed(3)} rows/event`, counted.byStatement);
    // Logging each continuing reading wrote an alert, an event and the seq: 3 rows per event.
    expect(perEvent).toBeLessThan(0.2);
    const logged = Object.entries(counted.byStatement).find(([statement]) => statement.startsWith("INSERT INTO alert_events"))?.[1] ?? 0;
    expect(logged).toBeLessThanOrEqual(20 * 4);
  });
});
