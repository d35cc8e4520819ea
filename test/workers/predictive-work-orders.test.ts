/**
 * Predictive work orders from the vehicle's component risks: one per vehicle and component while
 * one is active, due by the forecast; their outcomes decide the tenant's reported precision.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { drainQueue, driveTime, runHubAlarm } from "./drive";
import { addVehicles, call, createTenant, isoAt, postTelemetry, type TestTenant } from "./helpers";
import { openLive, settle } from "./live-helpers";
import { received } from "./notification-helpers";
import { customerEndpoint } from "./notify2-helpers";

driveTime();

interface WorkOrderJson {
  id: string;
  vehicleId: string;
  alertId: string | null;
  source: string;
  status: string;
  priority: string;
  component: string | null;
  dueDate: string | null;
  outcome: string | null;
  createdAt: string;
}

const DAY = 86_400_000;

const workOrdersOf = async (tenant: TestTenant, vehicleId: string) =>
  (
    (await (await call("GET", `/api/work-orders?vehicleId=${vehicleId}&limit=100`, { token: tenant.admin.token })).json()) as {
      items: WorkOrderJson[];
    }
  ).items;

/** The default fault-code rule's alerts: with the engine risk high, each proposes the engine's work order. */
const faultCodeAlerts = async (tenant: TestTenant) =>
  (
    (await (await call("GET", "/api/alerts?type=diagnostic_trouble_code&limit=100", { token: tenant.admin.token })).json()) as {
      items: { id: string; vehicleId: string; ruleId: string; status: string; occurrences: number }[];
    }
  ).items;

const riskOf = async (tenant: TestTenant, vehicleId: string) =>
  (await (await call("GET", `/api/vehicles/${vehicleId}/risk`, { token: tenant.admin.token })).json()) as {
    components: { component: string; score: number; score7d: number; dueDate: string | null }[];
  };

/** A minute of ordinary driving at 1 event / 5 s, with `extra` readings and codes on every event. */
const minute = (externalId: string, from: number, extra: Record<string, number> = {}, dtc?: string[]) =>
  Array.from({ length: 12 }, (_, k) => ({
    vehicleId: externalId,
    ts: isoAt(from + k * 5),
    readings: { speedKph: 60, rpm: 2200, coolantTempC: 89, batteryV: 14.1, brakePadMm: 8, tirePressureKpa: 690, ...extra },
    ...(dtc ? { dtc } : {}),
  }));

const patch = (tenant: TestTenant, id: string, body: unknown) =>
  call("PATCH", `/api/work-orders/${id}`, { token: tenant.admin.token, body });

/** open → scheduled → in_progress → completed, with what the workshop found. */
async function complete(tenant: TestTenant, id: string, outcome: "failure_confirmed" | "no_fault_found") {
  const start = new Date(Date.now() + DAY).toISOString();
  const end = new Date(Date.now() + DAY + 3_600_000).toISOString();
  expect((await patch(tenant, id, { scheduledStart: start, scheduledEnd: end })).status).toBe(200);
  expect((await patch(tenant, id, { status: "in_progress" })).status).toBe(200);
  const done = await patch(tenant, id, { status: "completed", outcome });
  expect(done.status).toBe(200);
  return (await done.json()) as WorkOrderJson;
}

describe("predictive work orders from component risks", { timeout: 90_000 }, () => {
  it("opens one due-dated work order per vehicle and component while one is active, however many events follow", async () => {
    const tenant = await createTenant();
    const { "PWO-1": vehicle, "PWO-2": healthy } = await addVehicles(tenant, ["PWO-1", "PWO-2"]);
    // Over-temperature reported: the engine component is high at once.
    expect((await postTelemetry(tenant, { events: minute("PWO-1", 0, {}, ["P0217"]) })).status).toBe(202);
    await postTelemetry(tenant, { events: minute("PWO-2", 0) });
    const before = Date.now();
    await runHubAlarm(tenant.id);

    const first = await workOrdersOf(tenant, vehicle!.id);
    expect(first).toHaveLength(1);
    // The fault-code rule's alert proposes it; the engine component raises no alert of its own.
    const [alert] = await faultCodeAlerts(tenant);
    expect(alert!.vehicleId).toBe(vehicle!.id);
    const predicted = (await (await call("GET", "/api/alerts?type=predictive_failure", { token: tenant.admin.token })).json()) as {
      items: unknown[];
    };
    expect(predicted.items).toEqual([]);
    expect(first[0]).toMatchObject({
      source: "predictive",
      status: "open",
      component: "engine",
      vehicleId: vehicle!.id,
      alertId: alert!.id,
    });
    // No forecast date for a fault code: due sooner the higher the 7-day risk (≥ 0.5 → 2 days).
    const engine = (await riskOf(tenant, vehicle!.id)).components.find((c) => c.component === "engine")!;
    expect(engine.score7d).toBeGreaterThanOrEqual(0.5);
    const due = Date.parse(first[0]!.dueDate!);
    expect(due).toBeGreaterThanOrEqual(before + 2 * DAY);
    expect(due).toBeLessThanOrEqual(Date.now() + 2 * DAY);
    expect(first[0]!.priority).toBe("urgent");
    expect(await workOrdersOf(tenant, healthy!.id)).toHaveLength(0);
    // Its history is the one "open" event, written in the same batch.
    const detail = (await (await call("GET", `/api/work-orders/${first[0]!.id}`, { token: tenant.admin.token })).json()) as {
      history: { fromStatus: string | null; toStatus: string; actorId: string | null }[];
    };
    expect(detail.history).toEqual([expect.objectContaining({ fromStatus: null, toStatus: "open", actorId: null })]);

    // The code stays, more events arrive, the alarm runs after each: still one engine work order.
    for (let round = 1; round <= 3; round++) {
      await postTelemetry(tenant, { events: minute("PWO-1", round * 60, {}, ["P0217"]) });
      await runHubAlarm(tenant.id);
    }
    expect(await workOrdersOf(tenant, vehicle!.id)).toHaveLength(1);

    // A second component at risk on the same vehicle (a charging-system code): its own work order.
    await postTelemetry(tenant, { events: minute("PWO-1", 300, {}, ["P0217", "P0562"]) });
    await runHubAlarm(tenant.id);
    await runHubAlarm(tenant.id); // a retry proposes nothing new
    const both = await workOrdersOf(tenant, vehicle!.id);
    expect(both.map((w) => w.component).sort()).toEqual(["engine"]);
    // P0562 belongs to the engine/DTC component too (codes are one component): still one.
    expect(both).toHaveLength(1);
  });

  it("proposes a new one once the previous one for the component is no longer active", async () => {
    const tenant = await createTenant();
    const { "PWO-3": vehicle } = await addVehicles(tenant, ["PWO-3"]);
    await postTelemetry(tenant, { events: minute("PWO-3", 0, {}, ["P0524"]) });
    await runHubAlarm(tenant.id);
    const [workOrder] = await workOrdersOf(tenant, vehicle!.id);
    expect(workOrder).toMatchObject({ component: "engine", status: "open" });
    const resolveOpenAlert = async () => {
      const open = (await faultCodeAlerts(tenant)).find((a) => a.status !== "resolved")!;
      expect((await call("POST", `/api/alerts/${open.id}/resolve`, { token: tenant.admin.token, body: {} })).status).toBe(200);
    };

    // A new alert about the same component while that work order is active proposes nothing.
    await resolveOpenAlert();
    await postTelemetry(tenant, { events: minute("PWO-3", 60, {}, ["P0524"]) });
    await runHubAlarm(tenant.id);
    expect(await faultCodeAlerts(tenant)).toHaveLength(2);
    expect(await workOrdersOf(tenant, vehicle!.id)).toHaveLength(1);

    expect((await patch(tenant, workOrder!.id, { status: "cancelled" })).status).toBe(200);
    await resolveOpenAlert();
    await postTelemetry(tenant, { events: minute("PWO-3", 120, {}, ["P0524"]) });
    await runHubAlarm(tenant.id);

    const all = await workOrdersOf(tenant, vehicle!.id);
    expect(all).toHaveLength(2);
    expect(all.filter((w) => w.status === "open")).toHaveLength(1);
    expect(new Set(all.map((w) => w.alertId)).size).toBe(2);
  });

  it("streams a proposed work order to staff and sends workorder.created to subscribed endpoints, once", async () => {
    const tenant = await createTenant();
    const { "PWO-5": vehicle } = await addVehicles(tenant, ["PWO-5"]);
    const endpoint = await customerEndpoint(tenant, ["workorder.created"]);
    const alertsOnly = await customerEndpoint(tenant, ["alert.resolved"]);
    const staff = await openLive(tenant.admin.token);
    await postTelemetry(tenant, { events: minute("PWO-5", 0, {}, ["P0217"]) });
    await runHubAlarm(tenant.id);
    const [workOrder] = await workOrdersOf(tenant, vehicle!.id);
    const streamed = (await staff.waitFor((m) => m.type === "workorder.updated")) as unknown as {
      workOrder: WorkOrderJson & { history: unknown[] };
    };
    expect(streamed.workOrder).toMatchObject({ id: workOrder!.id, source: "predictive", component: "engine", status: "open" });
    expect(streamed.workOrder.history).toEqual([expect.objectContaining({ fromStatus: null, toStatus: "open" })]);

    // More events, more alarms: the work order stays the one, and so do its webhook and its stream message.
    await postTelemetry(tenant, { events: minute("PWO-5", 60, {}, ["P0217"]) });
    await runHubAlarm(tenant.id);
    await drainQueue();
    const hooks = await received("webhook", { id: endpoint.receiverId });
    expect(hooks.map((h) => [h.body.type, h.body.data.id, h.body.data.source])).toEqual([
      ["workorder.created", workOrder!.id, "predictive"],
    ]);
    expect(await received("webhook", { id: alertsOnly.receiverId })).toEqual([]);
    await settle(staff);
    expect(staff.messages.filter((m) => m.type === "workorder.updated")).toHaveLength(1);
    staff.close();
  });
});

describe("outcomes of predictive work orders", { timeout: 90_000 }, () => {
  it("records failure confirmed / no fault found at completion and reports the tenant's real precision and lead time", async () => {
    const tenant = await createTenant();
    const ids = ["OUT-1", "OUT-2", "OUT-3"];
    const vehicles = await addVehicles(tenant, ids);
    for (const [i, id] of ids.entries()) await postTelemetry(tenant, { events: minute(id, i * 100, {}, ["P0300"]) });
    await runHubAlarm(tenant.id);
    const [a, b, c] = await Promise.all(ids.map(async (id) => (await workOrdersOf(tenant, vehicles[id]!.id))[0]!));
    expect([a, b, c].every((w) => w?.source === "predictive")).toBe(true);

    const analytics = async () =>
      (await (await call("GET", "/api/analytics/predictive", { token: tenant.admin.token })).json()) as {
        raised: number;
        precision: number | null;
        confirmedRate: number | null;
        leadTimeDays: number | null;
        workOrders: { proposed: number; confirmed: number; noFaultFound: number; cancelled: number; undecided: number };
      };
    // Work orders opened but not decided confirm nothing yet.
    // (Fault codes open them from the fault-code alerts: no predictive alert is raised for the engine.)
    expect(await analytics()).toMatchObject({ raised: 0, precision: null, confirmedRate: null, leadTimeDays: null });
    expect((await analytics()).workOrders).toMatchObject({ proposed: 3, undecided: 3 });

    // An outcome only with completion: refused, nothing changed.
    const early = await patch(tenant, a!.id, { outcome: "failure_confirmed" });
    expect(early.status).toBe(400);
    expect(((await early.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(["outcome"]);
    const bogus = await patch(tenant, a!.id, { outcome: "maybe" });
    expect(bogus.status).toBe(400);
    expect((await workOrdersOf(tenant, vehicles["OUT-1"]!.id))[0]).toMatchObject({ status: "open", outcome: null });

    const noFault = await complete(tenant, a!.id, "no_fault_found");
    expect(noFault).toMatchObject({ status: "completed", outcome: "no_fault_found" });
    expect(await analytics()).toMatchObject({ precision: 0, workOrders: { proposed: 3, noFaultFound: 1, undecided: 2 } });

    await complete(tenant, b!.id, "failure_confirmed");
    const half = await analytics();
    expect(half).toMatchObject({ precision: 0.5, confirmedRate: 0.5, workOrders: { confirmed: 1, noFaultFound: 1 } });
    expect(half.leadTimeDays).toBeGreaterThanOrEqual(0);

    // A cancelled predictive work order counts against the prediction too.
    expect((await patch(tenant, c!.id, { status: "cancelled" })).status).toBe(200);
    expect(await analytics()).toMatchObject({
      precision: 1 / 3,
      workOrders: { confirmed: 1, noFaultFound: 1, cancelled: 1, undecided: 0 },
    });

    // The tenant's object kept both outcomes against the engine component's prediction.
    const hub = env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenant.id));
    const summary = await hub.outcomeSummary(tenant.id);
    expect(summary).toEqual([{ component: "engine", outcomes: 2, confirmed: 1, calibration: null }]);
  });
});
