/**
 * Time bounds on raw batches are rowid bounds found by binary search (durable-objects/batch-range.ts):
 * checked against a full scan over batches with gaps in their rowids, and retention's emptying and
 * deleting of old batches through it.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { firstBatchReceivedFrom, firstUnemptiedBatch } from "../../durable-objects/batch-range";
import { addVehicles, call, createTenant, postTelemetry } from "./helpers";
import { RETENTION_DEFAULTS } from "../../durable-objects/retention";
import { advanceClock, driveTime, freezeClock, runHubAlarm } from "./drive";

driveTime();

const hubOf = (tenantId: string) => env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenantId));
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

type Row = { id: number; received_at: number; events: string };
const rows = (sql: SqlStorage) => sql.exec<Row>("SELECT rowid AS id, received_at, events FROM ingested_batches ORDER BY rowid").toArray();

/** What a full scan says: the first batch received at or after `at`, or the newest + 1. */
function scanFrom(all: Row[], at: number, newest: number) {
  return all.find((row) => row.received_at >= at)?.id ?? newest + 1;
}

describe("raw batch ranges by rowid", () => {
  it("finds the first batch at or after a time as a full scan does, across rowid gaps and equal times", async () => {
    const tenant = await createTenant();
    await runInDurableObject(hubOf(tenant.id), (_hub, state) => {
      const sql = state.storage.sql;
      expect(firstBatchReceivedFrom(sql, 0)).toBe(1); // no batches at all
      const insert = (i: number, at: number) =>
        sql.exec("INSERT INTO ingested_batches (key, received_at, event_count, events) VALUES (?, ?, 1, '[1]')", `k${i}`, at);
      // 200 batches, some sharing a received_at, then gaps where rows went (a failed insert, an early delete).
      for (let i = 0; i < 200; i++) insert(i, 1_000_000 + Math.floor(i / 3) * MINUTE);
      sql.exec("DELETE FROM ingested_batches WHERE rowid IN (1, 2, 50, 51, 52, 53, 120, 199)");
      const all = rows(sql);
      const newest = all.at(-1)!.id;
      const times = [0, 999_999, 1_000_000, 1_000_001, ...all.map((r) => r.received_at), ...all.map((r) => r.received_at + 1), 9e12];
      for (const at of times) expect(firstBatchReceivedFrom(sql, at), `at ${at}`).toBe(scanFrom(all, at, newest));

      // Emptied batches are a prefix: the first one not emptied, whatever the prefix's length.
      for (const cut of [0, 3, 60, 150, all.length]) {
        sql.exec("UPDATE ingested_batches SET events = '[1]'");
        const emptied = all.slice(0, cut).map((r) => r.id);
        if (emptied.length) sql.exec(`UPDATE ingested_batches SET events = '[]' WHERE rowid IN (${emptied.join(",")})`);
        expect(firstUnemptiedBatch(sql), `first ${cut} emptied`).toBe(all[cut]?.id ?? newest + 1);
      }
    });
  });

  it.each([
    { rawDays: 7, emptiedBefore: 7 },
    { rawDays: 8, emptiedBefore: 0 }, // the default: deleted with their events, never emptied first
  ])(
    "retention empties batches past $rawDays days of events and deletes them past 8 days, exactly those",
    async ({ rawDays, emptiedBefore }) => {
      const tenant = await createTenant();
      await addVehicles(tenant, ["R-1"]);
      if (rawDays !== RETENTION_DEFAULTS.rawTelemetryDays) {
        const put = await call("PUT", "/api/settings", { token: tenant.admin.token, body: { retention: { rawTelemetryDays: rawDays } } });
        expect(put.status).toBe(200);
      }
      // A batch every 6 hours for 12 days.
      const start = freezeClock(Date.now() - 12 * DAY);
      for (let i = 0; i < 48; i++) {
        const at = new Date(Date.now()).toISOString();
        expect((await postTelemetry(tenant, { events: [{ vehicleId: "R-1", ts: at, readings: { speedKph: i } }] })).status).toBe(202);
        advanceClock(6 * HOUR);
      }
      const now = start + 12 * DAY;
      freezeClock(now);
      const hub = hubOf(tenant.id);
      await runInDurableObject(hub, (_hub, state) => state.storage.sql.exec("UPDATE schedule SET due_at = 0 WHERE job = 'retention'"));
      await runHubAlarm(tenant.id);
      const kept = await runInDurableObject(hub, (_hub, state) => rows(state.storage.sql));
      expect(kept.map((r) => r.received_at)).toEqual(
        Array.from({ length: 48 }, (_, i) => start + i * 6 * HOUR).filter((at) => at >= now - 8 * DAY),
      );
      for (const row of kept)
        expect(row.events === "[]", `batch received ${(now - row.received_at) / DAY} days ago`).toBe(
          emptiedBefore > 0 && row.received_at < now - emptiedBefore * DAY,
        );
    },
  );
});
