/**
 * A change of a tenant's shard count moves each vehicle that hashes to another shard with its
 * rolling state and open alerts (durable-objects/shard-handoff.ts): an episode open before the
 * change goes on in the same alert, a rule's clock keeps running, an offline due time is kept,
 * changes to a moved alert go to its new shard, and telemetry sent by the old count is passed on.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { shardName, shardOf } from "../../durable-objects/shards";
import { advanceClock, driveTime, freezeClock, runHubAlarm, settleTenant } from "./drive";
import { addVehicles, call, createTenant, isoAt, postTelemetry, type TestTenant } from "./helpers";

driveTime();

const hubOf = (tenantId: string, shard: number) => env.TENANT_HUB.get(env.TENANT_HUB.idFromName(shardName(tenantId, shard)));

/** External ids that live on shard 0 alone and on another shard each under four. */
const movingIds = (n: number) => {
  const ids: string[] = [];
  for (let i = 0; ids.length < n; i++)
    if (shardOf(`MV-${i}`, 4) !== 0 && !ids.some((id) => shardOf(id, 4) === shardOf(`MV-${i}`, 4))) ids.push(`MV-${i}`);
  return ids;
};

interface AlertView {
  id: string;
  seq: number;
  status: string;
  type: string;
  occurrences: number;
  clearedAt: string | null;
  lastSeenAt: string;
}

const oil = (vehicleId: string, at: number, kpa: number, base?: number) => ({
  vehicleId,
  ts: isoAt(at, base),
  readings: { oilPressureKpa: kpa },
});

async function alertsOf(tenant: TestTenant, vehicleId: string): Promise<AlertView[]> {
  for (let shard = 1; shard < 4; shard++) await runHubAlarm(shardName(tenant.id, shard));
  await settleTenant(tenant.id);
  const res = await call("GET", `/api/alerts?vehicleId=${vehicleId}&limit=50`, { token: tenant.admin.token });
  return ((await res.json()) as { items: AlertView[] }).items;
}

const setShards = async (tenant: TestTenant, ingestShards: number) =>
  expect((await call("PUT", "/api/settings", { token: tenant.admin.token, body: { ingestShards } })).status).toBe(200);

/** How many events an object stored, and under which batch keys. */
const batches = (tenantId: string, shard: number) =>
  runInDurableObject(hubOf(tenantId, shard), async (_i, state) =>
    state.storage.sql.exec<{ key: string; n: number }>("SELECT key, event_count AS n FROM ingested_batches ORDER BY rowid").toArray(),
  );

describe("a change of the shard count", { timeout: 60_000 }, () => {
  it("1 → 4: an open episode goes on in the same alert on the vehicle's new shard, a rule clock keeps running", async () => {
    const tenant = await createTenant();
    const [moving, clocked] = movingIds(2) as [string, string];
    const vehicles = await addVehicles(tenant, [moving, clocked]);
    // Low oil (critical, 10 s): open on `moving`; on `clocked` the condition has held 0 s of its 10.
    const res = await postTelemetry(tenant, { events: [oil(moving, 0, 60), oil(moving, 15, 60), oil(clocked, 0, 60)] });
    expect(res.status).toBe(202);
    const [opened, ...none] = await alertsOf(tenant, vehicles[moving]!.id);
    expect(none).toEqual([]);
    expect(opened).toMatchObject({ status: "open", type: "low_oil_pressure" });

    await setShards(tenant, 4);
    const shard = shardOf(moving, 4);
    // The room wrote its buffered readings as it handed over (else, evicted, it would replay every raw batch when it next wakes).
    const readingsCursor = await runInDurableObject(hubOf(tenant.id, 0), async (_i, state) => ({
      through: Number(state.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'readingsThrough'").one().value),
      newest: state.storage.sql.exec<{ id: number }>("SELECT max(rowid) AS id FROM ingested_batches").one().id,
    }));
    expect(readingsCursor.through).toBe(readingsCursor.newest);
    // Fresh state there would start the clock again at 30 and open a second alert at 45.
    expect((await postTelemetry(tenant, { events: [oil(moving, 30, 60), oil(moving, 45, 60), oil(clocked, 12, 60)] })).status).toBe(202);
    const moved = await alertsOf(tenant, vehicles[moving]!.id);
    expect(moved.map((a) => a.id)).toEqual([opened!.id]);
    // The clock that started before the change fired at 12 s on the new shard.
    expect((await alertsOf(tenant, vehicles[clocked]!.id)).map((a) => a.type)).toEqual(["low_oil_pressure"]);
    expect((await batches(tenant.id, shard)).reduce((n, b) => n + b.n, 0)).toBe(2);

    // Its change goes to the new shard, which clears the episode on the next normal reading.
    const acked = await call("POST", `/api/alerts/${opened!.id}/ack`, { token: tenant.admin.token, body: {} });
    expect(acked.status).toBe(200);
    const inShard = await runInDurableObject(hubOf(tenant.id, shard), async (_i, state) =>
      JSON.parse(state.storage.sql.exec<{ data: string }>("SELECT data FROM alerts WHERE id = ?", opened!.id).one().data),
    );
    expect(inShard.status).toBe("acknowledged");
    expect((await postTelemetry(tenant, { events: [oil(moving, 60, 300)] })).status).toBe(202);
    const [cleared] = await alertsOf(tenant, vehicles[moving]!.id);
    expect(cleared).toMatchObject({ id: opened!.id, status: "acknowledged", clearedAt: isoAt(60) });

    // A Worker still on the old count sends the vehicle to the room: it is passed on, stored once, by the shard.
    const stale = await hubOf(tenant.id, 0).ingest(tenant.id, "stale-1", [
      { vehicleId: moving, ts: Date.parse(isoAt(70)), readings: { oilPressureKpa: 300 } },
    ]);
    expect(stale).toEqual({ ok: true, accepted: 1 });
    expect((await batches(tenant.id, shard)).map((b) => b.key)).toContain("stale-1@0");
    expect((await batches(tenant.id, 0)).map((b) => b.key)).not.toContain("stale-1");
  });

  it("4 → 1: the vehicle comes back to the room with its episode and its offline due time", async () => {
    freezeClock();
    const MINUTE = 60_000;
    const tenant = await createTenant();
    await setShards(tenant, 4);
    const [moving] = movingIds(1) as [string];
    const vehicles = await addVehicles(tenant, [moving]);
    const rule = { name: "Vehicle offline", kind: "offline", minutes: 5, graceMinutes: 2, severity: "high" };
    expect((await call("POST", "/api/rules", { token: tenant.admin.token, body: rule })).status).toBe(201);
    const now = Date.now();
    expect((await postTelemetry(tenant, { events: [oil(moving, -20, 60, now), oil(moving, -5, 60, now)] })).status).toBe(202);
    const [opened] = await alertsOf(tenant, vehicles[moving]!.id);
    expect(opened).toMatchObject({ type: "low_oil_pressure", status: "open" });

    await setShards(tenant, 1);
    const origins = () =>
      runInDurableObject(hubOf(tenant.id, 0), async (_i, state) => state.storage.sql.exec("SELECT alert_id FROM alert_origins").toArray());
    expect(await origins()).toEqual([]);
    // Silent since before the change: the room, which now holds the vehicle's due time, raises it offline.
    advanceClock(8 * MINUTE);
    await runHubAlarm(tenant.id);
    expect((await alertsOf(tenant, vehicles[moving]!.id)).map((a) => a.type).sort()).toEqual(["low_oil_pressure", "vehicle_offline"]);
    // The room continues the low-oil episode (no second alert) and answers for the alert itself.
    expect((await postTelemetry(tenant, { events: [oil(moving, 8 * 60, 60, now)] })).status).toBe(202);
    expect((await call("POST", `/api/alerts/${opened!.id}/ack`, { token: tenant.admin.token, body: {} })).status).toBe(200);
    const after = await alertsOf(tenant, vehicles[moving]!.id);
    expect(after.filter((a) => a.type === "low_oil_pressure")).toMatchObject([
      { id: opened!.id, status: "acknowledged", lastSeenAt: isoAt(8 * 60, now) },
    ]);
    const emptied = await runInDurableObject(hubOf(tenant.id, shardOf(moving, 4)), async (_i, state) => ({
      due: state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM offline_due").one().n,
      pages: state.storage.sql
        .exec<{ data: string }>("SELECT data FROM vehicle_state_pages")
        .toArray()
        .map((p) => p.data)
        .join(""),
    }));
    expect(emptied.due).toBe(0);
    expect(emptied.pages).not.toContain(vehicles[moving]!.id);
  });
});
