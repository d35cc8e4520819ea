/**
 * The hot path defers work to the object's alarm (durable-objects/deferred-writes.ts): an
 * eviction between the 202 and that alarm must lose nothing. The object is aborted right after
 * the batch; a new instance then runs the alarm it inherited.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEFERRED_WRITE_MS } from "../../durable-objects/deferred-writes";
import {
  advanceClock,
  driveTime,
  freezeClock,
  heldMessages,
  runHubAlarm,
  runHubAlarmSettled,
  settledStates,
  unsettledJournal,
} from "./drive";
import { addVehicles, call, countRows, createTenant, ORDINARY_READINGS, postTelemetry } from "./helpers";

driveTime();

const hubOf = (tenantId: string) => env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenantId));
const evict = (tenantId: string) => runInDurableObject(hubOf(tenantId), (_hub, state) => state.abort("evicted")).catch(() => {});
const storedBuckets = (tenantId: string) =>
  runInDurableObject(
    hubOf(tenantId),
    (_hub, state) =>
      state.storage.sql
        .exec<{ n: number }>("SELECT (SELECT count(*) FROM reading_buckets) + (SELECT count(*) FROM reading_groups) AS n")
        .one().n,
  );
const ago = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();

describe("eviction between the 202 and the deferred work", { timeout: 30_000 }, () => {
  it("a new alert still reaches D1 and its notification is planned", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["EV-1"]);
    const events = [20, 10].map((s) => ({ vehicleId: "EV-1", ts: ago(s), readings: { oilPressureKpa: 60 } }));
    expect((await postTelemetry(tenant, { events })).status).toBe(202);
    // Nothing went to D1 on the request: the sync waits for the alarm.
    expect(await countRows("alerts", "tenant_id = ?", tenant.id)).toBe(0);

    await evict(tenant.id);
    // The new instance runs the alarm (held by driveTime: the runtime's own firing does nothing).
    await runHubAlarm(tenant.id);

    expect(await countRows("alerts", "tenant_id = ? AND type = 'low_oil_pressure'", tenant.id)).toBe(1);
    const raised = heldMessages(tenant.id).filter((job) => (job as { type: string }).type === "alert.raised");
    expect(raised).toHaveLength(1);
  });

  it("buffered readings are rebuilt from the stored batches and written once", async () => {
    const tenant = await createTenant();
    const { "EV-2": vehicle } = await addVehicles(tenant, ["EV-2"]);
    const events = [50, 40, 30].map((s, i) => ({ vehicleId: "EV-2", ts: ago(s), readings: { engineTempC: 90 + i } }));
    expect((await postTelemetry(tenant, { events })).status).toBe(202);
    expect(await storedBuckets(tenant.id)).toBe(0); // buffered, not written by the request

    await evict(tenant.id);
    // The new instance serves them before its alarm wrote them...
    const read = async () => {
      const res = await call("GET", `/api/vehicles/${vehicle!.id}/readings?hours=1`, { token: tenant.admin.token });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { points: { count: Record<string, number>; max: Record<string, number> }[] };
      return body.points.reduce((n, p) => n + (p.count.engineTempC ?? 0), 0);
    };
    expect(await read()).toBe(3);
    // ...and writes them on it, each reading once.
    await runHubAlarmSettled(tenant.id);
    expect(await storedBuckets(tenant.id)).toBeGreaterThan(0);
    await evict(tenant.id);
    expect(await read()).toBe(3);
  });
});

describe("eviction before the state journal is settled", { timeout: 30_000 }, () => {
  it("the rule state of the last batches comes back from the journal: an episode begun before the eviction still raises", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["EV-3"]);
    // "Low oil pressure" needs 10 s below 100 kPa: the first reading starts the episode...
    const first = [{ vehicleId: "EV-3", ts: ago(30), readings: { oilPressureKpa: 60 } }];
    expect((await postTelemetry(tenant, { events: first })).status).toBe(202);
    // Its state is the batch's own journal (no row of its own).
    const journal = await runInDurableObject(hubOf(tenant.id), (_hub, state) => unsettledJournal(state.storage.sql));
    expect(journal).toEqual({ batches: 1, rows: 0 });
    await evict(tenant.id);
    // ...and the second, 15 s later on a new instance, completes it only if that state survived.
    const second = [{ vehicleId: "EV-3", ts: ago(15), readings: { oilPressureKpa: 60 } }];
    expect((await postTelemetry(tenant, { events: second })).status).toBe(202);
    await runHubAlarmSettled(tenant.id);
    expect(await countRows("alerts", "tenant_id = ? AND type = 'low_oil_pressure'", tenant.id)).toBe(1);
    const settled = await runInDurableObject(hubOf(tenant.id), (_hub, state) => ({
      journal: unsettledJournal(state.storage.sql),
      rows: Object.keys(settledStates(state.storage.sql)).length,
    }));
    expect(settled).toEqual({ journal: { batches: 0, rows: 0 }, rows: 1 });
  });
});

describe("eviction before the settle, after batches that moved only rule clocks", { timeout: 30_000 }, () => {
  it("the latest readings are replayed from the stored batch and the clocks come back from its journal: late events stay unevaluated", async () => {
    const tenant = await createTenant();
    const { "EV-5": vehicle } = await addVehicles(tenant, ["EV-5"]);
    const normal = [{ vehicleId: "EV-5", ts: ago(20), readings: { oilPressureKpa: 300, speedKph: 50 } }];
    expect((await postTelemetry(tenant, { events: normal })).status).toBe(202);
    await evict(tenant.id);

    const view = (await (await call("GET", `/api/vehicles/${vehicle!.id}`, { token: tenant.admin.token })).json()) as {
      latest: { readings: Record<string, number> } | null;
    };
    expect(view.latest?.readings).toEqual({ oilPressureKpa: 300, speedKph: 50 });
    // Two low readings 15 s apart would open "Low oil pressure" (10 s below 100 kPa), but both are
    // older than the rule's clock: with the clock lost in the eviction they would raise an alert.
    const late = [40, 25].map((s) => ({ vehicleId: "EV-5", ts: ago(s), readings: { oilPressureKpa: 60 } }));
    expect((await postTelemetry(tenant, { events: late })).status).toBe(202);
    await runHubAlarmSettled(tenant.id);
    expect(await countRows("alerts", "tenant_id = ? AND type = 'low_oil_pressure'", tenant.id)).toBe(0);
  });
});

describe("eviction after the model state is journaled, before the settle", { timeout: 30_000 }, () => {
  it("the health models' state and the vehicle's risk come back from the journal", async () => {
    const tenant = await createTenant();
    const { "EV-4": vehicle } = await addVehicles(tenant, ["EV-4"]);
    freezeClock();
    const events = [30, 20, 10].map((s) => ({ vehicleId: "EV-4", ts: ago(s), readings: ORDINARY_READINGS }));
    expect((await postTelemetry(tenant, { events })).status).toBe(202);
    const risk = async () => (await call("GET", `/api/vehicles/${vehicle!.id}/risk`, { token: tenant.admin.token })).json();
    const scored = (await risk()) as { score: number | null };
    expect(scored.score).not.toBeNull();

    // The alarm a few seconds on journals the scoring (one row); the settle is minutes away.
    advanceClock(DEFERRED_WRITE_MS);
    await runHubAlarm(tenant.id);
    const rows = await runInDurableObject(hubOf(tenant.id), (_hub, state) => ({
      journal: unsettledJournal(state.storage.sql),
      settled: Object.keys(settledStates(state.storage.sql)).length,
    }));
    // The batch's own journal (its rule pass) and one row with the models' state.
    expect(rows).toEqual({ journal: { batches: 1, rows: 1 }, settled: 0 });

    await evict(tenant.id);
    expect(await risk()).toEqual(scored);
  });
});

describe("the tenant's alert seq across retention and an eviction", { timeout: 30_000 }, () => {
  it("after retention emptied the event log, a new instance's next alert takes a seq above every earlier one", async () => {
    freezeClock();
    const tenant = await createTenant();
    await addVehicles(tenant, ["SQ-1", "SQ-2"]);
    const lowOil = (vehicleId: string) => [20, 10].map((s) => ({ vehicleId, ts: ago(s), readings: { oilPressureKpa: 60 } }));
    expect((await postTelemetry(tenant, { events: lowOil("SQ-1") })).status).toBe(202);
    await runHubAlarm(tenant.id);
    const newestSeq = () =>
      runInDurableObject(
        hubOf(tenant.id),
        (_hub, state) => state.storage.sql.exec<{ seq: number | null }>("SELECT max(seq) AS seq FROM alert_events").one().seq,
      );
    const first = await newestSeq();
    expect(first).toBeGreaterThan(0);

    // Nine days on, the hourly retention drops every event of the log (kept 8 days), then the object is evicted.
    advanceClock(9 * 24 * 3_600_000);
    await runHubAlarm(tenant.id);
    expect(await newestSeq()).toBeNull();
    await evict(tenant.id);

    expect((await postTelemetry(tenant, { events: lowOil("SQ-2") })).status).toBe(202);
    expect(await newestSeq()).toBe(first! + 1);
  });
});
