/// <reference path="../stand-ins/env.d.ts" />
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addVehicles, call, createTenant, isoAt, postTelemetry, type TestTenant } from "./helpers";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const body = async (res: Response): Promise<Json> => res.json();

async function send(tenant: TestTenant, events: Json[]) {
  const res = await postTelemetry(tenant, { events });
  expect(res.status, await res.clone().text()).toBe(202);
}

async function latestOf(tenant: TestTenant, vehicleId: string) {
  const res = await call("GET", `/api/vehicles/${vehicleId}`, { token: tenant.admin.token });
  expect(res.status).toBe(200);
  return (await body(res)).latest;
}

async function kmPlan(tenant: TestTenant) {
  const res = await call("POST", "/api/maintenance/plans", {
    token: tenant.admin.token,
    body: { name: "Oil change", everyKm: 10_000, dueSoonKm: 500, durationMinutes: 60 },
  });
  expect(res.status).toBe(201);
  return body(res);
}

async function dueOf(tenant: TestTenant, vehicleId: string) {
  const res = await call("GET", `/api/maintenance/due?vehicleId=${vehicleId}`, { token: tenant.admin.token });
  expect(res.status).toBe(200);
  return (await body(res)).items[0];
}

async function flags(tenant: TestTenant, query = "") {
  const res = await call("GET", `/api/maintenance/meter-flags${query}`, { token: tenant.admin.token });
  expect(res.status).toBe(200);
  return (await body(res)).items as Json[];
}

describe("merged latest readings", () => {
  it("keeps each reading's newest value by event time, with its own time, whatever event carried it", async () => {
    const tenant = await createTenant();
    const { "M-1": vehicle } = await addVehicles(tenant, ["M-1"]);
    const id = vehicle!.id;
    await send(tenant, [
      { vehicleId: "M-1", ts: isoAt(0), readings: { odometerKm: 1_000, engineHours: 50, engineTempC: 90 }, dtc: ["P0217"] },
    ]);
    // A GPS-only event (Motive and Samsara send locations on their own) does not erase the engine data.
    await send(tenant, [{ vehicleId: "M-1", ts: isoAt(60), readings: { lat: 52.5, lon: 13.4, speedKph: 80 } }]);
    let latest = await latestOf(tenant, id);
    expect(latest).toEqual({
      ts: isoAt(60),
      readings: { odometerKm: 1_000, engineHours: 50, engineTempC: 90, lat: 52.5, lon: 13.4, speedKph: 80 },
      readingTs: {
        odometerKm: isoAt(0),
        engineHours: isoAt(0),
        engineTempC: isoAt(0),
        lat: isoAt(60),
        lon: isoAt(60),
        speedKph: isoAt(60),
      },
      dtc: ["P0217"],
    });

    // A late event fills in what is older than it (fuel, never reported) and replaces nothing newer.
    await send(tenant, [{ vehicleId: "M-1", ts: isoAt(30), readings: { odometerKm: 990, speedKph: 10, fuelPct: 40 }, dtc: [] }]);
    latest = await latestOf(tenant, id);
    expect(latest.ts).toBe(isoAt(60));
    expect(latest.readings).toMatchObject({ odometerKm: 990, speedKph: 80, fuelPct: 40 });
    expect(latest.readingTs).toMatchObject({ odometerKm: isoAt(30), speedKph: isoAt(60), fuelPct: isoAt(30) });
    expect(latest.dtc).toEqual([]);
    // Older than every value it carries: changes nothing at all.
    await send(tenant, [{ vehicleId: "M-1", ts: isoAt(-60), readings: { odometerKm: 900, lat: 1 }, dtc: ["P0300"] }]);
    expect(await latestOf(tenant, id)).toEqual(latest);
  });

  it("gives maintenance the newest odometer whatever event carried it, dated by that event", async () => {
    const tenant = await createTenant();
    const { "M-2": vehicle } = await addVehicles(tenant, ["M-2"], { odometerKm: 100 });
    const id = vehicle!.id;
    await kmPlan(tenant);
    await send(tenant, [{ vehicleId: "M-2", ts: isoAt(0), readings: { odometerKm: 9_600, engineHours: 300 } }]);
    await send(tenant, [{ vehicleId: "M-2", ts: isoAt(120), readings: { lat: 52.5, lon: 13.4 } }]);
    expect(await dueOf(tenant, id)).toMatchObject({ status: "due_soon", odometerKm: 9_600, engineHours: 300, remainingKm: 400 });
    // The day's meter sample carries the reading's own time, not the time maintenance looked.
    const sample = await env.DB.prepare("SELECT odometer_km, at FROM meter_samples WHERE tenant_id = ? AND vehicle_id = ?")
      .bind(tenant.id, id)
      .first<{ odometer_km: number; at: number }>();
    expect(sample).toEqual({ odometer_km: 9_600, at: Date.parse(isoAt(0)) });

    // A location event that also carries the odometer moves it on.
    await send(tenant, [{ vehicleId: "M-2", ts: isoAt(240), readings: { lat: 52.6, lon: 13.5, odometerKm: 9_650 } }]);
    expect(await dueOf(tenant, id)).toMatchObject({ odometerKm: 9_650, engineHours: 300, remainingKm: 350 });
  });
});

describe("meter validation", () => {
  it("flags a backwards and a too-fast reading instead of applying them; a manager accepts or voids each", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    const fleet = await addVehicles(tenant, ["B-1", "F-1"]);
    const [back, fast] = [fleet["B-1"]!.id, fleet["F-1"]!.id];
    const plan = await kmPlan(tenant);
    await send(tenant, [
      { vehicleId: "B-1", ts: isoAt(0), readings: { odometerKm: 5_000, engineHours: 100 } },
      { vehicleId: "F-1", ts: isoAt(0), readings: { odometerKm: 5_000, engineHours: 100 } },
    ]);
    expect(await dueOf(tenant, back)).toMatchObject({ odometerKm: 5_000 });
    expect(await dueOf(tenant, fast)).toMatchObject({ odometerKm: 5_000 });

    // 20 minutes later: B-1 reads 100 km less, F-1 4,000 km and 30 engine hours more.
    await send(tenant, [
      { vehicleId: "B-1", ts: isoAt(1_200), readings: { odometerKm: 4_900 } },
      { vehicleId: "F-1", ts: isoAt(1_200), readings: { odometerKm: 9_000, engineHours: 130 } },
    ]);
    expect(await dueOf(tenant, back)).toMatchObject({ status: "ok", odometerKm: 5_000, remainingKm: 5_000 });
    expect(await dueOf(tenant, fast)).toMatchObject({ status: "ok", odometerKm: 5_000, engineHours: 100 });
    const pending = await flags(tenant, "?status=pending");
    expect(pending).toHaveLength(3);
    const backFlag = pending.find((f) => f.vehicleId === back);
    expect(backFlag).toMatchObject({
      meter: "odometerKm",
      value: 4_900,
      at: isoAt(1_200),
      reason: "backwards",
      previousValue: 5_000,
      previousAt: isoAt(0),
      status: "pending",
      resolvedAt: null,
    });
    const fastKm = pending.find((f) => f.vehicleId === fast && f.meter === "odometerKm");
    expect(fastKm).toMatchObject({ value: 9_000, reason: "too_fast", previousValue: 5_000 });
    expect(pending.find((f) => f.vehicleId === fast && f.meter === "engineHours")).toMatchObject({ value: 130, reason: "too_fast" });
    // Reading again flags nothing twice.
    await dueOf(tenant, back);
    expect(await flags(tenant)).toHaveLength(3);

    // Completing a plan work order records the accepted meters, not the flagged reading.
    const wo = await body(
      await call("POST", "/api/work-orders", {
        token: tenant.admin.token,
        body: { vehicleId: back, planId: plan.id, title: "Oil change", priority: "normal" },
      }),
    );
    const start = Date.now() + 86_400_000;
    const steps = [
      { status: "scheduled", scheduledStart: new Date(start).toISOString(), scheduledEnd: new Date(start + 3_600_000).toISOString() },
      { status: "in_progress" },
      { status: "completed" },
    ];
    for (const step of steps) {
      const res = await call("PATCH", `/api/work-orders/${wo.id}`, { token: tenant.admin.token, body: step });
      expect(res.status, await res.clone().text()).toBe(200);
    }
    const records = await body(await call("GET", `/api/maintenance/service-records?vehicleId=${back}`, { token: tenant.admin.token }));
    expect(records.items).toEqual([expect.objectContaining({ odometerKm: 5_000, engineHours: 100, baseline: false })]);

    // Void B-1's: it stays unapplied and is not flagged again; the next plausible reading applies.
    const voided = await call("POST", `/api/maintenance/meter-flags/${backFlag.id}/void`, { token: tenant.admin.token });
    expect(voided.status).toBe(200);
    expect(await body(voided)).toMatchObject({ status: "voided", resolvedBy: tenant.admin.id });
    expect(await dueOf(tenant, back)).toMatchObject({ odometerKm: 5_000 });
    expect(await flags(tenant, `?vehicleId=${back}`)).toHaveLength(1);
    expect((await call("POST", `/api/maintenance/meter-flags/${backFlag.id}/accept`, { token: tenant.admin.token })).status).toBe(409);
    await send(tenant, [{ vehicleId: "B-1", ts: isoAt(1_800), readings: { odometerKm: 5_010 } }]);
    expect(await dueOf(tenant, back)).toMatchObject({ odometerKm: 5_010 });

    // Accept F-1's odometer: maintenance counts with it, and later readings are checked against it.
    expect((await call("POST", `/api/maintenance/meter-flags/${fastKm.id}/accept`, { token: other.admin.token })).status).toBe(404);
    const accepted = await call("POST", `/api/maintenance/meter-flags/${fastKm.id}/accept`, { token: tenant.admin.token });
    expect(accepted.status).toBe(200);
    expect(await body(accepted)).toMatchObject({ status: "accepted" });
    expect(await dueOf(tenant, fast)).toMatchObject({ odometerKm: 9_000, engineHours: 100, status: "ok", remainingKm: 1_000 });
    await send(tenant, [{ vehicleId: "F-1", ts: isoAt(1_800), readings: { odometerKm: 9_020 } }]);
    expect(await dueOf(tenant, fast)).toMatchObject({ odometerKm: 9_020, remainingKm: 980 });
    expect(await flags(tenant, "?status=pending")).toEqual([expect.objectContaining({ vehicleId: fast, meter: "engineHours" })]);
    expect(await flags(other)).toEqual([]);
  });

  it("lets only admins and managers see and resolve flags", async () => {
    const tenant = await createTenant();
    const { userWithRole } = await import("./helpers");
    const technician = await userWithRole(tenant, "technician");
    expect((await call("GET", "/api/maintenance/meter-flags", { token: technician.token })).status).toBe(403);
    expect((await call("POST", "/api/maintenance/meter-flags/mtf_none/void", { token: tenant.admin.token })).status).toBe(404);
  });
});
