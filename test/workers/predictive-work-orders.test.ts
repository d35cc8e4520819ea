import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import engineFixture from "../../models/fixtures/cmapss-fd001.json";
import { addVehicles, call, createTenant, isoAt, postTelemetry, type TestTenant } from "./helpers";

interface WorkOrderJson {
  id: string;
  vehicleId: string;
  alertId: string | null;
  source: string;
  status: string;
  priority: string;
}

/** Runs the tenant object's alarm now: D1 sync, notification jobs, predictive work-order proposals. */
const runAlarm = (tenantId: string) => runInDurableObject(env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenantId)), (hub) => hub.alarm());

const workOrdersOf = async (tenant: TestTenant, vehicleId: string) =>
  (
    (await (await call("GET", `/api/work-orders?vehicleId=${vehicleId}&limit=100`, { token: tenant.admin.token })).json()) as {
      items: WorkOrderJson[];
    }
  ).items;

const predictiveAlerts = async (tenant: TestTenant) =>
  (
    (await (await call("GET", "/api/alerts?type=predictive_failure", { token: tenant.admin.token })).json()) as {
      items: { id: string; vehicleId: string; status: string; occurrences: number }[];
    }
  ).items;

// An engine near failure (the fixture case whose Node score is highest): its window scores over the threshold.
const nearFailure = engineFixture.cases.reduce((a, b) => (b.expected.pFail30 > a.expected.pFail30 ? b : a));
const engineEvents = (externalId: string, from: number) =>
  nearFailure.window.map((readings, i) => ({ vehicleId: externalId, ts: isoAt(from + i), readings }));
// An AI4I reading inside the overstrain region (the per-reading classifier's second predictive rule).
const overstrain = { productType: 0, airTempK: 298.3, processTempK: 308.1, rpm: 1412, torqueNm: 52.3, toolWearMin: 218 };

describe("predictive work orders from predictive_failure alerts", { timeout: 60_000 }, () => {
  it("opens exactly one predictive work order per vehicle while one is active, however many events follow", async () => {
    expect(nearFailure.expected.pFail30).toBeGreaterThan(0.5);
    const tenant = await createTenant();
    const { "PWO-1": vehicle, "PWO-2": healthy } = await addVehicles(tenant, ["PWO-1", "PWO-2"]);

    expect((await postTelemetry(tenant, { events: engineEvents("PWO-1", 0) })).status).toBe(202);
    await postTelemetry(tenant, { events: [{ vehicleId: "PWO-2", ts: isoAt(0), readings: { speedKph: 50 } }] });
    await runAlarm(tenant.id);
    const first = await workOrdersOf(tenant, vehicle!.id);
    expect(first).toHaveLength(1);
    const [alert] = await predictiveAlerts(tenant);
    expect(first[0]).toMatchObject({ source: "predictive", status: "open", priority: "high", vehicleId: vehicle!.id, alertId: alert!.id });
    expect(await workOrdersOf(tenant, healthy!.id)).toHaveLength(0);

    // More risky events: occurrences of the engine alert, and a second predictive alert from the
    // AI4I classifier on the same vehicle. The alarm runs after each; still one work order.
    for (let round = 1; round <= 3; round++) {
      await postTelemetry(tenant, { events: engineEvents("PWO-1", round * 100).slice(-3) });
      await postTelemetry(tenant, {
        events: [{ vehicleId: "PWO-1", ts: isoAt(round * 100 + nearFailure.window.length), readings: overstrain }],
      });
      await runAlarm(tenant.id);
    }
    const alerts = await predictiveAlerts(tenant);
    expect(alerts.length).toBe(2); // one per predictive rule; repeats are occurrences
    expect(await workOrdersOf(tenant, vehicle!.id)).toHaveLength(1);
    // Running the alarm again (a retry) proposes nothing new.
    await runAlarm(tenant.id);
    expect(await workOrdersOf(tenant, vehicle!.id)).toHaveLength(1);
  });

  it("proposes a new one once the previous predictive work order is no longer active", async () => {
    const tenant = await createTenant();
    const { "PWO-3": vehicle } = await addVehicles(tenant, ["PWO-3"]);
    await postTelemetry(tenant, { events: engineEvents("PWO-3", 0) });
    await runAlarm(tenant.id);
    const [workOrder] = await workOrdersOf(tenant, vehicle!.id);
    expect(workOrder).toBeDefined();

    // The work order is cancelled and the alert resolved; the engine is still degrading.
    const cancel = await call("PATCH", `/api/work-orders/${workOrder!.id}`, { token: tenant.admin.token, body: { status: "cancelled" } });
    expect(cancel.status).toBe(200);
    const [alert] = await predictiveAlerts(tenant);
    expect((await call("POST", `/api/alerts/${alert!.id}/resolve`, { token: tenant.admin.token, body: {} })).status).toBe(200);
    await postTelemetry(tenant, { events: engineEvents("PWO-3", 200).slice(-2) });
    await runAlarm(tenant.id);

    const all = await workOrdersOf(tenant, vehicle!.id);
    expect(all).toHaveLength(2);
    expect(all.filter((w) => w.status === "open")).toHaveLength(1);
    expect(new Set(all.map((w) => w.alertId)).size).toBe(2);
  });
});
