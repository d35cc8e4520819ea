/// <reference path="../stand-ins/env.d.ts" />
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addVehicles, call, countRows, createTenant, isoAt, postTelemetry, type TestTenant } from "./helpers";
import { advanceClock, driveTime, freezeClock, heldMessages, runHubAlarm } from "./drive";
import { openLive } from "./live-helpers";

// The tenant's alarm and the notification queue run when a test says so (see drive.ts).
driveTime();

type Job = { type: string; alertId?: string; step?: number };

const oilDrop = (externalId: string) => [0, 10].map((s) => ({ vehicleId: externalId, ts: isoAt(s), readings: { oilPressureKpa: 60 } }));
const hubOf = (tenantId: string) => env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenantId));
const pendingSteps = (tenantId: string) =>
  runInDurableObject(hubOf(tenantId), (_hub, state) =>
    state.storage.sql.exec<{ alert_id: string; step: number }>("SELECT alert_id, step FROM escalations").toArray(),
  );
const jobsOf = (tenantId: string, type: string) => (heldMessages(tenantId) as Job[]).filter((j) => j.type === type);

async function criticalPolicy(tenant: TestTenant, steps: unknown[]) {
  expect((await call("PUT", "/api/escalation-policies/critical", { token: tenant.admin.token, body: { steps } })).status).toBe(200);
}

describe("durable handoff: what happens after the batch is saved never loses its alerts", { timeout: 30_000 }, () => {
  it("escalation policies unreadable after the save: 202, broadcast, then synced, notified and escalated by the alarm", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["H-1"]);
    await criticalPolicy(tenant, [{ afterMinutes: 0, roles: ["admin"], channels: ["sms"] }]);
    // The fault: the policy row no longer parses, so ports.escalationPolicies throws.
    await env.DB.prepare("UPDATE escalation_policies SET steps = 'not json' WHERE tenant_id = ?").bind(tenant.id).run();
    const live = await openLive(tenant.admin.token);

    expect((await postTelemetry(tenant, { events: oilDrop("H-1") })).status).toBe(202);
    const broadcast = await live.waitFor((m) => m.type === "alert");
    const alertId = broadcast.alert!.id;

    // The alarm syncs and notifies, then fails on the policy read (the runtime retries it).
    await expect(runHubAlarm(tenant.id)).rejects.toThrow(/JSON/);
    expect(await countRows("alerts", "id = ? AND tenant_id = ?", alertId, tenant.id)).toBe(1);
    expect(jobsOf(tenant.id, "alert.raised")).toEqual([expect.objectContaining({ alertId })]);

    // D1 answers again: the next alarm schedules and fires the escalation nobody lost.
    await env.DB.prepare("UPDATE escalation_policies SET steps = ? WHERE tenant_id = ?")
      .bind(JSON.stringify([{ afterMinutes: 0, roles: ["admin"], channels: ["sms"] }]), tenant.id)
      .run();
    await runHubAlarm(tenant.id);
    expect(jobsOf(tenant.id, "alert.escalated")).toEqual([expect.objectContaining({ alertId, step: 1 })]);
    expect(jobsOf(tenant.id, "alert.raised")).toHaveLength(1); // notified once
    live.close();
  });

  it("the alarm keeps the escalation policies it read until the API changes one", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["H-P1", "H-P2", "H-P3"]);
    await criticalPolicy(tenant, [{ afterMinutes: 10, roles: ["admin"], channels: ["sms"] }]);
    const raise = async (vehicle: string) => {
      expect((await postTelemetry(tenant, { events: oilDrop(vehicle) })).status).toBe(202);
      await runHubAlarm(tenant.id);
    };
    await raise("H-P1");
    expect(await pendingSteps(tenant.id)).toHaveLength(1);
    // Written behind the API's back, the object does not see it: the policies were read once.
    await env.DB.prepare("UPDATE escalation_policies SET steps = '[]' WHERE tenant_id = ?").bind(tenant.id).run();
    await raise("H-P2");
    expect(await pendingSteps(tenant.id)).toHaveLength(2);
    // Through the API, the next new alert is scheduled by the new policy: two steps, not one.
    await criticalPolicy(tenant, [
      { afterMinutes: 10, roles: ["admin"], channels: ["sms"] },
      { afterMinutes: 20, roles: ["admin"], channels: ["sms"] },
    ]);
    await raise("H-P3");
    expect(await pendingSteps(tenant.id)).toHaveLength(4);
  });

  it("a step leaves the schedule only once the queue took its job", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["H-2"]);
    await criticalPolicy(tenant, [{ afterMinutes: 10, roles: ["admin"], channels: ["sms"] }]);
    expect((await postTelemetry(tenant, { events: oilDrop("H-2") })).status).toBe(202);
    await runHubAlarm(tenant.id);
    expect(await pendingSteps(tenant.id)).toHaveLength(1);

    freezeClock(Date.now() + 11 * 60_000);
    const send = env.NOTIFY_QUEUE.sendBatch;
    env.NOTIFY_QUEUE.sendBatch = () => Promise.reject(new Error("queue unavailable"));
    try {
      await expect(runHubAlarm(tenant.id)).rejects.toThrow(/queue unavailable/);
    } finally {
      env.NOTIFY_QUEUE.sendBatch = send;
    }
    expect(await pendingSteps(tenant.id)).toHaveLength(1);
    await runHubAlarm(tenant.id);
    expect(await pendingSteps(tenant.id)).toEqual([]);
    expect(jobsOf(tenant.id, "alert.escalated")).toHaveLength(1);
  });

  it("a silence added after the alert: its pending escalation step is dropped and never fires", async () => {
    const tenant = await createTenant();
    const { "S-1": vehicle } = await addVehicles(tenant, ["S-1", "S-2"]);
    await criticalPolicy(tenant, [{ afterMinutes: 10, roles: ["admin"], channels: ["sms"] }]);
    expect((await postTelemetry(tenant, { events: [...oilDrop("S-1"), ...oilDrop("S-2")] })).status).toBe(202);
    await runHubAlarm(tenant.id);
    expect(await pendingSteps(tenant.id)).toHaveLength(2);

    const silence = await call("POST", "/api/silences", {
      token: tenant.admin.token,
      body: {
        matchers: { vehicleId: vehicle!.id },
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: isoAt(7_200 * 2),
        comment: "road test",
      },
    });
    expect(silence.status).toBe(201);
    const left = await pendingSteps(tenant.id);
    expect(left).toHaveLength(1); // only the other vehicle's alert still escalates

    freezeClock();
    advanceClock(11 * 60_000);
    await runHubAlarm(tenant.id);
    const escalated = jobsOf(tenant.id, "alert.escalated");
    expect(escalated).toEqual([expect.objectContaining({ alertId: left[0]!.alert_id })]);
  });
});
