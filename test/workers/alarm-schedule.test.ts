/// <reference path="../stand-ins/env.d.ts" />
import { createExecutionContext, createScheduledController, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import worker from "../../worker/index";
import { addVehicles, call, countRows, createTenant, isoAt, login, postTelemetry } from "./helpers";
import { drainQueue, driveTime, freezeClock, runHubAlarm } from "./drive";
import { prefs, received, staffWithPhone } from "./notification-helpers";

// The tenant's alarm and the notification queue run when a test says so (see drive.ts).
driveTime();

const DAY = 86_400_000;
const hubOf = (tenantId: string) => env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenantId));
const alarmOf = (tenantId: string) => runInDurableObject(hubOf(tenantId), (_hub, state) => state.storage.getAlarm());

describe("every time-driven job runs on the tenant's alarm", { timeout: 30_000 }, () => {
  it("a days-based plan falling due produces its reminder from the alarm, with no cron call", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["T-1"]);
    const manager = await staffWithPhone(tenant, "manager", prefs({ medium: ["email"] }));
    const plan = await call("POST", "/api/maintenance/plans", {
      token: tenant.admin.token,
      body: { name: "Annual inspection", everyDays: 30, dueSoonDays: 3, durationMinutes: 120 },
    });
    expect(plan.status).toBe(201);
    // The maintenance job is on the object's schedule, at most a minute away.
    const alarm = await alarmOf(tenant.id);
    expect(alarm).not.toBeNull();
    expect(alarm! - Date.now()).toBeLessThanOrEqual(60_000);

    freezeClock(Date.now() + 28 * DAY);
    await runHubAlarm(tenant.id);
    // The job is due again a minute later.
    expect((await alarmOf(tenant.id))! - Date.now()).toBeLessThanOrEqual(60_000);
    await drainQueue();
    const [mail] = await received("email", { to: manager.email });
    expect(mail!.subject).toBe("Service due soon: Unit T-1 — Annual inspection");
  });

  it("a tenant whose alarm was deleted is re-armed by the cron backstop, which logs it as overdue", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["C-1"]);
    await runInDurableObject(hubOf(tenant.id), (_hub, state) => state.storage.deleteAlarm());
    expect(await alarmOf(tenant.id)).toBeNull();
    const warn = vi.spyOn(console, "warn");

    const ctx = createExecutionContext();
    await worker.scheduled!(createScheduledController({ scheduledTime: Date.now(), cron: "*/5 * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);

    expect(await alarmOf(tenant.id)).not.toBeNull();
    const logged = warn.mock.calls.map((c) => String(c[0])).find((line) => line.includes('"alarm.backstop"'));
    expect(JSON.parse(logged!).overdue).toContainEqual({ tenantId: tenant.id, alarmAt: null });
    warn.mockRestore();
  });

  it("retention prunes old raw batches, old resolved alerts and old audit entries, and keeps the rest", async () => {
    const tenant = await createTenant();
    const { "P-1": vehicle } = await addVehicles(tenant, ["P-1", "P-2"]);
    const oilDrop = (id: string) => [0, 10].map((s) => ({ vehicleId: id, ts: isoAt(s), readings: { oilPressureKpa: 60 } }));
    expect((await postTelemetry(tenant, { events: oilDrop("P-1") })).status).toBe(202);
    expect((await postTelemetry(tenant, { events: oilDrop("P-2") })).status).toBe(202);
    await runHubAlarm(tenant.id);
    const alerts = (await (await call("GET", "/api/alerts", { token: tenant.admin.token })).json()) as {
      items: { id: string; vehicleId: string }[];
    };
    const old = alerts.items.find((a) => a.vehicleId === vehicle!.id)!;
    expect((await call("POST", `/api/alerts/${old.id}/resolve`, { token: tenant.admin.token, body: {} })).status).toBe(200);
    await runHubAlarm(tenant.id);
    expect(await countRows("audit_log", "tenant_id = ?", tenant.id)).toBeGreaterThan(0);

    // 40 days later: the raw batches (8 days) and the resolved alert (30 days) are past retention;
    // the open alert stays however old it is; the audit log (365 days) is pruned only a year on.
    freezeClock(Date.now() + 40 * DAY);
    await runInDurableObject(hubOf(tenant.id), (_hub, state) =>
      state.storage.sql.exec("UPDATE schedule SET due_at = 0 WHERE job = 'retention'"),
    );
    await runHubAlarm(tenant.id);
    const left = await runInDurableObject(hubOf(tenant.id), (_hub, state) => ({
      batches: state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM ingested_batches").one().n,
      alerts: state.storage.sql
        .exec<{ id: string }>("SELECT id FROM alerts")
        .toArray()
        .map((r) => r.id),
    }));
    expect(left.batches).toBe(0);
    expect(left.alerts).toHaveLength(1);
    expect(left.alerts).not.toContain(old.id);
    // The API still serves it, from D1.
    const { token } = await login(tenant.slug, tenant.admin.email, tenant.admin.password);
    const served = await call("GET", `/api/alerts/${old.id}`, { token });
    expect(served.status).toBe(200);
    expect(((await served.json()) as { status: string }).status).toBe("resolved");
    expect(await countRows("audit_log", "tenant_id = ?", tenant.id)).toBeGreaterThan(0);

    freezeClock(Date.now() + 366 * DAY);
    await runInDurableObject(hubOf(tenant.id), (_hub, state) =>
      state.storage.sql.exec("UPDATE schedule SET due_at = 0 WHERE job = 'retention'"),
    );
    await runHubAlarm(tenant.id);
    expect(await countRows("audit_log", "tenant_id = ?", tenant.id)).toBe(0);
  });
});
