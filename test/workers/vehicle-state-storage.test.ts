/**
 * How the tenant object stores vehicle states (durable-objects/vehicle-states.ts). Settled states
 * live in pages of many vehicles: a settle writes a row per page it touches, a page that grows
 * past its bound spills into new pages, and a new instance reads every vehicle back. Unsettled
 * changes are a batch's own journal column or journal rows after it, replayed in written order;
 * the latest readings are not journaled but replayed from the stored batches.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEFERRED_WRITE_MS, MODEL_STATE_RIDE_MS, SETTLE_MS } from "../../durable-objects/deferred-writes";
import { VehicleStates } from "../../durable-objects/vehicle-states";
import { advanceClock, freezeClock, settledStates } from "./drive";

const hub = () => env.TENANT_HUB.get(env.TENANT_HUB.idFromName(`pages-${crypto.randomUUID()}`));
/** An event whose 150 readings make the vehicle's state about 6 KB (merged readings and their times). */
const bulky = (vehicleId: string, ts: number) => ({
  vehicleId,
  ts,
  readings: Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`sensor_${i}`, ts + i / 7])),
});
const pageSizes = (sql: SqlStorage) =>
  sql.exec<{ page: number; size: number }>("SELECT page, length(data) AS size FROM vehicle_state_pages ORDER BY page").toArray();

type Event = Parameters<VehicleStates["observe"]>[0];

/** Takes a batch's events into the latest readings and stores its row (`storeBatch`). */
function ingest(sql: SqlStorage, states: VehicleStates, events: Event[], room = Number.POSITIVE_INFINITY) {
  for (const event of events) states.observe(event);
  return storeBatch(sql, states, events, room);
}

/** Stores a batch's row as hub-ingest.ts does: its events as sent, with the journal the states hand over. */
function storeBatch(sql: SqlStorage, states: VehicleStates, events: Event[], room = Number.POSITIVE_INFINITY) {
  const stored = JSON.stringify(events);
  return states.flushWithBatch(
    (id, journal) =>
      sql.exec(
        "INSERT INTO ingested_batches (rowid, key, received_at, event_count, events, journal) VALUES (?, ?, 0, ?, ?, ?)",
        id,
        `key-${id}`,
        events.length,
        stored,
        journal,
      ),
    room,
    stored.length,
  );
}
const journalOf = (sql: SqlStorage, id: number) =>
  JSON.parse(sql.exec<{ journal: string | null }>("SELECT journal FROM ingested_batches WHERE rowid = ?", id).one().journal ?? "{}");

describe("vehicle state journal", () => {
  it("the models' state rides with the first batch once it is MODEL_STATE_RIDE_MS old, not with every batch", async () => {
    const start = freezeClock();
    await runInDurableObject(hub(), (_object, state) => {
      const sql = state.storage.sql;
      const states = new VehicleStates(sql);
      states.setHealth("v", { scored: 1 } as never, { scored: 1 } as never);
      const early = ingest(sql, states, [{ vehicleId: "v", ts: 1, readings: { speedKph: 1 } }]);
      // The readings are the batch's own events, replayed by a new instance: nothing to journal yet.
      expect(journalOf(sql, early)).toEqual({});
      // Not in a batch yet: the alarm journals it by DEFERRED_WRITE_MS if no batch comes; an eviction now loses it.
      expect(states.flushDueAt()).toBe(start + DEFERRED_WRITE_MS);
      expect(new VehicleStates(sql).health("v")).toBeUndefined();

      advanceClock(MODEL_STATE_RIDE_MS);
      const later = ingest(sql, states, [{ vehicleId: "v", ts: 2, readings: { speedKph: 2 } }]);
      expect(journalOf(sql, later).v.health).toEqual({ scored: 1 });
      expect(states.flushDueAt()).toBe(start + SETTLE_MS);
      const reloaded = new VehicleStates(sql);
      expect(reloaded.health("v")).toEqual({ scored: 1 });
      expect(reloaded.latest("v")?.readings.speedKph).toBe(2);
    });
  });

  it("a new instance replays batches' journals and journal rows in the order they were written", async () => {
    await runInDurableObject(hub(), (_object, state) => {
      const sql = state.storage.sql;
      const states = new VehicleStates(sql);
      const first = ingest(sql, states, [{ vehicleId: "v", ts: 1, readings: { speedKph: 1 } }]);
      // Changes outside a batch (a resolve, say) are journal rows after the newest batch; each
      // holds the pairs changed at that moment, not the vehicle's whole state.
      states.setPair("rule", "v", { ...states.pair("rule", "v"), alertId: "alert-v" });
      states.flush();
      const row = sql.exec<{ data: string }>("SELECT data FROM vehicle_state_journal").one().data;
      expect(Object.keys(JSON.parse(row).v)).toEqual(["pairs"]);
      const second = ingest(sql, states, [
        { vehicleId: "v", ts: 2, readings: { speedKph: 2 } },
        { vehicleId: "w", ts: 2, readings: { speedKph: 5 } },
      ]);
      expect(second).toBe(first + 1);
      states.setPair("rule", "w", { ...states.pair("rule", "w"), alertId: "alert-w" });
      states.flush();
      expect(sql.exec<{ n: number }>("SELECT count(*) AS n FROM vehicle_state_journal").one().n).toBe(2);

      const reloaded = new VehicleStates(sql);
      // Batches replayed after the rows would lose w's alert; rows after the batches, v's newer speed.
      expect(reloaded.latest("v")?.readings.speedKph).toBe(2);
      expect(reloaded.pair("rule", "v").alertId).toBe("alert-v");
      expect(reloaded.pair("rule", "w").alertId).toBe("alert-w");
    });
  });

  it("a journal too large for what the batch's row has left goes in a journal row after it", async () => {
    await runInDurableObject(hub(), (_object, state) => {
      const sql = state.storage.sql;
      const states = new VehicleStates(sql);
      ingest(sql, states, [{ vehicleId: "v", ts: 1, readings: { speedKph: 1 } }]);
      states.setPair("rule", "v", { ...states.pair("rule", "v"), alertId: "alert-v" });
      const id = ingest(sql, states, [{ vehicleId: "v", ts: 2, readings: { speedKph: 2 } }], 10);
      expect(sql.exec("SELECT journal FROM ingested_batches WHERE rowid = ?", id).one().journal).toBeNull();
      expect(sql.exec<{ after: number }>("SELECT after_batch AS after FROM vehicle_state_journal").toArray()).toEqual([{ after: id }]);
      const reloaded = new VehicleStates(sql);
      expect(reloaded.latest("v")?.readings.speedKph).toBe(2);
      expect(reloaded.pair("rule", "v").alertId).toBe("alert-v");
    });
  });

  it("batch ids keep growing after retention deleted every batch, so the journal's order holds", async () => {
    await runInDurableObject(hub(), (_object, state) => {
      const sql = state.storage.sql;
      const states = new VehicleStates(sql);
      const first = ingest(sql, states, [{ vehicleId: "v", ts: 1, readings: { speedKph: 1 } }]);
      states.settle();
      sql.exec("DELETE FROM ingested_batches");
      const later = new VehicleStates(sql);
      expect(ingest(sql, later, [{ vehicleId: "v", ts: 2, readings: { speedKph: 2 } }])).toBeGreaterThan(first);
      expect(new VehicleStates(sql).latest("v")?.readings.speedKph).toBe(2);
    });
  });

  it("a step that moves only a rule clock journals that number; a new instance has the clocks and replays the readings", async () => {
    await runInDurableObject(hub(), (_object, state) => {
      const sql = state.storage.sql;
      const states = new VehicleStates(sql);
      const events: Event[] = [
        { vehicleId: "v", ts: 5, readings: { speedKph: 40, batteryV: 14 } },
        { vehicleId: "v", ts: 7, readings: { speedKph: 41 } },
      ];
      for (const event of events) states.observe(event);
      states.moveClock("speed-rule", "v", { ...states.pair("speed-rule", "v"), lastTs: 7 });
      states.moveClock("battery-rule", "v", { ...states.pair("battery-rule", "v"), lastTs: 5 });
      const id = storeBatch(sql, states, events);
      expect(journalOf(sql, id)).toEqual({ v: { clocks: { "speed-rule": 7, "battery-rule": 5 } } });

      const reloaded = new VehicleStates(sql);
      expect(reloaded.pair("speed-rule", "v").lastTs).toBe(7);
      expect(reloaded.pair("battery-rule", "v").lastTs).toBe(5);
      expect(reloaded.latestView("v")?.readings).toEqual({ speedKph: 41, batteryV: 14 });
      // What the replay rebuilt is written by the next settle, so the cursor can move past the batch.
      reloaded.settle();
      sql.exec("DELETE FROM ingested_batches");
      expect(new VehicleStates(sql).latest("v")?.readings).toEqual({ speedKph: 41, batteryV: 14 });
      expect(new VehicleStates(sql).pair("speed-rule", "v").lastTs).toBe(7);
    });
  });

  it("a replayed fault-code change becomes the full list it was, from the codes before it", async () => {
    await runInDurableObject(hub(), (_object, state) => {
      const sql = state.storage.sql;
      const states = new VehicleStates(sql);
      const full = (event: Event) =>
        event.dtcChange ? { ...event, dtcChange: undefined, dtc: [...(states.latest("v")?.dtc ?? []), ...(event.dtc ?? [])] } : event;
      const opened = { vehicleId: "v", ts: 1, readings: {}, dtc: ["P0217"] };
      const another = { vehicleId: "v", ts: 2, readings: {}, dtc: ["P0300"], dtcChange: "opened" as const };
      // The rule pass observes the full list; the batch stores the change as the vendor sent it.
      for (const event of [opened, another]) states.observe(full(event));
      storeBatch(sql, states, [opened, another]);
      expect(states.latest("v")?.dtc).toEqual(["P0217", "P0300"]);
      expect(new VehicleStates(sql).latest("v")?.dtc).toEqual(["P0217", "P0300"]);
    });
  });

  it("the batches a new instance would replay are settled at once past the recovery bound", async () => {
    const start = freezeClock();
    await runInDurableObject(hub(), (_object, state) => {
      const sql = state.storage.sql;
      const states = new VehicleStates(sql);
      ingest(sql, states, [{ vehicleId: "v", ts: 1, readings: { speedKph: 1 } }]);
      expect(states.flushDueAt()).toBe(start + SETTLE_MS);
      // 17 MB of stored events (about 100,000 events' worth) since the cursor: a new instance would read them all first.
      const big = Array.from({ length: 17 }, (_, i) => ({
        vehicleId: "v",
        ts: 2 + i,
        readings: { blob: i },
        note: "x".repeat(1024 * 1024),
      }));
      for (const event of big) ingest(sql, states, [event as Event]);
      expect(states.flushDueAt()).toBe(start);
    });
  });
});

describe("vehicle state pages", () => {
  it("a settle writes a row per page; full pages spill into new ones; every vehicle reads back", async () => {
    await runInDurableObject(hub(), (_object, state) => {
      const sql = state.storage.sql;
      const states = new VehicleStates(sql);
      const ids = Array.from({ length: 200 }, (_, i) => `veh_${String(i).padStart(3, "0")}`);
      for (const id of ids) states.observe(bulky(id, 1_000));
      states.flush();
      states.settle();
      const pages = pageSizes(sql);
      // 200 states of about 6 KB: three or four pages of at most 512 KiB (a value holds 2 MB), not 200 rows.
      expect(pages.length).toBeGreaterThanOrEqual(2);
      expect(pages.length).toBeLessThanOrEqual(4);
      for (const { size } of pages) expect(size).toBeLessThanOrEqual(512 * 1024);
      expect(sql.exec<{ n: number }>("SELECT count(*) AS n FROM vehicle_state_journal").one().n).toBe(0);

      // One vehicle changes: only its page is written again.
      const changed = ids[0]!;
      states.observe({ vehicleId: changed, ts: 2_000, readings: { speedKph: 42 } });
      states.flush();
      const dataBefore = sql.exec<{ page: number; data: string }>("SELECT page, data FROM vehicle_state_pages").toArray();
      states.settle();
      const dataAfter = sql.exec<{ page: number; data: string }>("SELECT page, data FROM vehicle_state_pages").toArray();
      const rewritten = dataAfter.filter((row) => dataBefore.find((b) => b.page === row.page)?.data !== row.data);
      expect(rewritten).toHaveLength(1);

      // New vehicles join the newest page and spill into new pages when it is full.
      const more = Array.from({ length: 120 }, (_, i) => `veh_new_${i}`);
      for (const id of more) states.observe(bulky(id, 3_000));
      states.flush();
      states.settle();
      const grown = pageSizes(sql);
      expect(grown.length).toBeGreaterThan(pages.length);
      for (const { size } of grown) expect(size).toBeLessThanOrEqual(512 * 1024);

      // A new instance reads every vehicle back from the pages, each exactly once.
      const stored = settledStates(sql);
      expect(Object.keys(stored).sort()).toEqual([...ids, ...more].sort());
      const reloaded = new VehicleStates(sql);
      expect(reloaded.latest(changed)?.readings.speedKph).toBe(42);
      expect(reloaded.latest(changed)?.readings.sensor_3).toBe(1_000 + 3 / 7);
      expect(reloaded.latest("veh_new_119")?.ts).toBe(3_000);
    });
  });

  it("the storage step moves one-row-per-vehicle states into pages and drops the old table", async () => {
    await runInDurableObject(hub(), async (_object, state) => {
      const { pageVehicleStates } = await import("../../durable-objects/vehicle-state-rows");
      const sql = state.storage.sql;
      sql.exec("CREATE TABLE vehicle_state (vehicle_id TEXT PRIMARY KEY, data TEXT NOT NULL)");
      for (let i = 0; i < 30; i++) {
        const latest = { ts: i, readings: { odometerKm: 1000 + i }, readingTs: { odometerKm: i }, dtc: [] };
        sql.exec("INSERT INTO vehicle_state (vehicle_id, data) VALUES (?, ?)", `old_${i}`, JSON.stringify({ latest, rules: {} }));
      }
      pageVehicleStates(sql);
      expect(sql.exec("SELECT 1 FROM sqlite_master WHERE name = 'vehicle_state'").toArray()).toEqual([]);
      expect(pageSizes(sql)).toHaveLength(1);
      const states = new VehicleStates(sql);
      expect(states.latest("old_29")?.readings.odometerKm).toBe(1029);
      expect(Object.keys(settledStates(sql))).toHaveLength(30);
    });
  });
});
