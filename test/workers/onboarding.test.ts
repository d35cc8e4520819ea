/// <reference path="../stand-ins/env.d.ts" />
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runSweep } from "../../worker/scheduled";
import { addVehicles, call, countRows, createTenant, isoAt, postTelemetry, type TestTenant } from "./helpers";

const DAY = 86_400_000;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const body = async (res: Response): Promise<Json> => res.json();

const PLAN = { name: "Service A", everyKm: 15_000, dueSoonKm: 1_000, durationMinutes: 120 };

async function due(tenant: TestTenant, query = "") {
  const res = await call("GET", `/api/maintenance/due${query}`, { token: tenant.admin.token });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await body(res)).items as Json[];
}

const sweep = async (tenant: TestTenant) => body(await call("POST", "/api/maintenance/sweep", { token: tenant.admin.token }));
const workOrdersOf = async (tenant: TestTenant) => (await body(await call("GET", "/api/work-orders", { token: tenant.admin.token }))).items;

describe("fleet onboarding", () => {
  it("a 120,000 km truck without a baseline is overdue with baselineMissing, and gets no reminder or work order until one is set", async () => {
    const tenant = await createTenant();
    const { "TRUCK-1": truck } = await addVehicles(tenant, ["TRUCK-1"], { odometerKm: 120_000, type: "truck" });
    // A vehicle that reaches its due point after the plan applied is reminded as before.
    const { "VAN-1": van } = await addVehicles(tenant, ["VAN-1"], { odometerKm: 14_500, type: "truck" });
    const plan = await body(await call("POST", "/api/maintenance/plans", { token: tenant.admin.token, body: PLAN }));

    const [truckDue] = await due(tenant, `?vehicleId=${truck!.id}`);
    expect(truckDue).toMatchObject({ status: "overdue", baselineMissing: true, dueAtKm: 15_000, odometerKm: 120_000 });
    expect((await due(tenant, "?baselineMissing=true")).map((d) => d.vehicleId)).toEqual([truck!.id]);
    expect((await due(tenant, `?vehicleId=${van!.id}`))[0]).toMatchObject({ status: "due_soon", baselineMissing: false });

    // The sweep (on demand and from cron) reminds of the van only, and opens a work order for it only.
    const first = await sweep(tenant);
    expect(first.transitions).toEqual([{ vehicleId: van!.id, planId: plan.id, from: "ok", to: "due_soon" }]);
    expect(first.created.map((w: Json) => w.vehicleId)).toEqual([van!.id]);
    await runSweep(env);
    expect((await workOrdersOf(tenant)).map((w: Json) => w.vehicleId)).toEqual([van!.id]);
    expect(await countRows("maintenance_due_states", "tenant_id = ? AND vehicle_id = ?", tenant.id, truck!.id)).toBe(0);
    expect(await countRows("deliveries", "tenant_id = ? AND instr(topic, ?) = 1", tenant.id, `maintenance:${plan.id}:${truck!.id}:`)).toBe(
      0,
    );

    // The manager gives the last service: 110,000 km two months ago. Next due 125,000 km: 5,000 km left.
    const performedAt = new Date(Date.now() - 60 * DAY).toISOString();
    const set = await call("POST", "/api/maintenance/baselines", {
      token: tenant.admin.token,
      body: { items: [{ vehicleId: truck!.id, planId: plan.id, odometerKm: 110_000, performedAt }] },
    });
    expect(set.status, await set.clone().text()).toBe(200);
    expect((await body(set)).items).toEqual([
      expect.objectContaining({
        vehicleId: truck!.id,
        planId: plan.id,
        odometerKm: 110_000,
        performedAt,
        baseline: true,
        workOrderId: null,
      }),
    ]);
    const [withBaseline] = await due(tenant, `?vehicleId=${truck!.id}`);
    expect(withBaseline).toMatchObject({
      status: "ok",
      baselineMissing: false,
      dueAtKm: 125_000,
      remainingKm: 5_000,
      lastServiceAt: performedAt,
    });
    expect((await sweep(tenant)).transitions).toEqual([]);
    expect((await workOrdersOf(tenant)).map((w: Json) => w.vehicleId)).toEqual([van!.id]);

    // Setting it again replaces it (one baseline per pair).
    await call("POST", "/api/maintenance/baselines", {
      token: tenant.admin.token,
      body: { items: [{ vehicleId: truck!.id, planId: plan.id, odometerKm: 112_000, performedAt }] },
    });
    expect((await due(tenant, `?vehicleId=${truck!.id}`))[0]).toMatchObject({ dueAtKm: 127_000 });
    expect(await countRows("service_records", "tenant_id = ? AND vehicle_id = ?", tenant.id, truck!.id)).toBe(1);
  });

  it("takes baselines when the plan is assigned, and a manager may confirm a vehicle overdue as it stands", async () => {
    const tenant = await createTenant();
    const fleet = await addVehicles(tenant, ["T-1", "T-2", "T-3"], { odometerKm: 120_000 });
    const [t1, t2, t3] = [fleet["T-1"]!.id, fleet["T-2"]!.id, fleet["T-3"]!.id];
    const created = await call("POST", "/api/maintenance/plans", {
      token: tenant.admin.token,
      body: { ...PLAN, vehicleIds: [t1, t2], baselines: [{ vehicleId: t1, odometerKm: 118_000, performedAt: isoAt(0) }] },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const plan = await body(created);
    const items = await due(tenant);
    expect(items.find((d) => d.vehicleId === t1)).toMatchObject({ status: "ok", baselineMissing: false, dueAtKm: 133_000 });
    expect(items.find((d) => d.vehicleId === t2)).toMatchObject({ status: "overdue", baselineMissing: true });

    // Confirming T-2: it is overdue for real now, so the sweep reminds and opens its work order.
    const confirm = await call("POST", "/api/maintenance/baselines/confirm", {
      token: tenant.admin.token,
      body: { items: [{ vehicleId: t2, planId: plan.id }] },
    });
    expect(confirm.status).toBe(200);
    expect((await due(tenant, `?vehicleId=${t2}`))[0]).toMatchObject({ status: "overdue", baselineMissing: false });
    const swept = await sweep(tenant);
    expect(swept.transitions).toEqual([{ vehicleId: t2, planId: plan.id, from: "ok", to: "overdue" }]);
    expect(swept.created.map((w: Json) => w.vehicleId)).toEqual([t2]);

    // Adding T-3 to the plan later: it joins past the due point, so it waits for a baseline too.
    await call("PATCH", `/api/maintenance/plans/${plan.id}`, { token: tenant.admin.token, body: { vehicleIds: [t1, t2, t3] } });
    expect((await due(tenant, `?vehicleId=${t3}`))[0]).toMatchObject({ status: "overdue", baselineMissing: true });
    expect((await sweep(tenant)).created).toEqual([]);
    // A patch may carry its baselines as well.
    const patched = await call("PATCH", `/api/maintenance/plans/${plan.id}`, {
      token: tenant.admin.token,
      body: { baselines: [{ vehicleId: t3, odometerKm: 119_500 }] },
    });
    expect(patched.status).toBe(200);
    expect((await due(tenant, `?vehicleId=${t3}`))[0]).toMatchObject({
      status: "ok",
      dueAtKm: 134_500,
      remainingKm: 14_500,
      baselineMissing: false,
    });
  });

  it("checks baselines: unknown ids are 404, a vehicle the plan does not cover or a future date 400, and nothing is stored", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    const { "X-1": mine } = await addVehicles(tenant, ["X-1"], { type: "van" });
    const { "Y-1": theirs } = await addVehicles(other, ["Y-1"]);
    const plan = await body(
      await call("POST", "/api/maintenance/plans", { token: tenant.admin.token, body: { ...PLAN, vehicleType: "truck" } }),
    );
    const post = (items: Json[]) => call("POST", "/api/maintenance/baselines", { token: tenant.admin.token, body: { items } });

    const unknown = await post([{ vehicleId: theirs!.id, planId: plan.id }]);
    expect(unknown.status).toBe(404);
    expect((await body(unknown)).errors).toEqual([{ path: "items.0.vehicleId", message: "No such vehicle" }]);
    expect((await post([{ vehicleId: mine!.id, planId: "pln_none" }])).status).toBe(404);
    const invalid = await post([{ vehicleId: mine!.id, planId: plan.id, performedAt: new Date(Date.now() + DAY).toISOString() }]);
    expect(invalid.status).toBe(400);
    expect((await body(invalid)).errors.map((e: Json) => e.path)).toEqual(["items.0.vehicleId", "items.0.performedAt"]);
    const onCreate = await call("POST", "/api/maintenance/plans", {
      token: tenant.admin.token,
      body: { ...PLAN, baselines: [{ vehicleId: theirs!.id }] },
    });
    expect(onCreate.status).toBe(404);
    expect((await body(onCreate)).errors).toEqual([{ path: "baselines.0.vehicleId", message: "No such vehicle" }]);
    expect(await countRows("maintenance_plans", "tenant_id = ?", tenant.id)).toBe(1);
    expect(await countRows("service_records", "tenant_id = ?", tenant.id)).toBe(0);
  });
});

describe("meters on the onboarding path", () => {
  it("counts the truck's telemetry odometer when the plan applies", async () => {
    const tenant = await createTenant();
    const { "TEL-1": truck } = await addVehicles(tenant, ["TEL-1"]);
    const res = await postTelemetry(tenant, { events: [{ vehicleId: "TEL-1", ts: isoAt(0), readings: { odometerKm: 120_345 } }] });
    expect(res.status).toBe(202);
    await call("POST", "/api/maintenance/plans", { token: tenant.admin.token, body: PLAN });
    expect((await due(tenant))[0]).toMatchObject({ vehicleId: truck!.id, status: "overdue", baselineMissing: true, odometerKm: 120_345 });
    expect((await sweep(tenant)).created).toEqual([]);
  });
});
