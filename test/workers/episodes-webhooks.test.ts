/// <reference path="../stand-ins/env.d.ts" />
import { describe, expect, it } from "vitest";
import { resetBreakers } from "../../worker/notifications/circuit-breaker";
import { advanceClock, driveTime, freezeClock, heldMessages, settleTenant } from "./drive";
import { addVehicles, call, createTenant, isoAt, postTelemetry } from "./helpers";
import { received } from "./notification-helpers";
import { customerEndpoint } from "./notify2-helpers";

/** `alert.updated` to outbound webhooks: queued by the tenant object at the live stream's cadence, never after the resolve. */
driveTime();

/**
 * A tenant with one vehicle, a "Coolant hot" rule (> 100 °C) and an endpoint subscribed to
 * alert.updated and alert.resolved; `post(s, value)` sends one coolant reading at `s` seconds.
 */
async function coolantTenant(vehicle: string, ruleExtra: Record<string, unknown> = {}) {
  resetBreakers();
  freezeClock();
  const tenant = await createTenant();
  await addVehicles(tenant, [vehicle]);
  const rule = await call("POST", "/api/rules", {
    token: tenant.admin.token,
    body: { name: "Coolant hot", metric: "coolantTempC", op: "gt", threshold: 100, severity: "high", ...ruleExtra },
  });
  expect(rule.status).toBe(201);
  const hook = await customerEndpoint(tenant, ["alert.updated", "alert.resolved"]);
  const post = async (s: number, value: number) =>
    expect(
      (await postTelemetry(tenant, { events: [{ vehicleId: vehicle, ts: isoAt(s), readings: { coolantTempC: value } }] })).status,
    ).toBe(202);
  return { tenant, hook, post };
}

describe("alert.updated webhooks from episodes", { timeout: 30_000 }, () => {
  it("an endpoint subscribed while an alert is open gets its next update (the object had found no subscriber)", async () => {
    resetBreakers();
    freezeClock();
    const tenant = await createTenant();
    await addVehicles(tenant, ["W-0"]);
    const rule = { name: "Coolant hot", metric: "coolantTempC", op: "gt", threshold: 100, severity: "high" };
    expect((await call("POST", "/api/rules", { token: tenant.admin.token, body: rule })).status).toBe(201);
    const post = async (s: number, value: number) =>
      expect(
        (await postTelemetry(tenant, { events: [{ vehicleId: "W-0", ts: isoAt(s), readings: { coolantTempC: value } }] })).status,
      ).toBe(202);
    await post(0, 105);
    await settleTenant(tenant.id);
    // An update with no endpoint subscribed: the object queues no alert.updated job for it.
    await post(10, 112);
    advanceClock(5000);
    await settleTenant(tenant.id);

    const hook = await customerEndpoint(tenant, ["alert.updated"]);
    await post(20, 118);
    advanceClock(5000);
    await settleTenant(tenant.id);
    const got = (await received("webhook", { id: hook.receiverId })).map((h) => ({ type: h.type, data: h.body.data }));
    expect(got).toEqual([{ type: "alert.updated", data: expect.objectContaining({ value: 118, peakValue: 118, status: "open" }) }]);
  });

  it("a subscribed endpoint gets the new peak once the held update is due, then alert.resolved, and no update after it", async () => {
    const { tenant, hook, post } = await coolantTenant("W-1");
    const hooks = async () => (await received("webhook", { id: hook.receiverId })).map((h) => ({ type: h.type, data: h.body.data }));

    await post(0, 105);
    await settleTenant(tenant.id); // alert.raised: the endpoint does not take alert.created
    await post(10, 112); // held: within 5 s of the creation
    await settleTenant(tenant.id);
    expect(await hooks()).toEqual([]);

    advanceClock(5000);
    await settleTenant(tenant.id);
    const [update] = await hooks();
    expect(update).toMatchObject({ type: "alert.updated", data: { value: 112, peakValue: 112, lastSeenAt: isoAt(10), status: "open" } });
    const alertId = (update!.data as { id: string }).id;

    // A reading held again, then a resolve by hand: the resolve carries it; no alert.updated is queued for it.
    await post(20, 118);
    expect((await call("POST", `/api/alerts/${alertId}/resolve`, { token: tenant.admin.token, body: {} })).status).toBe(200);
    await settleTenant(tenant.id);
    // After the resolve a reading above the threshold opens a new alert (alert.created, not subscribed); the resolved one takes no update.
    await post(30, 121);
    advanceClock(5000);
    await settleTenant(tenant.id);
    expect(heldMessages(tenant.id)).toEqual([]);
    const got = await hooks();
    expect(got.map((h) => h.type)).toEqual(["alert.updated", "alert.resolved"]);
    expect(got[1]!.data).toMatchObject({ id: alertId, status: "resolved", value: 118, peakValue: 118, lastSeenAt: isoAt(20) });
  });

  it("a clearing and a reopening each reach the endpoint as alert.updated", async () => {
    const { tenant, hook, post } = await coolantTenant("W-2");
    await post(0, 105);
    await settleTenant(tenant.id);
    await post(10, 90); // cleared
    await settleTenant(tenant.id);
    await post(20, 130); // reopened (inside the cooldown)
    await settleTenant(tenant.id);
    const got = (await received("webhook", { id: hook.receiverId })).map((h) => h.body.data as Record<string, unknown>);
    expect(got).toHaveLength(2);
    expect(got[0]).toMatchObject({ clearedAt: isoAt(10), occurrences: 1 });
    expect(got[1]).toMatchObject({ clearedAt: null, occurrences: 2, value: 130, peakValue: 130 });
  });

  it("with autoResolve the clearing reading sends alert.resolved only", async () => {
    const { tenant, hook } = await coolantTenant("W-3", { autoResolve: true });
    const events = [
      { vehicleId: "W-3", ts: isoAt(0), readings: { coolantTempC: 105 } },
      { vehicleId: "W-3", ts: isoAt(10), readings: { coolantTempC: 112 } },
      { vehicleId: "W-3", ts: isoAt(20), readings: { coolantTempC: 95 } },
    ];
    expect((await postTelemetry(tenant, { events })).status).toBe(202);
    await settleTenant(tenant.id);
    const got = await received("webhook", { id: hook.receiverId });
    expect(got.map((h) => h.type)).toEqual(["alert.resolved"]);
    expect(got[0]!.body.data).toMatchObject({ status: "resolved", resolvedBy: null, resolvedAt: isoAt(20), peakValue: 112 });
  });
});
