/**
 * What one tenant's traffic costs in billed units, counted in workerd (not estimated): Worker
 * requests, Durable Object requests (RPC calls on the hub's stubs and alarm runs), the object's
 * SQLite rows read and written (each cursor's own `rowsRead`/`rowsWritten`), D1 rows read and
 * written (D1's `meta` of every query) and queue messages. `npm run bench -- --only cost`
 * (bench/cost.mjs) reads the COST_COUNTERS line this prints and turns it into dollars.
 *
 * Scenarios, each on a fresh tenant with the default rules and a manager to notify:
 *   - batched: 100 vehicles, one reading each every 10 s, posted as one 100-event batch per step,
 *     over one hour of event time (six settle periods) with the alarm run between batches;
 * *   - single: the same readings from 3 vehicles posted one event per webhook (as Samsara and
 *     Motive send them);
 *   - alerts: one new alert per event (DTC P0217 on a vehicle seen once), its alarm and the
 *     notification jobs it queued, each alert on its own (as 20 a month would arrive);
 *   - periodic: the object's own alarm jobs (maintenance each minute, engagement and stale
 *     deliveries each 5 minutes, retention hourly), one run of each, with the clock moved;
 *   - continuing: an open alert whose episode goes on (its fault code in every reading, 10 s
 *     apart): each reading logs an update of the alert, synced to D1 and offered to webhooks.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SETTLE_MS } from "../../durable-objects/deferred-writes";
import { TenantHub } from "../../worker/hub/tenant-hub";
import { advanceClock, drainQueue, driveTime, freezeClock, runHubAlarm } from "./drive";
import { addVehicles, createTenant, ORDINARY_READINGS, postTelemetry, type TestTenant, userWithRole } from "./helpers";

driveTime();

interface Counts {
  workerRequests: number;
  doRequests: number;
  doRowsRead: number;
  doRowsWritten: number;
  d1RowsRead: number;
  d1RowsWritten: number;
  d1Queries: number;
  queueMessages: number;
}

const zero = (): Counts => ({
  workerRequests: 0,
  doRequests: 0,
  doRowsRead: 0,
  doRowsWritten: 0,
  d1RowsRead: 0,
  d1RowsWritten: 0,
  d1Queries: 0,
  queueMessages: 0,
});

const hubOf = (tenantId: string) => env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenantId));

/** D1's session class holds `_send`, through which every query of the binding goes with its `meta`. */
function countD1(counts: Counts) {
  const session = (env.DB as unknown as { alwaysPrimarySession: object }).alwaysPrimarySession;
  const proto = Object.getPrototypeOf(Object.getPrototypeOf(session)) as { _send: (...args: unknown[]) => Promise<unknown> };
  const send = proto._send;
  proto._send = async function (this: unknown, ...args: unknown[]) {
    const answer = await send.apply(this, args);
    for (const result of [answer].flat() as { meta?: { rows_read?: number; rows_written?: number } }[]) {
      counts.d1Queries++;
      counts.d1RowsRead += result?.meta?.rows_read ?? 0;
      counts.d1RowsWritten += result?.meta?.rows_written ?? 0;
    }
    return answer;
  };
  return () => {
    proto._send = send;
  };
}

/**
 * Every RPC method call on a hub stub is one billed request: the object's public methods are
 * counted where they run (the Worker and the object share the test's isolate). The alarm is
 * counted where the test runs it.
 */
function countHubCalls(counts: Counts) {
  // The class and the classes it extends, up to the runtime's DurableObject base.
  const originals: [Record<string, unknown>, string, unknown][] = [];
  const seen = new Set<string>();
  for (let proto = TenantHub.prototype as unknown as Record<string, unknown>; proto && proto.constructor.name !== "DurableObject"; ) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (seen.has(name) || typeof proto[name] !== "function" || ["constructor", "alarm"].includes(name)) continue;
      seen.add(name);
      originals.push([proto, name, proto[name]]);
    }
    proto = Object.getPrototypeOf(proto);
    if (proto === Object.prototype) break;
  }
  for (const [proto, name, original] of originals) {
    proto[name] = function (this: unknown, ...args: unknown[]) {
      counts.doRequests++;
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
  }
  return () => {
    for (const [proto, name, original] of originals) proto[name] = original;
  };
}

/** The object's SQL cursors, summed once consumed (a cursor counts rows as they are read). */
async function countObjectRows(tenant: TestTenant, counts: Counts, writesByStatement: Record<string, number>) {
  const cursors: [string, SqlStorageCursor<Record<string, SqlStorageValue>>][] = [];
  await runInDurableObject(hubOf(tenant.id), (_instance, state) => {
    const sql = state.storage.sql;
    const exec = sql.exec.bind(sql);
    Object.assign(sql, {
      exec: (query: string, ...binds: SqlStorageValue[]) => {
        const cursor = exec(query, ...binds);
        cursors.push([query.replace(/\s+/g, " ").trim().slice(0, 48), cursor]);
        return cursor;
      },
    });
  });
  return async () => {
    await runInDurableObject(hubOf(tenant.id), (_instance, state) => {
      delete (state.storage.sql as { exec?: unknown }).exec;
    });
    for (const [statement, cursor] of cursors) {
      counts.doRowsRead += cursor.rowsRead;
      counts.doRowsWritten += cursor.rowsWritten;
      if (cursor.rowsWritten) writesByStatement[statement] = (writesByStatement[statement] ?? 0) + cursor.rowsWritten;
    }
  };
}

/** Counts everything billed while `run` runs; `run` reports the Worker requests it makes. */
async function measure(
  tenant: TestTenant,
  run: (counts: Counts) => Promise<void>,
  writesByStatement: Record<string, number> = {},
): Promise<Counts> {
  const counts = zero();
  const stopRows = await countObjectRows(tenant, counts, writesByStatement);
  const stopD1 = countD1(counts);
  const stopHub = countHubCalls(counts);
  try {
    await run(counts);
  } finally {
    stopHub();
    stopD1();
    await stopRows();
  }
  return counts;
}

/** The tenant's alarm (one billed DO request) and the notification jobs it queued (one consumer invocation each, at most). */
async function alarmAndQueue(tenant: TestTenant, counts: Counts) {
  await runHubAlarm(tenant.id);
  counts.doRequests++;
  const delivered = await drainQueue();
  counts.queueMessages += delivered;
  counts.workerRequests += delivered;
}

function reading(vehicleId: string, ts: number, dtc: string[] = []) {
  return {
    vehicleId,
    ts: new Date(ts).toISOString(),
    readings: ORDINARY_READINGS,
    dtc,
  };
}

async function tenantWith(vehicles: string[]) {
  const tenant = await createTenant();
  await userWithRole(tenant, "manager");
  await addVehicles(tenant, vehicles);
  return tenant;
}

async function post(tenant: TestTenant, events: unknown[], counts?: Counts) {
  const res = await postTelemetry(tenant, { events });
  expect(res.status).toBe(202);
  if (counts) counts.workerRequests++;
}

const STEP = 10_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/**
 * The batched scenario runs one hour of event time, aligned to the hour: the whole life of an hour
 * page of minute buckets (written at each of the hour's six settles, folded by retention once) and
 * six settle periods (deferred-writes.ts); one settle period charged it the hour page's whole life,
 * six times its share (BENCHMARKS.md, "Object rows per event"). The single-event scenario, whose
 * rows are the per-event batch records, runs one settle period (an hour of single events took
 * minutes here).
 */
const STEPS = HOUR / STEP;
const SINGLE_STEPS = SETTLE_MS / STEP;
const VEHICLES = 100;
const SINGLE_VEHICLES = 3;
const ALERTS = 10;
/** Readings that continue one open alert's episode (the continuing scenario). */
const UPDATES = 30;
const results: Record<string, { events: number; alerts: number; counts: Counts }> = {};
/** The batched scenario's object rows written, by statement: where the rows per event come from. */
let doWritesBatched: Record<string, number> = {};
/** The continuing scenario's object rows written, by statement. */
let continuingWrites: Record<string, number> = {};

/**
 * `vehicles` vehicles each reporting every 10 s for `steps` steps, posted in batches of
 * `perPost` events, as the object lives it: the alarm runs when a step's deferred writes are due
 * (its model state a few seconds later) and at the period's end (the readings buffer and the
 * state rows), so the rows counted are those a tenant at this cadence writes. It starts settled
 * (the vehicles' first report written), and counts the retention job's rows for the period's data
 * too (deleting a row is a row written); the periodic jobs are counted on their own.
 */
async function steadyTraffic(
  vehicles: number,
  prefix: string,
  steps: number,
  each: (post: (perPost: number) => Promise<void>) => Promise<void>,
) {
  const ids = Array.from({ length: vehicles }, (_, i) => `${prefix}-${i}`);
  freezeClock();
  const tenant = await tenantWith(ids);
  // Events from the start of the hour before last (the first report, settled before counting, just before it).
  let ts = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR - STEP;
  await post(
    tenant,
    ids.map((id) => reading(id, ts)),
  );
  advanceClock(SETTLE_MS);
  await alarmAndQueue(tenant, zero());
  const writes: Record<string, number> = {};
  const counts = await measure(
    tenant,
    async (c) => {
      for (let step = 0; step < steps; step++) {
        ts += STEP;
        const events = ids.map((id) => reading(id, ts));
        await each(async (perPost) => {
          for (let i = 0; i < events.length; i += perPost) await post(tenant, events.slice(i, i + perPost), c);
        });
        // An alarm run between batches (counted as a request; a real alarm runs only when something
        // is due): the models' state rides with the next batch, so such a run writes nothing of it.
        advanceClock(STEP / 2);
        await alarmAndQueue(tenant, c);
        advanceClock(STEP / 2);
      }
      await alarmAndQueue(tenant, c); // the period's end: the buffer and the journal are settled
      // The period's data through the rest of its life (retention.ts): its batch records deleted
      // with their events (8 days, the default; keeping fewer days of events empties each a row
      // earlier), its minute pages folded into 5-minute buckets (2 days), and those pruned (90
      // days). Each of these writes is billed as the first write was.
      advanceClock(8 * DAY + HOUR);
      await alarmAndQueue(tenant, c);
      advanceClock(83 * DAY);
      await alarmAndQueue(tenant, c);
    },
    writes,
  );
  return { events: vehicles * steps, counts, writes };
}

describe("billed units per 1,000 events and per alert", { timeout: 600_000 }, () => {
  it("batched: 100 vehicles × one reading every 10 s, in 100-event batches", async () => {
    const { events, counts, writes } = await steadyTraffic(VEHICLES, "CB", STEPS, (post) => post(100));
    results.batched = { events, alerts: 0, counts };
    doWritesBatched = writes;
    expect(counts.workerRequests).toBe(STEPS);
    // Each settle writes the vehicles' states as a page or two of many vehicles, however many
    // batches came between (one settle every 10 minutes, one more when the journal filled up first).
    const settles = (STEPS * STEP) / SETTLE_MS;
    const settled = writes["INSERT INTO vehicle_state_pages (page, data) VAL"] ?? 0;
    expect(settled).toBeGreaterThanOrEqual(settles);
    expect(settled).toBeLessThanOrEqual(2 * (settles + 1));
  });

  it("single-event webhooks: the same readings, one event per POST", async () => {
    const { events, counts } = await steadyTraffic(SINGLE_VEHICLES, "CS", SINGLE_STEPS, (post) => post(1));
    results.single = { events, alerts: 0, counts };
    expect(counts.workerRequests).toBe(events);
  });

  it("alerts: a new alert per event, each with its alarm and notification jobs", async () => {
    const ids = Array.from({ length: ALERTS }, (_, i) => `CA-${i}`);
    const tenant = await tenantWith(ids);
    const ts = Date.now() - 600_000;
    const counts = await measure(tenant, async (c) => {
      for (const id of ids) {
        await post(tenant, [reading(id, ts, ["P0217"])], c);
        await alarmAndQueue(tenant, c);
      }
    });
    results.alerts = { events: ALERTS, alerts: ALERTS, counts };
    expect(counts.queueMessages).toBeGreaterThan(0);
    expect(counts.d1RowsWritten).toBeGreaterThan(0);
  });

  it("periodic: the object's own alarm jobs, one run each", async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `CP-${i}`);
    const tenant = await tenantWith(ids);
    freezeClock();
    await post(
      tenant,
      ids.map((id) => reading(id, Date.now() - 60_000)),
    );
    // Settled first, so the runs below count the jobs, not this report's deferred writes.
    advanceClock(SETTLE_MS);
    await alarmAndQueue(tenant, zero());
    const start = Date.now();
    const at = async (ms: number) => {
      advanceClock(start + ms - Date.now());
      return measure(tenant, async (c) => alarmAndQueue(tenant, c));
    };
    const minute = await at(61_000); // maintenance
    const fiveMinutes = await at(301_000); // maintenance, engagement, stale deliveries
    const hour = await at(3_601_000); // all four, retention too
    results.periodicMinute = { events: 0, alerts: 0, counts: minute };
    results.periodicFiveMinutes = { events: 0, alerts: 0, counts: fiveMinutes };
    results.periodicHour = { events: 0, alerts: 0, counts: hour };
  });

  it("continuing: an open alert's episode goes on, one reading every 10 s, one event per webhook", async () => {
    const tenant = await tenantWith(["CC-0"]);
    freezeClock();
    let ts = Date.now() - 600_000;
    await post(tenant, [reading("CC-0", ts, ["P0217"])]);
    await alarmAndQueue(tenant, zero());
    const writes: Record<string, number> = {};
    const counts = await measure(
      tenant,
      async (c) => {
        for (let i = 0; i < UPDATES; i++) {
          ts += STEP;
          await post(tenant, [reading("CC-0", ts, ["P0217"])], c);
          advanceClock(STEP);
          await alarmAndQueue(tenant, c);
        }
      },
      writes,
    );
    results.continuing = { events: UPDATES, alerts: 0, counts };
    continuingWrites = writes;
    // Each reading logs the alert's new occurrence (alert-book.ts: at most one per LIVE_COALESCE_MS, and readings are 10 s apart).
    expect(writes["INSERT INTO alert_events (seq, kind, alert_id, a"]).toBe(UPDATES);
    // The object's meta rows per update: the outboxes' cursors in one row (outbox-cursors.ts); one
    // row per cursor and the tenant's event seq (now the log's newest row, alert-book.ts) made it five.
    const metaRows = Object.entries(writes)
      .filter(([statement]) => statement.startsWith("INSERT INTO meta"))
      .reduce((n, [, rows]) => n + rows, 0);
    expect(metaRows).toBeLessThanOrEqual(UPDATES);
    // No webhook takes alert.updated here, so no job is queued for the updates (one each before).
    expect(counts.queueMessages).toBe(0);
  });

  it("prints the counts (bench/cost.mjs reads them)", () => {
    expect(Object.keys(results)).toEqual(expect.arrayContaining(["batched", "single", "alerts", "continuing", "periodicHour"]));
    console.log(`COST_COUNTERS ${JSON.stringify(results)}`);
    console.log(`COST_DO_WRITES ${JSON.stringify(doWritesBatched)}`);
    console.log(`COST_CONTINUING_WRITES ${JSON.stringify(continuingWrites)}`);
  });
});
