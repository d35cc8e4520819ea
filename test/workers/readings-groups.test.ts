/**
 * Hour pages of minute buckets are stored GROUP_SIZE vehicles to a row (durable-objects/readings-store.ts):
 * a flush writes a row per group and hour, a read picks its vehicle's page out, a row too large
 * for one value is cut into parts, pages stored per vehicle before groups are still read and
 * folded, and the retention job folds group rows into each vehicle's day pages.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addReading, emptyBucket, encodePage } from "../../durable-objects/readings-codec";
import { GROUP_SIZE } from "../../durable-objects/reading-groups";
import { MINUTE_MS, MINUTE_PAGE_MS, ReadingsStore } from "../../durable-objects/readings-store";

const DAY = 86_400_000;
const hub = () => env.TENANT_HUB.get(env.TENANT_HUB.idFromName(`groups-${crypto.randomUUID()}`));
/** The start of an hour two hours before now, so all its minutes are in the minute tier. */
const hourStart = () => Math.floor(Date.now() / MINUTE_PAGE_MS) * MINUTE_PAGE_MS - 2 * MINUTE_PAGE_MS;
const count = (sql: SqlStorage, query: string) => sql.exec<{ n: number }>(query).one().n;
const total = (store: ReadingsStore, vehicleId: string, metric: string, from: number, to: number) => {
  const id = [...Array(2000).keys()].find((i) => store.metricName(i) === metric)!;
  return store.buckets(vehicleId, from, to).reduce((n, row) => n + (row.bucket.metrics.get(id)?.count ?? 0), 0);
};

describe("readings store: hour pages in group rows", () => {
  it("a flush writes a row per group of vehicles and hour; each vehicle reads back its own buckets", async () => {
    await runInDurableObject(hub(), (_object, state) => {
      const sql = state.storage.sql;
      const store = new ReadingsStore(sql);
      const start = hourStart();
      const vehicles = Array.from({ length: 2 * GROUP_SIZE + 3 }, (_, i) => `veh_${i}`);
      // Ten minutes of one reading per vehicle and minute, each vehicle its own value.
      const events = vehicles.flatMap((vehicleId, i) =>
        Array.from({ length: 10 }, (_, m) => ({ vehicleId, ts: start + m * MINUTE_MS, readings: { speedKph: i } })),
      );
      store.record(events, Date.now(), 1);
      store.flush();
      // 35 vehicles: three groups, one hour: three rows (a row per vehicle before groups).
      expect(count(sql, "SELECT count(*) AS n FROM reading_groups")).toBe(3);
      expect(count(sql, "SELECT count(*) AS n FROM reading_buckets")).toBe(0);
      for (const [i, vehicleId] of vehicles.entries()) {
        const rows = new ReadingsStore(sql).buckets(vehicleId, start, start + MINUTE_PAGE_MS);
        expect(rows.map((row) => row.start)).toEqual(Array.from({ length: 10 }, (_, m) => start + m * MINUTE_MS));
        expect(rows.every((row) => [...row.bucket.metrics.values()][0]!.last === i)).toBe(true);
      }
    });
  });

  it("a new instance gives a vehicle first seen the series id after the highest stored", async () => {
    await runInDurableObject(hub(), (_object, state) => {
      const sql = state.storage.sql;
      const start = hourStart();
      const first = new ReadingsStore(sql);
      first.record(
        ["veh_a", "veh_b", "veh_c"].map((vehicleId, i) => ({ vehicleId, ts: start, readings: { speedKph: i } })),
        Date.now(),
        1,
      );
      first.flush();
      // One series removed from the middle of the ids: the next id still follows the highest (3), not the count.
      sql.exec("DELETE FROM reading_series WHERE vehicle_id = 'veh_a'");
      const next = new ReadingsStore(sql);
      next.record([{ vehicleId: "veh_d", ts: start + MINUTE_MS, readings: { speedKph: 9 } }], Date.now(), 2);
      next.flush();
      const ids = sql.exec<{ id: number; vehicle_id: string }>("SELECT id, vehicle_id FROM reading_series ORDER BY id").toArray();
      expect(ids.map((r) => [r.id, r.vehicle_id])).toEqual([
        [2, "veh_b"],
        [3, "veh_c"],
        [4, "veh_d"],
      ]);
      expect(total(new ReadingsStore(sql), "veh_d", "speedKph", start, start + MINUTE_PAGE_MS)).toBe(1);
    });
  });

  it("a group row too large for one value is cut into parts, read back whole and folded by retention", async () => {
    await runInDurableObject(hub(), (_object, state) => {
      const sql = state.storage.sql;
      const store = new ReadingsStore(sql);
      const start = hourStart();
      // 500 metrics every minute of an hour: about 600 KB per vehicle's page, two vehicles > 1 MB.
      const readings = Object.fromEntries(Array.from({ length: 500 }, (_, k) => [`m${k}`, k]));
      const events = ["big_1", "big_2"].flatMap((vehicleId) =>
        Array.from({ length: 60 }, (_, m) => ({ vehicleId, ts: start + m * MINUTE_MS, readings })),
      );
      store.record(events, Date.now(), 1);
      store.flush();
      expect(count(sql, "SELECT count(*) AS n FROM reading_groups")).toBe(2);
      expect(count(sql, "SELECT max(length(data)) AS n FROM reading_groups")).toBeLessThanOrEqual(1024 * 1024);
      const reread = new ReadingsStore(sql);
      expect(total(reread, "big_2", "m499", start, start + MINUTE_PAGE_MS)).toBe(60);

      // Three days on, the retention job folds the hour into each vehicle's day page.
      const folded = reread.compact(Date.now() + 3 * DAY);
      expect(folded).toBe(120);
      expect(count(sql, "SELECT count(*) AS n FROM reading_groups")).toBe(0);
      expect(total(reread, "big_1", "m0", start - DAY, start + DAY)).toBe(60);
      expect(total(reread, "big_2", "m499", start - DAY, start + DAY)).toBe(60);
    });
  });

  it("a vehicle's page stored alone before groups is read beside its group row and folded with it", async () => {
    await runInDurableObject(hub(), (_object, state) => {
      const sql = state.storage.sql;
      const start = hourStart();
      const store = new ReadingsStore(sql);
      store.record([{ vehicleId: "v", ts: start, readings: { fuelPct: 50 } }], Date.now(), 1);
      store.flush();
      // As the store wrote it before groups: the vehicle's own row for the hour, one more minute in it.
      const series = sql.exec<{ id: number }>("SELECT id FROM reading_series WHERE vehicle_id = 'v'").one().id;
      const metric = sql.exec<{ id: number }>("SELECT id FROM reading_metrics WHERE name = 'fuelPct'").one().id;
      const bucket = emptyBucket();
      addReading(bucket, metric, 40, true);
      bucket.newestTs = start + MINUTE_MS;
      sql.exec(
        "INSERT INTO reading_buckets (series, span, start, data) VALUES (?, ?, ?, ?)",
        series,
        MINUTE_PAGE_MS,
        start,
        encodePage(new Map([[start + MINUTE_MS, bucket]]), start, MINUTE_MS),
      );
      const reread = new ReadingsStore(sql);
      expect(reread.buckets("v", start, start + MINUTE_PAGE_MS).map((row) => row.start)).toEqual([start, start + MINUTE_MS]);
      expect(reread.compact(Date.now() + 3 * DAY)).toBe(2);
      expect(count(sql, "SELECT count(*) AS n FROM reading_groups")).toBe(0);
      expect(count(sql, `SELECT count(*) AS n FROM reading_buckets WHERE span = ${MINUTE_PAGE_MS}`)).toBe(0);
      expect(total(reread, "v", "fuelPct", start - DAY, start + DAY)).toBe(2);
    });
  });
});
