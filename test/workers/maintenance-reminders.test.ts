/// <reference path="../stand-ins/env.d.ts" />
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runJob } from "../../worker/notifications/consumer";
import { planReminders } from "../../worker/notifications/reminders";
import { countD1Writes } from "./d1-writes";
import type { ReminderSpec } from "../../worker/notifications/message";
import { addVehicles, call, countRows, createTenant, type TestTenant } from "./helpers";
import { drainQueue, driveTime, freezeClock, runHubAlarm } from "./drive";
import { deliveriesOf, prefs, received, staffWithPhone } from "./notification-helpers";

// Reminder jobs wait on the notification queue until a test drains it (see drive.ts).
driveTime();

type Json = any;

const sweep = async (tenant: TestTenant) =>
  (await (await call("POST", "/api/maintenance/sweep", { token: tenant.admin.token })).json()) as Json;
const remindersOf = async (tenant: TestTenant) => (await deliveriesOf(tenant)).filter((d) => (d as Json).topic?.startsWith("maintenance:"));

describe("maintenance reminders through the notification pipeline", { timeout: 30_000 }, () => {
  it("reminders queued: a plan falling due notifies managers once by their preferences, then the assigned technician when overdue", async () => {
    const tenant = await createTenant();
    const { "R-1": vehicle } = await addVehicles(tenant, ["R-1"], { odometerKm: 9_500 });
    await addVehicles(tenant, ["R-2"], { odometerKm: 100 });
    // Due soon is `medium`, overdue `high` in the recipients' preferences.
    const manager = await staffWithPhone(tenant, "manager", prefs({ medium: ["email", "inapp"], high: ["email", "sms"] }));
    const techUser = await staffWithPhone(tenant, "technician", prefs({ medium: ["sms"], high: ["sms"] }));
    const planRes = await call("POST", "/api/maintenance/plans", {
      token: tenant.admin.token,
      body: { name: "Oil change", everyKm: 10_000, dueSoonKm: 1_000, durationMinutes: 60 },
    });
    const plan = (await planRes.json()) as Json;

    const first = await sweep(tenant);
    expect(first.transitions).toEqual([{ vehicleId: vehicle!.id, planId: plan.id, from: "ok", to: "due_soon" }]);
    const topic = `maintenance:${plan.id}:${vehicle!.id}:start:due_soon`;

    // The email reaches SendGrid's stand-in naming the vehicle, the plan and when it is due.
    await drainQueue();
    const [mail] = await received("email", { to: manager.email });
    expect(mail!.subject).toBe("Service due soon: Unit R-1 — Oil change");
    expect(mail!.text).toContain("Oil change for Unit R-1 is due soon: due at 10,000 km (500 km left)");
    // Manager: email + in-app; the admin (default preferences): in-app. The technician is not
    // assigned yet, and the vehicle that is fine gets nothing.
    const rows = await remindersOf(tenant);
    expect(rows.map((d) => d.status)).toEqual(["sent", "sent", "sent"]);
    expect(
      rows.map((d) => `${d.userId === manager.id ? "manager" : d.userId === tenant.admin.id ? "admin" : d.userId}:${d.channel}`).sort(),
    ).toEqual(["admin:inapp", "manager:email", "manager:inapp"]);
    expect(rows.every((d: Json) => d.topic === topic && d.alertId === null)).toBe(true);
    const inbox = (await (await call("GET", "/api/me/inbox", { token: manager.token })).json()) as Json;
    expect(inbox.items).toEqual([expect.objectContaining({ alertId: null, title: "Service due soon: Unit R-1 — Oil change" })]);

    // The second sweep sees no transition; re-running the very same reminder job (a redelivery,
    // or a sweep that died before storing the statuses) plans nothing new and sends nothing twice.
    expect((await sweep(tenant)).transitions).toEqual([]);
    const stored = await env.DB.prepare("SELECT message FROM deliveries WHERE tenant_id = ? AND topic = ? LIMIT 1")
      .bind(tenant.id, topic)
      .first<{ message: string }>();
    await runJob(env, { type: "maintenance.reminder", tenantId: tenant.id, reminder: JSON.parse(stored!.message) as ReminderSpec });
    await env.DB.prepare("DELETE FROM maintenance_due_states WHERE tenant_id = ?").bind(tenant.id).run();
    expect((await sweep(tenant)).transitions).toHaveLength(1);
    await drainQueue();
    expect(await countRows("deliveries", "tenant_id = ? AND topic LIKE 'maintenance:%'", tenant.id)).toBe(3);
    expect(await received("email", { to: manager.email })).toHaveLength(1);
    expect(await countRows("inbox_items", "tenant_id = ? AND user_id = ?", tenant.id, manager.id)).toBe(1);

    // Assign the plan work order's technician; once overdue, its linked user is told too.
    const tech = (await (
      await call("POST", "/api/technicians", {
        token: tenant.admin.token,
        body: { name: "Ana", userId: techUser.id, skills: [], shifts: [], timeZone: "UTC" },
      })
    ).json()) as Json;
    const workOrderId = first.created[0].id;
    expect(
      (await call("PATCH", `/api/work-orders/${workOrderId}`, { token: tenant.admin.token, body: { technicianId: tech.id } })).status,
    ).toBe(200);
    await call("PATCH", `/api/vehicles/${vehicle!.id}`, { token: tenant.admin.token, body: { odometerKm: 10_100 } });
    expect((await sweep(tenant)).transitions).toEqual([{ vehicleId: vehicle!.id, planId: plan.id, from: "due_soon", to: "overdue" }]);
    await drainQueue();
    const [sms] = await received("sms", { to: techUser.phone });
    expect(sms!.body).toContain("Service overdue: Unit R-1 — Oil change");
    expect(sms!.body).toContain("100 km past");
    const [managerSms] = await received("sms", { to: manager.phone });
    expect(managerSms!.body).toContain("Unit R-1");
    const overdue = (await remindersOf(tenant)).filter((d: Json) => d.topic.endsWith(":overdue"));
    expect(
      overdue.map((d) => `${d.userId === manager.id ? "manager" : d.userId === techUser.id ? "tech" : "admin"}:${d.channel}`).sort(),
    ).toEqual(["admin:inapp", "manager:email", "manager:sms", "tech:sms"]);
  });

  it("holds a reminder during the recipient's quiet hours (not critical) and keeps tenants apart", async () => {
    const [tenant, other] = [await createTenant(), await createTenant()];
    await addVehicles(tenant, ["Q-1"], { odometerKm: 9_900 });
    const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
    const quiet = { start: hhmm(Date.now() - 3_600_000), end: hhmm(Date.now() + 2 * 3_600_000), timeZone: "UTC" };
    const manager = await staffWithPhone(tenant, "manager", prefs({ medium: ["email"] }, quiet));
    const otherManager = await staffWithPhone(other, "manager", prefs({ medium: ["email"] }));
    await call("POST", "/api/maintenance/plans", {
      token: tenant.admin.token,
      body: { name: "Tyres", everyKm: 10_000, dueSoonKm: 500, durationMinutes: 30 },
    });
    await sweep(tenant);
    await drainQueue();
    const row = (await remindersOf(tenant)).find((d) => d.channel === "email")!;
    expect(row.userId).toBe(manager.id);
    expect(row.status).toBe("queued");
    expect(Date.parse(row.dueAt!)).toBeGreaterThan(Date.now() + 60_000);
    expect(await received("email", { to: manager.email })).toEqual([]);
    expect(await remindersOf(other)).toEqual([]);
    expect(await received("email", { to: otherManager.email })).toEqual([]);
  });

  it("the tenant's alarm reminds of a time-based plan falling due with no telemetry at all", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["T-1"]);
    const manager = await staffWithPhone(tenant, "manager", prefs({ medium: ["email"] }));
    await call("POST", "/api/maintenance/plans", {
      token: tenant.admin.token,
      body: { name: "Annual inspection", everyDays: 30, dueSoonDays: 3, durationMinutes: 120 },
    });
    freezeClock(Date.now() + 28 * 86_400_000);
    await runHubAlarm(tenant.id); // the maintenance job of its schedule (docs/time-driven-work.md)
    await drainQueue();
    const [mail] = await received("email", { to: manager.email });
    expect(mail!.subject).toBe("Service due soon: Unit T-1 — Annual inspection");
    expect(mail!.text).toMatch(/due on \d{4}-\d{2}-\d{2} \(2(\.\d)? days left\)/);
  });

  it("planning reminders is two D1 round trips however many they are and tell on however many channels", async () => {
    const tenant = await createTenant();
    const vehicles = await addVehicles(tenant, ["P-1", "P-2"], { odometerKm: 9_900 });
    for (const channels of [
      ["email", "inapp"],
      ["sms", "inapp"],
      ["email", "sms", "inapp"],
    ])
      await staffWithPhone(tenant, "manager", prefs({ medium: channels }));
    const spec = (vehicle: { id: string; name: string }) =>
      ({
        kind: "maintenance.reminder",
        topic: `maintenance:test:${vehicle.id}:due_soon`,
        vehicleId: vehicle.id,
        vehicleName: vehicle.name,
        planId: "plan_none",
        planName: "Oil change",
        status: "due_soon",
        severity: "medium",
        dueAtKm: 10_000,
        dueAtEngineHours: null,
        dueDate: null,
        remainingKm: 100,
        remainingEngineHours: null,
        remainingDays: null,
        forecastDate: null,
      }) as ReminderSpec;
    let planned = 0;
    const counted = await countD1Writes(
      async () => void (planned = (await planReminders(env, tenant.id, [spec(vehicles["P-1"]!), spec(vehicles["P-2"]!)])).planned.length),
    );
    // Each reminder's audience with their preferences and push subscriptions in one batch; every row and inbox item in one more.
    expect(counted.calls).toBe(2);
    expect(planned).toBe(8); // per reminder the managers' email and SMS rows (1 + 1 + 2); in-app is told at once
    expect(await countRows("inbox_items", "tenant_id = ?", tenant.id)).toBe(8); // per reminder the managers and the admin
  });
});
