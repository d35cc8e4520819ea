/**
 * Ingest sharding (issue 18 point 6, durable-objects/shards.ts): a tenant with `ingestShards` 4
 * has its telemetry taken by four TenantHub objects by vehicle; the room (shard 0) keeps one alert
 * sequence, the live stream, the D1 sync and the notifications for all of them.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { shardName, shardOf } from "../../durable-objects/shards";
import { advanceClock, drainQueue, driveTime, freezeClock, heldMessages, runHubAlarm, settleTenant, URGENT } from "./drive";
import { addVehicles, call, createTenant, isoAt, postTelemetry, type TestTenant, userWithRole } from "./helpers";
import { openLive } from "./live-helpers";

driveTime();

const SHARDS = 4;
const hubOf = (tenantId: string, shard: number) => env.TENANT_HUB.get(env.TENANT_HUB.idFromName(shardName(tenantId, shard)));

/** Two external ids per shard, so every shard has vehicles of its own. */
const IDS = (() => {
  const byShard = new Map<number, string[]>();
  for (let i = 0; [...byShard.values()].filter((ids) => ids.length >= 2).length < SHARDS; i++) {
    const id = `SH-${i}`;
    const shard = shardOf(id, SHARDS);
    if ((byShard.get(shard)?.length ?? 0) < 2) byShard.set(shard, [...(byShard.get(shard) ?? []), id]);
  }
  return [...byShard.values()].flat();
})();

/** Two readings 15 s apart under the default "Low oil pressure" rule (critical, 10 s): one new alert per vehicle. */
const lowOil = (ids: string[], at: number) => ({
  events: ids.flatMap((vehicleId) => [0, 15].map((s) => ({ vehicleId, ts: isoAt(at + s), readings: { oilPressureKpa: 60 } }))),
});

/** Every shard relays what it has (its alarm, as the runtime would run it), then the room does its alert work. */
async function settleShards(tenantId: string) {
  for (let shard = 1; shard < SHARDS; shard++) await runHubAlarm(shardName(tenantId, shard));
  await settleTenant(tenantId);
}

/** What one shard's object stores: its batches' events and its own alerts. */
const stored = (tenantId: string, shard: number) =>
  runInDurableObject(hubOf(tenantId, shard), async (_instance, state) => ({
    events: state.storage.sql.exec<{ n: number }>("SELECT coalesce(sum(event_count), 0) AS n FROM ingested_batches").one().n,
    alertVehicles: state.storage.sql
      .exec<{ data: string }>("SELECT data FROM alerts")
      .toArray()
      .map((row) => (JSON.parse(row.data) as { vehicleId: string }).vehicleId),
  }));

interface AlertView {
  id: string;
  seq: number;
  vehicleId: string;
  status: string;
}

let tenant: TestTenant;
let vehicles: Record<string, { id: string }>;
const externalOf = (vehicleId: string) => Object.entries(vehicles).find(([, v]) => v.id === vehicleId)![0];

beforeAll(async () => {
  tenant = await createTenant();
  const res = await call("PUT", "/api/settings", { token: tenant.admin.token, body: { ingestShards: SHARDS } });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { ingestShards: number }).ingestShards).toBe(SHARDS);
  vehicles = await addVehicles(tenant, IDS);
});

describe("ingest over four shards", { timeout: 60_000 }, () => {
  it("each shard stores its vehicles' events; their alerts reach the live stream and D1 in one sequence", async () => {
    const manager = await userWithRole(tenant, "manager");
    const live = await openLive(manager.token);
    await live.waitFor((m) => m.type === "hello");
    const res = await postTelemetry(tenant, lowOil(IDS, 0));
    expect(res.status).toBe(202);
    expect(((await res.json()) as { accepted: number }).accepted).toBe(IDS.length * 2);
    for (let shard = 1; shard < SHARDS; shard++) await runHubAlarm(shardName(tenant.id, shard));
    await runHubAlarm(tenant.id);
    // The room queued every critical alert's raise on the urgent lane, whichever shard raised it.
    expect((heldMessages(tenant.id, URGENT) as { type: string }[]).filter((job) => job.type === "alert.raised")).toHaveLength(IDS.length);
    await drainQueue();

    for (let shard = 0; shard < SHARDS; shard++) {
      const own = IDS.filter((id) => shardOf(id, SHARDS) === shard);
      const object = await stored(tenant.id, shard);
      expect(object.events, `shard ${shard}`).toBe(own.length * 2);
      // The room holds every alert (its copies of the shards' under the tenant's seq); a shard only its own.
      if (shard > 0) expect(object.alertVehicles.map(externalOf).sort()).toEqual([...own].sort());
    }

    const alerts = await live.waitFor((m) => m.type === "alert" && m.seq === IDS.length);
    expect(alerts).toBeDefined();
    const streamed = live.messages.filter((m) => m.type === "alert");
    expect(streamed.map((m) => m.seq)).toEqual(IDS.map((_, i) => i + 1));
    expect(new Set(streamed.map((m) => externalOf(m.alert!.vehicleId)))).toEqual(new Set(IDS));
    live.close();

    const list = (await (await call("GET", "/api/alerts?limit=50", { token: manager.token })).json()) as { items: AlertView[] };
    expect(list.items.map((a) => a.seq).sort((a, b) => a - b)).toEqual(IDS.map((_, i) => i + 1));
    // Notified from the room like its own: every new alert reached the manager's inbox.
    const inbox = (await (await call("GET", "/api/me/inbox", { token: manager.token })).json()) as { items: { alertId: string }[] };
    expect(new Set(inbox.items.map((i) => i.alertId))).toEqual(new Set(list.items.map((a) => a.id)));
  });

  it("a change to a shard's alert is made by its shard and streamed under the tenant's next seq", async () => {
    const list = (await (await call("GET", "/api/alerts?status=open&limit=50", { token: tenant.admin.token })).json()) as {
      items: AlertView[];
    };
    const target = list.items.find((a) => shardOf(externalOf(a.vehicleId), SHARDS) !== 0)!;
    const shard = shardOf(externalOf(target.vehicleId), SHARDS);
    const top = Math.max(...list.items.map((a) => a.seq));

    const acked = await call("POST", `/api/alerts/${target.id}/ack`, { token: tenant.admin.token, body: {} });
    expect(acked.status).toBe(200);
    expect(await acked.json()).toMatchObject({ id: target.id, status: "acknowledged", seq: top + 1 });
    const inShard = await runInDurableObject(hubOf(tenant.id, shard), async (_i, state) =>
      JSON.parse(state.storage.sql.exec<{ data: string }>("SELECT data FROM alerts WHERE id = ?", target.id).one().data),
    );
    expect(inShard.status).toBe("acknowledged");

    // Resolved by hand, the shard resets the episode: the condition going on raises a new alert.
    expect((await call("POST", `/api/alerts/${target.id}/resolve`, { token: tenant.admin.token, body: {} })).status).toBe(200);
    expect((await postTelemetry(tenant, lowOil([externalOf(target.vehicleId)], 600))).status).toBe(202);
    await settleShards(tenant.id);
    const after = (await (await call("GET", `/api/alerts?vehicleId=${target.vehicleId}`, { token: tenant.admin.token })).json()) as {
      items: AlertView[];
    };
    expect(after.items.map((a) => a.status).sort()).toEqual(["open", "resolved"]);
    expect(Math.max(...after.items.map((a) => a.seq))).toBe(top + 3);
  });

  it("vehicle reads are answered by the vehicle's shard", async () => {
    const elsewhere = IDS.find((id) => shardOf(id, SHARDS) === 3)!;
    const vehicle = vehicles[elsewhere]!;
    const read = (await (await call("GET", `/api/vehicles/${vehicle.id}`, { token: tenant.admin.token })).json()) as {
      latest: { readings: Record<string, number> } | null;
    };
    expect(read.latest?.readings.oilPressureKpa).toBe(60);
    const series = (await (await call("GET", `/api/vehicles/${vehicle.id}/readings?hours=6`, { token: tenant.admin.token })).json()) as {
      points: { oilPressureKpa?: { avg: number } }[];
    };
    expect(series.points.length).toBeGreaterThan(0);
    const preview = await call("POST", "/api/rules/preview", {
      token: tenant.admin.token,
      body: {
        name: "Oil below 100",
        metric: "oilPressureKpa",
        op: "lt",
        threshold: 100,
        forSeconds: null,
        cooldownSeconds: 60,
        severity: "high",
      },
    });
    expect(preview.status).toBe(200);
    // Every shard's stored batches are replayed: each vehicle's low readings count.
    expect(((await preview.json()) as { vehicles: unknown[] }).vehicles).toHaveLength(IDS.length);
  });

  it("a batch naming an unknown vehicle is refused by every shard: nothing is stored, and the fixed retry is taken once", async () => {
    const before = await Promise.all([0, 1, 2, 3].map((shard) => stored(tenant.id, shard)));
    const batch = lowOil(IDS, 1200);
    batch.events.splice(5, 0, { vehicleId: "NOT-REGISTERED", ts: isoAt(1200), readings: { oilPressureKpa: 60 } });
    const refused = await postTelemetry(tenant, batch, { id: "msg_shard_retry" });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(["events.5.vehicleId"]);
    const unchanged = await Promise.all([0, 1, 2, 3].map((shard) => stored(tenant.id, shard)));
    expect(unchanged.map((s) => s.events)).toEqual(before.map((s) => s.events));

    batch.events.splice(5, 1);
    expect((await postTelemetry(tenant, batch, { id: "msg_shard_retry" })).status).toBe(202);
    const again = await postTelemetry(tenant, batch, { id: "msg_shard_retry" });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ accepted: 0, duplicate: true });
    const after = await Promise.all([0, 1, 2, 3].map((shard) => stored(tenant.id, shard)));
    expect(after.reduce((n, s) => n + s.events, 0) - before.reduce((n, s) => n + s.events, 0)).toBe(IDS.length * 2);
  });

  it("a batch with an invalid field is read before it is split: a 400 naming each bad field, nothing stored on any shard", async () => {
    const before = await Promise.all([0, 1, 2, 3].map((shard) => stored(tenant.id, shard)));
    const batch = lowOil(IDS, 1300);
    (batch.events[3] as { ts: string }).ts = "yesterday";
    (batch.events[6]!.readings as Record<string, unknown>).oilPressureKpa = "low";
    const refused = await postTelemetry(tenant, batch);
    expect(refused.status).toBe(400);
    const problem = (await refused.json()) as { detail: string; errors: { path: string }[] };
    expect(problem.detail).toBe("The request has invalid fields.");
    expect(problem.errors.map((e) => e.path)).toEqual(["events.3.ts", "events.6.readings.oilPressureKpa"]);
    const unchanged = await Promise.all([0, 1, 2, 3].map((shard) => stored(tenant.id, shard)));
    expect(unchanged.map((s) => s.events)).toEqual(before.map((s) => s.events));
  });

  it("a relay the room already took is not recorded twice", async () => {
    const room = hubOf(tenant.id, 0);
    const seqBefore = await runInDurableObject(
      room,
      async (_i, state) => state.storage.sql.exec<{ seq: number }>("SELECT max(seq) AS seq FROM alert_events").one().seq,
    );
    // The shard's cursor rewound, as after an eviction between the room's answer and the cursor write.
    await runInDurableObject(hubOf(tenant.id, 1), async (_i, state) => state.storage.sql.exec("DELETE FROM meta WHERE key = 'relayedSeq'"));
    await runHubAlarm(shardName(tenant.id, 1));
    const seqAfter = await runInDurableObject(
      room,
      async (_i, state) => state.storage.sql.exec<{ seq: number }>("SELECT max(seq) AS seq FROM alert_events").one().seq,
    );
    expect(seqAfter).toBe(seqBefore);
  });
});

describe("the ingestShards setting", () => {
  it("takes 1, 2, 4 or 8 from an admin; anything else changes nothing", async () => {
    const manager = await userWithRole(tenant, "manager");
    const odd = await call("PUT", "/api/settings", { token: tenant.admin.token, body: { ingestShards: 3, groupWaitSeconds: 10 } });
    expect(odd.status).toBe(400);
    expect(((await odd.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toContain("ingestShards");
    const byManager = await call("PUT", "/api/settings", { token: manager.token, body: { ingestShards: 2, groupWaitSeconds: 10 } });
    expect(byManager.status).toBe(403);
    const now = (await (await call("GET", "/api/settings", { token: tenant.admin.token })).json()) as Record<string, unknown>;
    expect(now).toMatchObject({ ingestShards: SHARDS, groupWaitSeconds: 30 });
  });
});

describe("offline rules on a shard", { timeout: 30_000 }, () => {
  const MINUTE = 60_000;
  const onShard3 = IDS.find((id) => shardOf(id, SHARDS) === 3)!;
  const offlineAlerts = async (t: TestTenant) => {
    await settleShards(t.id);
    const res = await call("GET", "/api/alerts?type=vehicle_offline", { token: t.admin.token });
    return ((await res.json()) as { items: { status: string; occurrences: number; clearedAt: string | null }[] }).items;
  };
  const report = async (t: TestTenant) =>
    expect(
      (await postTelemetry(t, { events: [{ vehicleId: onShard3, ts: new Date().toISOString(), readings: { speedKph: 40 } }] })).status,
    ).toBe(202);
  const dueRows = (tenantId: string) =>
    runInDurableObject(
      hubOf(tenantId, 3),
      async (_i, state) => state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM offline_due").one().n,
    );

  it("the vehicle's shard raises it from its own alarm; after the vehicle moved to the room (fewer shards) the room does and the old shard keeps nothing", async () => {
    freezeClock();
    const t = await createTenant();
    expect((await call("PUT", "/api/settings", { token: t.admin.token, body: { ingestShards: SHARDS } })).status).toBe(200);
    await addVehicles(t, [onShard3]);
    const rule = { name: "Vehicle offline", kind: "offline", minutes: 5, graceMinutes: 2, severity: "high" };
    expect((await call("POST", "/api/rules", { token: t.admin.token, body: rule })).status).toBe(201);

    await report(t);
    advanceClock(7 * MINUTE);
    expect(await offlineAlerts(t)).toMatchObject([{ status: "open", occurrences: 1, clearedAt: null }]);

    await report(t); // clears it, and arms the shard's due row again
    expect(await dueRows(t.id)).toBe(1);
    expect((await call("PUT", "/api/settings", { token: t.admin.token, body: { ingestShards: 1 } })).status).toBe(200);
    expect(await dueRows(t.id)).toBe(0);
    advanceClock(7 * MINUTE);
    await runHubAlarm(t.id); // the room's sweep; offlineAlerts' settle syncs what it raised
    // The same vehicle silent again within the rule's cooldown: the one alert reopens, raised by the room.
    const [alert, ...others] = await offlineAlerts(t);
    expect(others).toEqual([]);
    expect(alert).toMatchObject({ status: "open", occurrences: 2, clearedAt: null });
  });
});
