import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addVehicles, call, countRows, createTenant, isoAt, postTelemetry, userWithRole, type TestTenant } from "./helpers";

const DAY = 86_400_000;
type Json = any;
const body = async (res: Response): Promise<Json> => res.json();

async function createPlan(tenant: TestTenant, plan: Record<string, unknown>) {
  const res = await call("POST", "/api/maintenance/plans", {
    token: tenant.admin.token,
    body: { name: "Oil change", durationMinutes: 60, ...plan },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return body(res);
}

async function due(tenant: TestTenant, query = "", token = tenant.admin.token) {
  const res = await call("GET", `/api/maintenance/due${query}`, { token });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await body(res)).items as Json[];
}

describe("maintenance plans", () => {
  it("creates, lists, reads, patches and deletes plans", async () => {
    const tenant = await createTenant();
    const plan = await createPlan(tenant, { everyKm: 15000, dueSoonKm: 1000, skill: "engine" });
    expect(plan).toMatchObject({
      name: "Oil change",
      everyKm: 15000,
      everyEngineHours: null,
      everyDays: null,
      dueSoonKm: 1000,
      durationMinutes: 60,
      skill: "engine",
      vehicleIds: null,
    });
    const list = await body(await call("GET", "/api/maintenance/plans", { token: tenant.admin.token }));
    expect(list).toEqual({ items: [plan], nextCursor: null });

    const patched = await call("PATCH", `/api/maintenance/plans/${plan.id}`, {
      token: tenant.admin.token,
      body: { everyDays: 180, dueSoonDays: 14 },
    });
    expect(patched.status).toBe(200);
    expect(await body(patched)).toMatchObject({ everyKm: 15000, everyDays: 180, dueSoonDays: 14 });
    expect((await call("GET", `/api/maintenance/plans/${plan.id}`, { token: tenant.admin.token })).status).toBe(200);

    expect((await call("DELETE", `/api/maintenance/plans/${plan.id}`, { token: tenant.admin.token })).status).toBe(204);
    expect((await call("GET", `/api/maintenance/plans/${plan.id}`, { token: tenant.admin.token })).status).toBe(404);
    const audited = await env.DB.prepare(
      "SELECT action FROM audit_log WHERE tenant_id = ? AND action LIKE 'maintenance_plan.%' ORDER BY created_at",
    )
      .bind(tenant.id)
      .all();
    expect(audited.results.map((r) => r.action)).toEqual(["maintenance_plan.create", "maintenance_plan.update", "maintenance_plan.delete"]);
  });

  it("names every bad field: no every*, a threshold without its interval or above it, unknown fields, unknown vehicles — and stores nothing", async () => {
    const tenant = await createTenant();
    const none = await call("POST", "/api/maintenance/plans", {
      token: tenant.admin.token,
      body: { name: "Nothing", durationMinutes: 30 },
    });
    expect(none.status).toBe(400);
    expect(none.headers.get("content-type")).toContain("application/problem+json");
    expect((await body(none)).errors.map((e: Json) => e.path)).toEqual(["everyKm", "everyEngineHours", "everyDays"]);

    const bad = await call("POST", "/api/maintenance/plans", {
      token: tenant.admin.token,
      body: {
        name: "",
        everyKm: -5,
        dueSoonEngineHours: 10,
        dueSoonDays: 40,
        everyDays: 30,
        durationMinutes: 0,
        colour: "red",
        vehicleIds: ["veh_nope"],
      },
    });
    expect(bad.status).toBe(400);
    const paths = (await body(bad)).errors.map((e: Json) => e.path).sort();
    // Cross-field rules are checked too: a threshold without its interval, one not below it.
    expect(paths).toEqual(["colour", "dueSoonDays", "dueSoonEngineHours", "durationMinutes", "everyKm", "name"]);

    const crossField = await call("POST", "/api/maintenance/plans", {
      token: tenant.admin.token,
      body: { name: "X", everyDays: 30, dueSoonDays: 40, dueSoonEngineHours: 10, durationMinutes: 30 },
    });
    expect((await body(crossField)).errors.map((e: Json) => e.path).sort()).toEqual(["dueSoonDays", "dueSoonEngineHours"]);

    const unknownVehicle = await call("POST", "/api/maintenance/plans", {
      token: tenant.admin.token,
      body: { name: "X", everyDays: 30, durationMinutes: 30, vehicleIds: ["veh_nope"] },
    });
    expect(unknownVehicle.status).toBe(404); // an id that names nothing in the tenant (docs/api.md)
    expect((await body(unknownVehicle)).errors).toEqual([{ path: "vehicleIds.0", message: "No such vehicle" }]);
    expect(await countRows("maintenance_plans", "tenant_id = ?", tenant.id)).toBe(0);

    const plan = await createPlan(tenant, { everyKm: 10000 });
    const removeLast = await call("PATCH", `/api/maintenance/plans/${plan.id}`, { token: tenant.admin.token, body: { everyKm: null } });
    expect(removeLast.status).toBe(400);
    expect((await body(removeLast)).errors.map((e: Json) => e.path)).toContain("everyKm");
  });

  it("is for admins and managers, and another tenant's plan is 404", async () => {
    const [a, b] = [await createTenant(), await createTenant()];
    const plan = await createPlan(a, { everyDays: 90 });
    const technician = await userWithRole(a, "technician");
    const manager = await userWithRole(a, "manager");
    expect((await call("GET", "/api/maintenance/plans", { token: technician.token })).status).toBe(403);
    expect((await call("GET", "/api/maintenance/plans", { token: manager.token })).status).toBe(200);
    for (const [method, payload] of [["GET"], ["PATCH", { name: "Mine now" }], ["DELETE"]] as const) {
      const res = await call(method, `/api/maintenance/plans/${plan.id}`, { token: b.admin.token, body: payload });
      expect(res.status, method).toBe(404);
    }
    expect((await body(await call("GET", "/api/maintenance/plans", { token: b.admin.token }))).items).toEqual([]);
  });
});

describe("due status", () => {
  it("reports each (vehicle, plan) pair, null for unused measures, from stored meters or the latest telemetry", async () => {
    const tenant = await createTenant();
    const fleet = await addVehicles(tenant, ["D-1", "D-2"], { odometerKm: 9200, engineHours: 100 });
    const kmPlan = await createPlan(tenant, { everyKm: 10000, dueSoonKm: 1000 });
    const items = await due(tenant, `?planId=${kmPlan.id}`);
    expect(items).toHaveLength(2);
    expect(items.find((i) => i.vehicleId === fleet["D-1"]!.id)).toMatchObject({
      planId: kmPlan.id,
      status: "due_soon",
      dueAtKm: 10000,
      remainingKm: 800,
      dueAtEngineHours: null,
      remainingEngineHours: null,
      dueDate: null,
      remainingDays: null,
    });
    // Telemetry wins over the stored meter: D-2 drove past the due point.
    expect((await postTelemetry(tenant, { events: [{ vehicleId: "D-2", ts: isoAt(0), readings: { odometerKm: 10050.5 } }] })).status).toBe(
      202,
    );
    const after = await due(tenant, `?planId=${kmPlan.id}&vehicleId=${fleet["D-2"]!.id}`);
    expect(after).toEqual([expect.objectContaining({ status: "overdue", remainingKm: -50.5, odometerKm: 10050.5 })]);
    expect((await due(tenant, "?status=overdue")).map((i) => i.vehicleId)).toEqual([fleet["D-2"]!.id]);
  });

  it("makes a time-based plan fall due without any telemetry, counting from the last recorded service", async () => {
    const tenant = await createTenant();
    const { "T-1": vehicle } = await addVehicles(tenant, ["T-1"]);
    const plan = await createPlan(tenant, { name: "Inspection", everyDays: 30, dueSoonDays: 7 });
    const fresh = await due(tenant);
    expect(fresh).toHaveLength(1);
    expect(fresh[0]).toMatchObject({ status: "ok", remainingKm: null, remainingEngineHours: null });
    expect(fresh[0].remainingDays).toBeGreaterThan(29.99);
    expect(Date.parse(fresh[0].dueDate) - Date.parse(plan.createdAt)).toBe(30 * DAY);

    const performedAt = new Date(Date.now() - 40 * DAY).toISOString();
    const record = await call("POST", "/api/maintenance/service-records", {
      token: tenant.admin.token,
      body: { vehicleId: vehicle!.id, planId: plan.id, performedAt },
    });
    expect(record.status).toBe(201);
    const [overdue] = await due(tenant);
    expect(overdue).toMatchObject({
      status: "overdue",
      lastServiceAt: performedAt,
      dueDate: new Date(Date.parse(performedAt) + 30 * DAY).toISOString(),
    });
    expect(overdue.remainingDays).toBeCloseTo(-10, 2);
  });

  it("covers vehicles by type, and forecasts a km plan's due date from the last 30 days of driving", async () => {
    const tenant = await createTenant();
    const fleet = await addVehicles(tenant, ["F-1"], { type: "truck", odometerKm: 3000 });
    await addVehicles(tenant, ["F-2"], { type: "van", odometerKm: 3000 });
    const plan = await createPlan(tenant, { everyKm: 5000, vehicleType: "truck" });
    const truck = fleet["F-1"]!.id;
    // 20 days ago the truck read 1,000 km: 100 km a day, 2,000 km to go → due in about 20 days.
    const then = Date.now() - 20 * DAY;
    await env.DB.prepare(
      "INSERT INTO meter_samples (tenant_id, vehicle_id, day, odometer_km, engine_hours, at) VALUES (?, ?, ?, ?, NULL, ?)",
    )
      .bind(tenant.id, truck, Math.floor(then / DAY), 1000, then)
      .run();
    const items = await due(tenant);
    expect(items.map((i) => i.vehicleId)).toEqual([truck]);
    expect(items[0]).toMatchObject({ planId: plan.id, status: "ok", remainingKm: 2000, remainingDays: null });
    const inDays = (Date.parse(items[0].forecastDate) - Date.now()) / DAY;
    expect(inDays).toBeGreaterThan(19.9);
    expect(inDays).toBeLessThan(20.1);
    // Today's reading was kept as a sample for later forecasts.
    expect(
      await countRows("meter_samples", "tenant_id = ? AND vehicle_id = ? AND day = ?", tenant.id, truck, Math.floor(Date.now() / DAY)),
    ).toBe(1);
  });

  it("is visible to technicians, not drivers, and only for the caller's tenant", async () => {
    const [a, b] = [await createTenant(), await createTenant()];
    await addVehicles(a, ["S-1"]);
    await createPlan(a, { everyDays: 10 });
    const technician = await userWithRole(a, "technician");
    const driver = await userWithRole(a, "driver");
    expect(await due(a, "", technician.token)).toHaveLength(1);
    expect((await call("GET", "/api/maintenance/due", { token: driver.token })).status).toBe(403);
    expect(await due(b)).toEqual([]);
    expect((await call("GET", "/api/maintenance/due?status=late", { token: a.admin.token })).status).toBe(400);
  });
});

describe("plan work orders and completion", () => {
  it("creates a plan work order once when a pair reaches due soon, and reports the transition", async () => {
    const tenant = await createTenant();
    const { "P-1": vehicle } = await addVehicles(tenant, ["P-1"], { odometerKm: 9500 });
    await addVehicles(tenant, ["P-2"], { odometerKm: 100 });
    const plan = await createPlan(tenant, { everyKm: 10000, dueSoonKm: 1000, durationMinutes: 90, skill: "engine" });

    const first = await body(await call("POST", "/api/maintenance/sweep", { token: tenant.admin.token }));
    expect(first.transitions).toEqual([{ vehicleId: vehicle!.id, planId: plan.id, from: "ok", to: "due_soon" }]);
    expect(first.created).toHaveLength(1);
    expect(first.created[0]).toMatchObject({
      vehicleId: vehicle!.id,
      planId: plan.id,
      source: "plan",
      status: "open",
      priority: "normal",
      durationMinutes: 90,
      skill: "engine",
      title: "Oil change",
    });

    const again = await body(await call("POST", "/api/maintenance/sweep", { token: tenant.admin.token }));
    expect(again).toEqual({ created: [], transitions: [] });
    // Even once overdue, the open work order covers it: still one.
    await call("PATCH", `/api/vehicles/${vehicle!.id}`, { token: tenant.admin.token, body: { odometerKm: 10100 } });
    const overdue = await body(await call("POST", "/api/maintenance/sweep", { token: tenant.admin.token }));
    expect(overdue).toEqual({ created: [], transitions: [{ vehicleId: vehicle!.id, planId: plan.id, from: "due_soon", to: "overdue" }] });
    expect(await countRows("work_orders", "tenant_id = ? AND source = 'plan'", tenant.id)).toBe(1);

    // Cancelling it does not bring it back within the same interval.
    await call("PATCH", `/api/work-orders/${first.created[0].id}`, { token: tenant.admin.token, body: { status: "cancelled" } });
    expect((await body(await call("POST", "/api/maintenance/sweep", { token: tenant.admin.token }))).created).toEqual([]);
  });

  it("completing a work order with a plan records the service from the latest telemetry and starts the next interval", async () => {
    const tenant = await createTenant();
    const token = tenant.admin.token;
    const { "C-1": vehicle } = await addVehicles(tenant, ["C-1"], { odometerKm: 1000 });
    const plan = await createPlan(tenant, { everyKm: 10000, dueSoonKm: 500, everyDays: 365 });
    await postTelemetry(tenant, { events: [{ vehicleId: "C-1", ts: isoAt(0), readings: { odometerKm: 10400, engineHours: 321 } }] });
    expect((await due(tenant))[0]).toMatchObject({ status: "overdue", remainingKm: -400 });

    const created = await call("POST", "/api/work-orders", {
      token,
      body: { vehicleId: vehicle!.id, planId: plan.id, title: "Oil change", priority: "high" },
    });
    expect(created.status).toBe(201);
    const workOrder = await body(created);
    expect(workOrder).toMatchObject({ planId: plan.id, durationMinutes: 60, source: "manual", status: "open" });
    const start = Date.now() + DAY;
    const steps = [
      { status: "scheduled", scheduledStart: new Date(start).toISOString(), scheduledEnd: new Date(start + 3_600_000).toISOString() },
      { status: "in_progress" },
      { status: "completed", costCents: 12_345, notes: "Oil and filter" },
    ];
    let last: Json;
    for (const step of steps) {
      const res = await call("PATCH", `/api/work-orders/${workOrder.id}`, { token, body: step });
      expect(res.status, await res.clone().text()).toBe(200);
      last = await body(res);
    }
    expect(last).toMatchObject({ status: "completed", costCents: 12_345, notes: "Oil and filter" });
    expect(last.history.map((h: Json) => `${h.fromStatus}→${h.toStatus}`)).toEqual([
      "null→open",
      "open→scheduled",
      "scheduled→in_progress",
      "in_progress→completed",
    ]);

    const records = await body(await call("GET", `/api/maintenance/service-records?vehicleId=${vehicle!.id}`, { token }));
    expect(records.items).toEqual([
      expect.objectContaining({
        workOrderId: workOrder.id,
        planId: plan.id,
        odometerKm: 10400,
        engineHours: 321,
        performedAt: last.completedAt,
      }),
    ]);
    const [reset] = await due(tenant);
    expect(reset).toMatchObject({ status: "ok", dueAtKm: 20400, remainingKm: 10000, lastServiceAt: last.completedAt });
    expect(Date.parse(reset.dueDate) - Date.parse(last.completedAt)).toBe(365 * DAY);

    // Completed is final: notes and cost may change, nothing else, and the service is not recorded twice.
    expect(
      (await call("PATCH", `/api/work-orders/${workOrder.id}`, { token, body: { status: "completed", notes: "Checked" } })).status,
    ).toBe(200);
    const cancel = await call("PATCH", `/api/work-orders/${workOrder.id}`, { token, body: { status: "cancelled" } });
    expect(cancel.status).toBe(409);
    expect((await body(cancel)).detail).toMatch(/completed work order/);
    expect(await countRows("service_records", "tenant_id = ?", tenant.id)).toBe(1);
    // The pair is fine now: the sweep makes no work order for it.
    expect((await body(await call("POST", "/api/maintenance/sweep", { token }))).created).toEqual([]);
  });
});
