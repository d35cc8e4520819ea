/// <reference path="../stand-ins/env.d.ts" />
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runJob } from "../../worker/notifications/consumer";
import { addVehicles, call, createTenant, isoAt, postTelemetry, type TestTenant } from "./helpers";
import { driveTime, settleTenant } from "./drive";
import { deliveriesOf, prefs, received, staffWithPhone } from "./notification-helpers";

driveTime();

const allDay = { start: "00:00", end: "23:59", timeZone: "UTC" };
const dtc = (externalId: string, s: number) => ({ vehicleId: externalId, ts: isoAt(s), readings: {}, dtc: ["P0217"] });

/** A high alert whose SMS is held for the manager's quiet hours; returns the held delivery. */
async function heldSms(tenant: TestTenant, externalId: string) {
  await call("PUT", "/api/settings", { token: tenant.admin.token, body: { groupWaitSeconds: 0 } });
  const manager = await staffWithPhone(tenant, "manager", prefs({ high: ["sms"] }, allDay));
  expect((await postTelemetry(tenant, { events: [dtc(externalId, 0)] })).status).toBe(202);
  await settleTenant(tenant.id);
  const held = (await deliveriesOf(tenant, `&userId=${manager.id}&channel=sms`))[0]!;
  expect(held.status).toBe("queued");
  return { manager, held, quietEnd: Date.parse(held.dueAt!) };
}

const statusOf = async (tenant: TestTenant, id: string) => (await deliveriesOf(tenant)).find((d) => d.id === id)!;

describe("cancellation of unsent deliveries", { timeout: 30_000 }, () => {
  it("acknowledging during quiet hours cancels the held SMS; it never reaches Twilio", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["C-1"]);
    const { manager, held, quietEnd } = await heldSms(tenant, "C-1");
    expect((await call("POST", `/api/alerts/${held.alertId}/ack`, { token: tenant.admin.token, body: {} })).status).toBe(200);
    expect(await statusOf(tenant, held.id)).toMatchObject({ status: "cancelled", lastError: "Cancelled: the alert was acknowledged" });

    // The queue brings the held job back when quiet hours end: nothing is sent.
    await runJob(env, { type: "deliver", tenantId: tenant.id, deliveryId: held.id }, quietEnd + 1000);
    expect(await received("sms", { to: manager.phone })).toEqual([]);
    expect((await statusOf(tenant, held.id)).status).toBe("cancelled");
  });

  it("resolving cancels it too", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["C-2"]);
    const { manager, held, quietEnd } = await heldSms(tenant, "C-2");
    expect((await call("POST", `/api/alerts/${held.alertId}/resolve`, { token: tenant.admin.token, body: {} })).status).toBe(200);
    expect(await statusOf(tenant, held.id)).toMatchObject({ status: "cancelled", lastError: "Cancelled: the alert was resolved" });
    await runJob(env, { type: "deliver", tenantId: tenant.id, deliveryId: held.id }, quietEnd + 1000);
    expect(await received("sms", { to: manager.phone })).toEqual([]);
  });

  it("a silence created after the alert cancels it at once, or at send time when it starts later", async () => {
    const tenant = await createTenant();
    const { "C-3": now3, "C-4": later4 } = await addVehicles(tenant, ["C-3", "C-4"]);
    const { manager, held, quietEnd } = await heldSms(tenant, "C-3");
    const silence = (vehicleId: string, startsAt: number) =>
      call("POST", "/api/silences", {
        token: tenant.admin.token,
        body: {
          matchers: { vehicleId },
          startsAt: new Date(startsAt).toISOString(),
          endsAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
          comment: "in the workshop",
        },
      });
    expect((await silence(now3!.id, Date.now() - 1000)).status).toBe(201);
    expect(await statusOf(tenant, held.id)).toMatchObject({ status: "cancelled", lastError: "Cancelled: the alert is silenced" });

    // A silence that starts after now but before the quiet hours end: checked when the SMS is due.
    expect((await postTelemetry(tenant, { events: [dtc("C-4", 50)] })).status).toBe(202);
    await settleTenant(tenant.id);
    const second = (await deliveriesOf(tenant, `&userId=${manager.id}&channel=sms`)).find((d) => d.id !== held.id)!;
    expect(second).toBeDefined();
    expect((await silence(later4!.id, Date.now() + 60_000)).status).toBe(201);
    expect((await statusOf(tenant, second.id)).status).toBe("queued");
    await runJob(env, { type: "deliver", tenantId: tenant.id, deliveryId: second.id }, quietEnd + 1000);
    expect(await statusOf(tenant, second.id)).toMatchObject({ status: "cancelled", lastError: "Cancelled: the alert is silenced" });
    expect(await received("sms", { to: manager.phone })).toEqual([]);
  });
});
