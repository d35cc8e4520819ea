import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { driveTime, runHubAlarmSettled } from "./drive";
import { addVehicles, createTenant, ORDINARY_READINGS, postTelemetry, type TestTenant } from "./helpers";

// The object's alarm runs when the test says: the deferred writes are counted on their own.
driveTime();

/**
 * What the ingest path writes to the tenant object's SQLite storage per event, counted with each
 * statement's `rowsWritten` (index rows included) while signed batches go through the webhook.
 * The traffic is shaped like the ingest bench (20 vehicles, 500-event batches, 50 ms apart).
 * Two parts: what the requests write (the batch record and one state row per vehicle touched),
 * and what the alarm writes a few seconds later for all the batches in between (the readings
 * buffer, one row per vehicle-minute, and the model state: deferred-writes.ts).
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
      readings: ORDINARY_READINGS,
      dtc,
    }));
    expect((await postTelemetry(tenant, { events })).status).toBe(202);
  };
  return { tenant, post };
}

describe("rows written per ingested event", { timeout: 60_000 }, () => {
  /** 4 batches (2,000 events) after a settled first one: the requests' rows, then the alarm's deferred rows. */
  async function measure(dtc: string[]) {
    const { tenant, post } = await fleet();
    await post(dtc); // first batch: state rows, series and metric ids, any alert's D1 sync and planning
    await runHubAlarmSettled(tenant.id);
    const requests = await countWrites(tenant, async () => {
      for (let i = 0; i < 4; i++) await post(dtc);
    });
    const deferred = await countWrites(tenant, () => runHubAlarmSettled(tenant.id));
    return { requests, deferred };
  }

  // Bound: the batch record (2 rows with its key index; 3 with the time index that went), the
  // states it changed a column of it (a journal row of their own before), none per event or per
  // vehicle: 8 rows for 2,000 events. Before the readings buffer and the journal it was 272 (0.136). The deferred flush is per group of 16 vehicles and hour of event
  // time (their pages of minute buckets), whatever the number of batches in between, and one page
  // of vehicle states (here 20 vehicles × 100 s of events: 2 group rows, 4 when the 100 s span an
  // hour's end, one state page, the cursors).
  it("steady traffic with no alert: per-batch rows only (the batch record, its journal inside)", async () => {
    const { requests, deferred } = await measure([]);
    const perEvent = requests.rows / 2000;
    expect(requests.byStatement).not.toHaveProperty(["INSERT INTO vehicle_state_pages (page, d"]);
    console.log(`steady traffic: ${requests.rows} rows for 2000 events = ${perEvent.toFixed(3)} rows/event`, requests.byStatement);
    console.log(`steady traffic, deferred flush: ${deferred.rows} rows`, deferred.byStatement);
    expect(perEvent).toBeLessThanOrEqual(0.05);
    expect(requests.byStatement).not.toHaveProperty(["INSERT OR REPLACE INTO reading_groups (g"]);
    // The 20 vehicles' hour pages: two group rows (16 vehicles to a row), four when the 100 s span an hour's end.
    expect(deferred.byStatement["INSERT OR REPLACE INTO reading_groups (g"]).toBeLessThanOrEqual(2 * 2);
    // The settle's alarm is 10 minutes on: the periodic jobs it also runs re-arm their schedule rows.
    const periodic = deferred.byStatement["INSERT INTO schedule (job, due_at) VALUE"] ?? 0;
    // The 20 vehicles' states settle as one page (a row per vehicle before pages).
    expect(deferred.byStatement["INSERT INTO vehicle_state_pages (page, d"]).toBe(1);
    expect(deferred.rows - periodic).toBeLessThanOrEqual(2 * 2 + 1 + 2); // groups, the state page, the two cursors
  });

  it("a continuing episode on every vehicle: held in memory and in the state row, logged at most once per alert per 5 s", async () => {
    const { requests, deferred } = await measure(["P0217"]); // the DTC rule opens an episode on each of the 20 vehicles
    const perEvent = requests.rows / 2000;
    console.log(`continuing episodes: ${requests.rows} rows for 2000 events = ${perEvent.toFixed(3)} rows/event`, requests.byStatement);
    console.log(`continuing episodes, deferred flush: ${deferred.rows} rows`, deferred.byStatement);
    // Logging each continuing reading wrote an alert, an event and the seq: 3 rows per event.
    expect(perEvent).toBeLessThanOrEqual(0.05);
    const logged = Object.entries(requests.byStatement).find(([statement]) => statement.startsWith("INSERT INTO alert_events"))?.[1] ?? 0;
    expect(logged).toBeLessThanOrEqual(20 * 4);
  });
});
