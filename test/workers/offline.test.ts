import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addVehicles, call, createTenant, postTelemetry, type TestTenant } from "./helpers";
import { advanceClock, driveTime, freezeClock, runHubAlarm } from "./drive";

/** Offline rules: silence raised from the tenant object's alarm over its due-time table (docs/geofences-and-offline.md). */

// The tenant's alarm runs when a test says so; nothing here calls the cron handler.
driveTime();

const MINUTE = 60_000;
const hubOf = (tenantId: string) => env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenantId));

type AlertJson = { id: string; status: string; occurrences: number; message: string; createdAt: string; clearedAt: string | null };

async function offlineAlerts(tenant: TestTenant) {
  await hubOf(tenant.id).syncNow();
  const res = await call("GET", "/api/alerts?type=vehicle_offline", { token: tenant.admin.token });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: AlertJson[] }).items;
}

/** A fleet of one with an offline rule: 5 minutes of silence, 2 of grace. */
async function fleet(extra: Record<string, unknown> = {}) {
  const tenant = await createTenant();
  const { "OFF-1": vehicle } = await addVehicles(tenant, ["OFF-1"]);
  const rule = await call("POST", "/api/rules", {
    token: tenant.admin.token,
    body: { name: "Vehicle offline", kind: "offline", minutes: 5, graceMinutes: 2, severity: "high", ...extra },
  });
  expect(rule.status).toBe(201);
  return { tenant, vehicleId: vehicle!.id, rule: (await rule.json()) as Record<string, unknown> };
}

async function report(tenant: TestTenant, readings: Record<string, number> = { speedKph: 40 }) {
  const res = await postTelemetry(tenant, { events: [{ vehicleId: "OFF-1", ts: new Date().toISOString(), readings }] });
  expect(res.status).toBe(202);
}

const dueRow = (tenantId: string, vehicleId: string) =>
  runInDurableObject(
    hubOf(tenantId),
    (_hub, state) =>
      state.storage.sql.exec<{ due_at: number }>("SELECT due_at FROM offline_due WHERE vehicle_id = ?", vehicleId).toArray()[0]?.due_at ??
      null,
  );

describe("offline rules", { timeout: 30_000 }, () => {
  it("rule API: kind offline with its fields, defaults for the rest", async () => {
    const { rule } = await fleet({ graceMinutes: undefined });
    expect(rule).toMatchObject({ kind: "offline", minutes: 5, graceMinutes: null, geofenceId: null, threshold: null });
  });

  it("raises after minutes + grace of silence from the alarm alone, and clears on the next report", async () => {
    const start = freezeClock();
    const { tenant, vehicleId } = await fleet();
    await report(tenant);
    // The report armed the vehicle's due row: silence from the event's time plus 5 + 2 minutes.
    expect(await dueRow(tenant.id, vehicleId)).toBe(start + 7 * MINUTE);

    advanceClock(7 * MINUTE - 1000);
    await runHubAlarm(tenant.id);
    expect(await offlineAlerts(tenant)).toEqual([]);

    advanceClock(1000);
    await runHubAlarm(tenant.id);
    const [alert, ...others] = await offlineAlerts(tenant);
    expect(others).toEqual([]);
    expect(alert).toMatchObject({ status: "open", clearedAt: null, message: "Vehicle offline on Unit OFF-1: no report for 5 min" });
    expect(alert!.createdAt).toBe(new Date(start + 7 * MINUTE).toISOString());
    // Raised once: its row is gone until the vehicle reports again.
    expect(await dueRow(tenant.id, vehicleId)).toBeNull();

    advanceClock(3 * MINUTE);
    await report(tenant);
    const [cleared] = await offlineAlerts(tenant);
    expect(cleared).toMatchObject({ id: alert!.id, status: "open", clearedAt: new Date(Date.now()).toISOString() });
    expect(await dueRow(tenant.id, vehicleId)).toBe(Date.now() + 7 * MINUTE);
  });

  it("a drop shorter than minutes + grace raises nothing", async () => {
    freezeClock();
    const { tenant } = await fleet();
    await report(tenant);
    for (let i = 0; i < 3; i++) {
      advanceClock(6.5 * MINUTE); // past `minutes`, inside the grace
      await runHubAlarm(tenant.id);
      await report(tenant);
    }
    await runHubAlarm(tenant.id);
    expect(await offlineAlerts(tenant)).toEqual([]);
  });

  it("a flapping vehicle is one episode: the same alert reopens within the cooldown", async () => {
    freezeClock();
    const { tenant } = await fleet({ cooldownSeconds: 3600 });
    await report(tenant);
    for (let i = 0; i < 3; i++) {
      advanceClock(8 * MINUTE);
      await runHubAlarm(tenant.id);
      await report(tenant);
    }
    const alerts = await offlineAlerts(tenant);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ occurrences: 3, status: "open" });
    expect(alerts[0]!.clearedAt).not.toBeNull();
  });

  it("a vehicle parked with the ignition off is not offline; switching it on re-arms it", async () => {
    freezeClock();
    const { tenant, vehicleId } = await fleet();
    await report(tenant, { ignition: 0 });
    expect(await dueRow(tenant.id, vehicleId)).toBeNull();
    advanceClock(60 * MINUTE);
    await runHubAlarm(tenant.id);
    expect(await offlineAlerts(tenant)).toEqual([]);

    await report(tenant, { ignition: 1 });
    advanceClock(7 * MINUTE);
    await runHubAlarm(tenant.id);
    expect(await offlineAlerts(tenant)).toHaveLength(1);
  });

  it("reports less than a minute apart leave the due row alone (no write per event)", async () => {
    const start = freezeClock();
    const { tenant, vehicleId } = await fleet();
    await report(tenant);
    advanceClock(30_000);
    await report(tenant);
    expect(await dueRow(tenant.id, vehicleId)).toBe(start + 7 * MINUTE); // a little early is harmless: the sweep re-checks
    advanceClock(40_000);
    await report(tenant);
    expect(await dueRow(tenant.id, vehicleId)).toBe(Date.now() + 7 * MINUTE);

    // An alarm at the stale time raises nothing and moves the row to the true due time.
    advanceClock(7 * MINUTE - 70_000);
    await runHubAlarm(tenant.id);
    expect(await offlineAlerts(tenant)).toEqual([]);
  });

  it("a rule created after the vehicle's last report still watches it", async () => {
    freezeClock();
    const tenant = await createTenant();
    await addVehicles(tenant, ["OFF-1"]);
    await report(tenant);
    const rule = await call("POST", "/api/rules", {
      token: tenant.admin.token,
      body: { name: "Vehicle offline", kind: "offline", minutes: 10, severity: "medium" },
    });
    expect(rule.status).toBe(201);
    await runHubAlarm(tenant.id); // sees the new rule and arms every vehicle
    advanceClock(12 * MINUTE); // 10 + the default 2 minutes of grace
    await runHubAlarm(tenant.id);
    expect(await offlineAlerts(tenant)).toHaveLength(1);
  });
});
