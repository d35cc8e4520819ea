/**
 * Per-tenant retention windows: GET/PUT /api/settings (bounds checked field by field, nothing
 * changed on a rejection, roles), and the hourly `retention` job applying a tenant's own windows.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { RETENTION_DEFAULTS } from "../../durable-objects/retention";
import { addVehicles, call, countRows, createTenant, postTelemetry, userWithRole } from "./helpers";
import { driveTime, freezeClock, runHubAlarm } from "./drive";

driveTime();

const DAY = 86_400_000;
const hubOf = (tenantId: string) => env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenantId));
const settings = async (token: string) => (await (await call("GET", "/api/settings", { token })).json()) as Record<string, any>;

async function runRetention(tenantId: string) {
  await runInDurableObject(hubOf(tenantId), (_hub, state) =>
    state.storage.sql.exec("UPDATE schedule SET due_at = 0 WHERE job = 'retention'"),
  );
  await runHubAlarm(tenantId);
}

const batches = (tenantId: string) =>
  runInDurableObject(hubOf(tenantId), (_hub, state) =>
    state.storage.sql.exec<{ key: string; events: string }>("SELECT key, events FROM ingested_batches").toArray(),
  );

describe("retention settings", { timeout: 30_000 }, () => {
  it("GET shows the documented defaults; PUT changes only the fields it names", async () => {
    const tenant = await createTenant();
    const token = tenant.admin.token;
    expect(await settings(token)).toEqual({
      groupWaitSeconds: 30,
      fallbackChannels: false,
      retention: { ...RETENTION_DEFAULTS },
      ingestShards: 1,
    });

    const put = await call("PUT", "/api/settings", { token, body: { retention: { deliveriesDays: 7, readingsDays: 30 } } });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({
      groupWaitSeconds: 30,
      fallbackChannels: false,
      retention: { ...RETENTION_DEFAULTS, deliveriesDays: 7, readingsDays: 30 },
      ingestShards: 1,
    });
    // A later PUT of another field keeps them.
    expect((await call("PUT", "/api/settings", { token, body: { groupWaitSeconds: 5 } })).status).toBe(200);
    expect(await settings(token)).toEqual({
      groupWaitSeconds: 5,
      fallbackChannels: false,
      retention: { ...RETENTION_DEFAULTS, deliveriesDays: 7, readingsDays: 30 },
      ingestShards: 1,
    });
    // Another tenant is untouched.
    expect((await settings((await createTenant()).admin.token)).retention).toEqual({ ...RETENTION_DEFAULTS });
  });

  it("rejects each bad field by name and changes nothing; only admins and managers", async () => {
    const tenant = await createTenant();
    const token = tenant.admin.token;
    const bad = await call("PUT", "/api/settings", {
      token,
      body: {
        groupWaitSeconds: 10,
        retention: { rawTelemetryDays: 9, readingsDays: 6, auditLogDays: 1.5, inboxItemsDays: "90", extra: 1 },
      },
    });
    expect(bad.status).toBe(400);
    const paths = ((await bad.json()) as { errors: { path: string }[] }).errors.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "retention.rawTelemetryDays",
        "retention.readingsDays",
        "retention.auditLogDays",
        "retention.inboxItemsDays",
        "retention.extra",
      ]),
    );
    expect(paths).not.toContain("groupWaitSeconds");
    expect(await settings(token)).toEqual({
      groupWaitSeconds: 30,
      fallbackChannels: false,
      retention: { ...RETENTION_DEFAULTS },
      ingestShards: 1,
    });

    const technician = await userWithRole(tenant, "technician");
    expect((await call("GET", "/api/settings", { token: technician.token })).status).toBe(403);
    expect((await call("PUT", "/api/settings", { token: technician.token, body: { retention: { deliveriesDays: 7 } } })).status).toBe(403);
    const manager = await userWithRole(tenant, "manager");
    expect((await call("PUT", "/api/settings", { token: manager.token, body: { retention: { deliveriesDays: 8 } } })).status).toBe(200);
  });

  it("the retention job applies the tenant's own windows: raw events, batch keys, audit log", async () => {
    const short = await createTenant();
    const usual = await createTenant();
    for (const tenant of [short, usual]) {
      await addVehicles(tenant, ["K-1"]);
      const res = await postTelemetry(
        tenant,
        { events: [{ vehicleId: "K-1", ts: new Date().toISOString(), readings: { speedKph: 50 } }] },
        { id: `msg_keep_${tenant.id}` },
      );
      expect(res.status).toBe(202);
    }
    const put = await call("PUT", "/api/settings", {
      token: short.admin.token,
      body: { retention: { rawTelemetryDays: 1, auditLogDays: 30 } },
    });
    expect(put.status).toBe(200);
    expect(await countRows("audit_log", "tenant_id = ?", short.id)).toBeGreaterThan(0);

    // A day and a half on: the short tenant's raw events are gone, the batch's key stays (a retry
    // is still a duplicate); the usual tenant (2 days) keeps its events.
    const start = freezeClock(Date.now() + 1.5 * DAY);
    for (const tenant of [short, usual]) await runRetention(tenant.id);
    expect(await batches(short.id)).toEqual([{ key: `std:msg_keep_${short.id}`, events: "[]" }]);
    expect((await batches(usual.id))[0]!.events).not.toBe("[]");
    const retry = await postTelemetry(
      short,
      { events: [{ vehicleId: "K-1", ts: new Date(start - 1.5 * DAY).toISOString(), readings: { speedKph: 50 } }] },
      { id: `msg_keep_${short.id}` },
    );
    expect(await retry.json()).toEqual({ accepted: 0, duplicate: true });

    // 31 days on: the short tenant's audit log (30 days) is pruned, the usual one's (365) is not;
    // both batch keys are past their fixed 8 days.
    freezeClock(start + 30 * DAY);
    for (const tenant of [short, usual]) await runRetention(tenant.id);
    expect(await countRows("audit_log", "tenant_id = ?", short.id)).toBe(0);
    expect(await countRows("audit_log", "tenant_id = ?", usual.id)).toBeGreaterThan(0);
    expect(await batches(short.id)).toEqual([]);
    expect(await batches(usual.id)).toEqual([]);
  });
});
