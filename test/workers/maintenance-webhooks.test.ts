/// <reference path="../stand-ins/env.d.ts" />
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addVehicles, call, createTenant, type TestTenant } from "./helpers";
import { drainQueue, driveTime } from "./drive";
import { deliveriesOf, received, standIn } from "./notification-helpers";

const H = 3_600_000;
const DAY = 24 * H;
type Json = any;
const TOMORROW = Math.floor(Date.now() / DAY + 1) * DAY;
const at = (hours: number) => new Date(TOMORROW + hours * H).toISOString();
const everyDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: "06:00", end: "18:00" }));

// Webhook delivery jobs wait on the notification queue until a test drains it (see drive.ts).
driveTime();

/** A stand-in receiver registered as the tenant's outbound webhook for `events`, sharing its secret. */
async function receiver(tenant: TestTenant, events: string[]) {
  const hook = (await (await standIn("/__webhooks", { method: "POST", body: "{}" })).json()) as { id: string; url: string };
  const res = await call("POST", "/api/integrations/webhooks", { token: tenant.admin.token, body: { url: hook.url, events } });
  expect(res.status, await res.clone().text()).toBe(201);
  const created = (await res.json()) as { id: string; secret: string };
  await standIn("/__webhooks", { method: "POST", body: JSON.stringify({ id: hook.id, secret: created.secret }) });
  return { receiverId: hook.id, webhookId: created.id };
}

async function patch(tenant: TestTenant, id: string, payload: unknown) {
  const res = await call("PATCH", `/api/work-orders/${id}`, { token: tenant.admin.token, body: payload });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Json;
}

describe("workorder.* customer webhooks", { timeout: 30_000 }, () => {
  it("sends signed workorder.created and workorder.updated (schedule, status, completion with cost) to subscribed endpoints only", async () => {
    const tenant = await createTenant();
    const { "WO-1": vehicle } = await addVehicles(tenant, ["WO-1"]);
    const erp = await receiver(tenant, ["workorder.created", "workorder.updated"]);
    const createdOnly = await receiver(tenant, ["workorder.created"]);
    const alertsOnly = await receiver(tenant, ["alert.created"]);
    const tech = (await (
      await call("POST", "/api/technicians", {
        token: tenant.admin.token,
        body: { name: "Ana", skills: ["general"], shifts: everyDay, timeZone: "UTC" },
      })
    ).json()) as Json;

    const res = await call("POST", "/api/work-orders", {
      token: tenant.admin.token,
      body: { vehicleId: vehicle!.id, title: "Brake pads", priority: "high" },
    });
    expect(res.status).toBe(201);
    const wo = (await res.json()) as Json;
    await patch(tenant, wo.id, { technicianId: tech.id, scheduledStart: at(8), scheduledEnd: at(9) });
    await patch(tenant, wo.id, { status: "in_progress" });
    await patch(tenant, wo.id, { status: "completed", costCents: 48_900, notes: "Front pads" });

    // The stand-in only records requests whose Standard Webhooks signature verifies with the secret.
    await drainQueue();
    const hooks = await received("webhook", { id: erp.receiverId });
    expect(hooks).toHaveLength(4);
    const byStatus = new Map(hooks.map((h) => [h.body.data.status, h]));
    expect(byStatus.get("open")!.body).toMatchObject({
      type: "workorder.created",
      data: { id: wo.id, vehicleId: vehicle!.id, title: "Brake pads", priority: "high", source: "manual" },
    });
    expect(byStatus.get("scheduled")!.body).toMatchObject({
      type: "workorder.updated",
      data: { id: wo.id, technicianId: tech.id, scheduledStart: at(8), scheduledEnd: at(9) },
    });
    expect(byStatus.get("in_progress")!.body.type).toBe("workorder.updated");
    const done = byStatus.get("completed")!.body;
    expect(done).toMatchObject({
      type: "workorder.updated",
      data: { id: wo.id, status: "completed", costCents: 48_900, notes: "Front pads" },
    });
    expect(done.data.completedAt).toEqual(expect.any(String));
    expect(done.data.history.map((h: Json) => h.toStatus)).toEqual(["open", "scheduled", "in_progress", "completed"]);
    expect(Date.parse(done.timestamp)).toBeGreaterThan(0);
    // Each change is its own message: distinct webhook-ids, each the delivery's id.
    expect(new Set(hooks.map((h) => h.webhookId)).size).toBe(4);
    const rows = (await deliveriesOf(tenant, `&topic=workorder:${wo.id}`)).filter((d) => d.status === "sent");
    expect(rows).toHaveLength(5);
    expect(rows.every((d: Json) => d.alertId === null && d.userId === null && d.channel === "webhook")).toBe(true);
    expect(new Set(rows.map((d) => d.id))).toEqual(
      new Set([...hooks.map((h) => h.webhookId), ...(await received("webhook", { id: createdOnly.receiverId })).map((h) => h.webhookId)]),
    );

    // The event filter holds: created-only got exactly the creation, alert-only nothing.
    const created = await received("webhook", { id: createdOnly.receiverId });
    expect(created.map((h) => h.body.type)).toEqual(["workorder.created"]);
    expect(await received("webhook", { id: alertsOnly.receiverId })).toEqual([]);
  });

  it("sends plan work orders from the sweep as workorder.created, and disables an endpoint that answers 410", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["WO-2"], { odometerKm: 9_600 });
    const erp = await receiver(tenant, ["workorder.created", "workorder.updated"]);
    const plan = (await (
      await call("POST", "/api/maintenance/plans", {
        token: tenant.admin.token,
        body: { name: "Oil change", everyKm: 10_000, dueSoonKm: 1_000, durationMinutes: 60 },
      })
    ).json()) as Json;
    const sweep = (await (await call("POST", "/api/maintenance/sweep", { token: tenant.admin.token })).json()) as Json;
    expect(sweep.created).toHaveLength(1);
    await drainQueue();
    const [hook] = await received("webhook", { id: erp.receiverId });
    expect(hook!.body).toMatchObject({
      type: "workorder.created",
      data: { id: sweep.created[0].id, planId: plan.id, source: "plan", status: "open" },
    });

    await standIn("/__gone", { method: "POST", body: JSON.stringify({ path: `/hooks/${erp.receiverId}` }) });
    await patch(tenant, sweep.created[0].id, { status: "cancelled" });
    await drainQueue();
    const row = await env.DB.prepare("SELECT enabled FROM outbound_webhooks WHERE id = ?").bind(erp.webhookId).first<{ enabled: number }>();
    expect(row?.enabled).toBe(0);
    const failed = (await deliveriesOf(tenant, `&topic=workorder:${sweep.created[0].id}`)).find((d) => d.status === "failed");
    expect(failed).toBeDefined();
    // Disabled: the next change is not even planned for it.
    const before = (await deliveriesOf(tenant, "&channel=webhook")).length;
    const res = await call("POST", "/api/work-orders", {
      token: tenant.admin.token,
      body: { vehicleId: sweep.created[0].vehicleId, title: "Wipers", priority: "low" },
    });
    expect(res.status).toBe(201);
    expect((await deliveriesOf(tenant, "&channel=webhook")).length).toBe(before);
  });
});
