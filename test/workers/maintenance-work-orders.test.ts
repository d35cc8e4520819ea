import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { database } from "../../worker/db/client";
import { workOrders } from "../../worker/db/schema";
import { bookingGuard } from "../../worker/services/work-orders";
import { addVehicles, call, countRows, createTenant, isoAt, postTelemetry, userWithRole, type TestTenant } from "./helpers";
import { openLive, settle } from "./live-helpers";
import { problemTextWithoutRequestId } from "./problem-helpers";

const H = 3_600_000;
const DAY = 24 * H;
type Json = any;
const body = async (res: Response): Promise<Json> => res.json();
/** Tomorrow 00:00 UTC, plus hours. */
const TOMORROW = Math.floor(Date.now() / DAY + 1) * DAY;
const at = (hours: number) => new Date(TOMORROW + hours * H).toISOString();
const everyDay = (start: string, end: string) => [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start, end }));

async function post(tenant: TestTenant, path: string, payload: unknown, token = tenant.admin.token) {
  const res = await call("POST", path, { token, body: payload });
  expect(res.status, `${path}: ${await res.clone().text()}`).toBe(201);
  return body(res);
}

const technician = (tenant: TestTenant, extra: Record<string, unknown> = {}) =>
  post(tenant, "/api/technicians", { name: "Ana", skills: ["general"], shifts: everyDay("06:00", "18:00"), timeZone: "UTC", ...extra });
const workOrder = (tenant: TestTenant, vehicleId: string, extra: Record<string, unknown> = {}) =>
  post(tenant, "/api/work-orders", { vehicleId, title: "Check brakes", priority: "normal", ...extra });
const patch = (tenant: TestTenant, id: string, payload: unknown, token = tenant.admin.token) =>
  call("PATCH", `/api/work-orders/${id}`, { token, body: payload });
const book = (technicianId: string | null, from: number, to: number, extra: Record<string, unknown> = {}) => ({
  technicianId,
  scheduledStart: at(from),
  scheduledEnd: at(to),
  ...extra,
});

describe("shop resources", () => {
  it("creates and lists technicians and bays, validating zones, clock times and the linked user", async () => {
    const tenant = await createTenant();
    const user = await userWithRole(tenant, "technician");
    const tech = await technician(tenant, {
      userId: user.id,
      skills: ["general", "Brakes", "brakes"],
      shifts: [{ weekday: 5, start: "22:00", end: "06:00" }],
      timeZone: "Europe/Berlin",
    });
    expect(tech).toMatchObject({
      name: "Ana",
      userId: user.id,
      skills: ["general", "Brakes"],
      shifts: [{ weekday: 5, start: "22:00", end: "06:00" }],
      timeZone: "Europe/Berlin",
    });
    const bay = await post(tenant, "/api/bays", { name: "Bay 1", capacity: 2 });
    expect(bay).toMatchObject({ name: "Bay 1", capacity: 2 });
    expect((await body(await call("GET", "/api/technicians", { token: tenant.admin.token }))).items).toEqual([tech]);
    expect((await body(await call("GET", "/api/bays", { token: tenant.admin.token }))).items).toEqual([bay]);

    const bad = await call("POST", "/api/technicians", {
      token: tenant.admin.token,
      body: {
        name: "Bo",
        skills: [],
        shifts: [
          { weekday: 8, start: "25:00", end: "16:00" },
          { weekday: 1, start: "08:00", end: "08:00" },
        ],
        timeZone: "Mars/Base",
        rank: 1,
      },
    });
    expect(bad.status).toBe(400);
    expect((await body(bad)).errors.map((e: Json) => e.path).sort()).toEqual([
      "rank",
      "shifts.0.start",
      "shifts.0.weekday",
      "shifts.1.end",
      "timeZone",
    ]);
    const notTech = await call("POST", "/api/technicians", {
      token: tenant.admin.token,
      body: { name: "M", skills: [], shifts: [], timeZone: "UTC", userId: tenant.admin.id },
    });
    expect(notTech.status).toBe(400);
    expect((await body(notTech)).errors).toEqual([{ path: "userId", message: "Must be a user with the technician role" }]);
    const twice = await call("POST", "/api/technicians", {
      token: tenant.admin.token,
      body: { name: "Again", skills: [], shifts: [], timeZone: "UTC", userId: user.id },
    });
    expect(twice.status).toBe(409);
    expect((await call("POST", "/api/bays", { token: tenant.admin.token, body: { name: "B", capacity: 0 } })).status).toBe(400);
    expect(await countRows("technicians", "tenant_id = ?", tenant.id)).toBe(1);

    const other = await createTenant();
    expect((await call("GET", `/api/technicians/${tech.id}`, { token: other.admin.token })).status).toBe(404);
    expect((await call("PATCH", `/api/bays/${bay.id}`, { token: other.admin.token, body: { capacity: 9 } })).status).toBe(404);
    expect((await call("GET", "/api/technicians", { token: user.token })).status).toBe(403);
  });
});

describe("work-order lifecycle and booking rules", () => {
  it("goes open → scheduled → in_progress → completed, cancels from any but completed, and refuses the rest with 409", async () => {
    const tenant = await createTenant();
    const { "L-1": v } = await addVehicles(tenant, ["L-1"]);
    const tech = await technician(tenant);
    const created = await workOrder(tenant, v!.id, { dueDate: at(12), durationMinutes: 45, skill: "general", notes: "Squeaks" });
    expect(created).toMatchObject({
      status: "open",
      source: "manual",
      priority: "normal",
      durationMinutes: 45,
      dueDate: at(12),
      technicianId: null,
      history: [{ fromStatus: null, toStatus: "open" }],
    });

    const skip = await patch(tenant, created.id, { status: "completed" });
    expect(skip.status).toBe(409);
    expect((await body(skip)).detail).toBe("A work order cannot go from open to completed; from open it may go to scheduled or cancelled.");
    expect((await patch(tenant, created.id, { status: "in_progress" })).status).toBe(409);
    const noTimes = await patch(tenant, created.id, { status: "scheduled" });
    expect(noTimes.status).toBe(400);
    expect((await body(noTimes)).errors.map((e: Json) => e.path)).toEqual(["scheduledStart", "scheduledEnd"]);
    const backwards = await patch(tenant, created.id, book(tech.id, 10, 9));
    expect((await body(backwards)).errors).toEqual([{ path: "scheduledEnd", message: "Must be after scheduledStart" }]);

    // A complete booking schedules an open work order.
    const scheduled = await patch(tenant, created.id, book(tech.id, 8, 8.75));
    expect(scheduled.status).toBe(200);
    expect(await body(scheduled)).toMatchObject({
      status: "scheduled",
      technicianId: tech.id,
      scheduledStart: at(8),
      scheduledEnd: at(8.75),
    });
    expect((await patch(tenant, created.id, { status: "open" })).status).toBe(409);
    expect((await patch(tenant, created.id, { status: "in_progress" })).status).toBe(200);
    expect((await patch(tenant, created.id, { status: "scheduled" })).status).toBe(409);
    const done = await body(await patch(tenant, created.id, { status: "completed", costCents: 8_900 }));
    expect(done).toMatchObject({ status: "completed", costCents: 8_900 });
    expect(done.startedAt).not.toBeNull();
    expect(done.completedAt).not.toBeNull();
    expect((await patch(tenant, created.id, { status: "cancelled" })).status).toBe(409);
    expect((await patch(tenant, created.id, book(tech.id, 9, 10))).status).toBe(409);

    for (const route of [
      [],
      [{ status: "scheduled", ...book(null, 11, 12) }],
      [{ status: "scheduled", ...book(null, 13, 14) }, { status: "in_progress" }],
    ]) {
      const w = await workOrder(tenant, v!.id);
      for (const step of route) expect((await patch(tenant, w.id, step)).status).toBe(200);
      const cancelled = await patch(tenant, w.id, { status: "cancelled" });
      expect(cancelled.status).toBe(200);
      expect(await body(cancelled)).toMatchObject({ status: "cancelled" });
      expect((await patch(tenant, w.id, { status: "open" })).status).toBe(409);
    }
    const detail = await body(await call("GET", `/api/work-orders/${created.id}`, { token: tenant.admin.token }));
    expect(detail.history.map((h: Json) => h.toStatus)).toEqual(["open", "scheduled", "in_progress", "completed"]);
  });

  it("answers 409 naming the conflicting booking: technician, vehicle, bay, shift, skill — and changes nothing", async () => {
    const tenant = await createTenant();
    const fleet = await addVehicles(tenant, ["B-1", "B-2", "B-3"]);
    const [v1, v2, v3] = [fleet["B-1"]!.id, fleet["B-2"]!.id, fleet["B-3"]!.id];
    const ana = await technician(tenant);
    const bo = await technician(tenant, { name: "Bo" });
    const ny = await technician(tenant, { name: "Cy", shifts: everyDay("08:00", "16:00"), timeZone: "America/New_York" });
    const bay = await post(tenant, "/api/bays", { name: "Lift", capacity: 1 });

    const first = await workOrder(tenant, v1, { title: "Tyres" });
    expect((await patch(tenant, first.id, book(ana.id, 8, 9, { bayId: bay.id }))).status).toBe(200);

    const second = await workOrder(tenant, v2);
    const techClash = await patch(tenant, second.id, book(ana.id, 8.5, 9.5));
    expect(techClash.status).toBe(409);
    const techReason = (await body(techClash)).detail as string;
    expect(techReason).toContain(`Technician "Ana" (${ana.id}) is already booked`);
    expect(techReason).toContain(`work order ${first.id} ("Tyres") booked ${at(8)}–${at(9)}`);
    expect((await patch(tenant, second.id, book(ana.id, 9, 10))).status).toBe(200); // back to back is fine

    const third = await workOrder(tenant, v1);
    const vehicleClash = await patch(tenant, third.id, book(bo.id, 8.5, 9));
    expect(vehicleClash.status).toBe(409);
    expect((await body(vehicleClash)).detail).toContain(`Vehicle ${v1} is already booked at that time: work order ${first.id}`);

    const fourth = await workOrder(tenant, v3);
    const bayClash = await patch(tenant, fourth.id, book(bo.id, 8.5, 9, { bayId: bay.id }));
    expect(bayClash.status).toBe(409);
    expect((await body(bayClash)).detail).toContain(`Bay "Lift" (${bay.id}, capacity 1) is full at that time: work order ${first.id}`);

    const night = await patch(tenant, fourth.id, book(bo.id, 20, 21));
    expect(night.status).toBe(409);
    expect((await body(night)).detail).toContain(`is outside the shifts of technician "Bo" (${bo.id}) in UTC`);
    // New York: 08:00Z is the middle of the night there; 14:00Z is inside 08:00–16:00 local.
    const early = await patch(tenant, fourth.id, book(ny.id, 8, 9));
    expect((await body(early)).detail).toContain("America/New_York");

    const brakes = await workOrder(tenant, v3, { skill: "brakes" });
    const unskilled = await patch(tenant, brakes.id, book(bo.id, 11, 12));
    expect(unskilled.status).toBe(409);
    expect((await body(unskilled)).detail).toBe(`Technician "Bo" (${bo.id}) does not have the required skill "brakes".`);

    const untouched = await body(await call("GET", `/api/work-orders/${fourth.id}`, { token: tenant.admin.token }));
    expect(untouched).toMatchObject({ status: "open", technicianId: null, bayId: null, scheduledStart: null });
    expect((await patch(tenant, fourth.id, book(ny.id, 14, 15))).status).toBe(200);

    // Unknown or foreign references are 404s naming the field.
    const ghost = await patch(tenant, fourth.id, { technicianId: "tec_nobody" });
    expect(ghost.status).toBe(404);
    expect((await body(ghost)).errors).toEqual([{ path: "technicianId", message: "No such technician" }]);
  });

  it("lets a technician see its own and open work orders and change only its own status, notes and cost", async () => {
    const tenant = await createTenant();
    const { "X-1": v1, "X-2": v2, "X-3": v3 } = await addVehicles(tenant, ["X-1", "X-2", "X-3"]);
    const user = await userWithRole(tenant, "technician");
    const mine = await technician(tenant, { userId: user.id });
    const theirs = await technician(tenant, { name: "Other" });
    const own = await workOrder(tenant, v1!.id);
    const foreign = await workOrder(tenant, v2!.id);
    const open = await workOrder(tenant, v3!.id);
    expect((await patch(tenant, own.id, book(mine.id, 8, 9))).status).toBe(200);
    expect((await patch(tenant, foreign.id, book(theirs.id, 8, 9))).status).toBe(200);

    const listed = await body(await call("GET", "/api/work-orders", { token: user.token }));
    expect(listed.items.map((w: Json) => w.id).sort()).toEqual([own.id, open.id].sort());
    expect((await call("GET", `/api/work-orders/${foreign.id}`, { token: user.token })).status).toBe(404);
    expect((await patch(tenant, foreign.id, { status: "in_progress" }, user.token)).status).toBe(404);
    expect((await patch(tenant, open.id, { notes: "mine?" }, user.token)).status).toBe(403);
    const reassign = await patch(tenant, own.id, { technicianId: theirs.id }, user.token);
    expect(reassign.status).toBe(403);
    const started = await patch(tenant, own.id, { status: "in_progress", notes: "On it" }, user.token);
    expect(started.status).toBe(200);
    const finished = await body(await patch(tenant, own.id, { status: "completed", costCents: 4_200 }, user.token));
    expect(finished).toMatchObject({ status: "completed", notes: "On it", costCents: 4_200 });
    expect(finished.history.at(-1)).toMatchObject({ toStatus: "completed", actorId: user.id });
    expect(
      (await call("POST", "/api/work-orders", { token: user.token, body: { vehicleId: v1!.id, title: "x", priority: "low" } })).status,
    ).toBe(403);
    const filtered = await body(await call("GET", `/api/work-orders?technicianId=${theirs.id}`, { token: tenant.admin.token }));
    expect(filtered.items.map((w: Json) => w.id)).toEqual([foreign.id]);
  });

  it("keeps tenants apart: another tenant's work orders, vehicles and technicians are 404", async () => {
    const [a, b] = [await createTenant(), await createTenant()];
    const { "I-1": va } = await addVehicles(a, ["I-1"]);
    const techB = await technician(b);
    const w = await workOrder(a, va!.id);
    const missing = await call("GET", "/api/work-orders/wo_doesnotexist", { token: b.admin.token });
    const foreign = await call("GET", `/api/work-orders/${w.id}`, { token: b.admin.token });
    expect(foreign.status).toBe(404);
    expect(await problemTextWithoutRequestId(foreign)).toBe(await problemTextWithoutRequestId(missing));
    expect((await patch(b, w.id, { status: "cancelled" })).status).toBe(404);
    const crossVehicle = await call("POST", "/api/work-orders", {
      token: b.admin.token,
      body: { vehicleId: va!.id, title: "Steal", priority: "low" },
    });
    expect(crossVehicle.status).toBe(404);
    expect((await body(crossVehicle)).errors).toEqual([{ path: "vehicleId", message: "No such vehicle" }]);
    expect((await patch(a, w.id, book(techB.id, 8, 9))).status).toBe(404);
    expect((await body(await call("GET", "/api/work-orders", { token: b.admin.token }))).items).toEqual([]);
    const invalid = await call("POST", "/api/work-orders", {
      token: a.admin.token,
      body: { vehicleId: va!.id, title: "", priority: "asap", source: "magic", extra: 1 },
    });
    expect(invalid.status).toBe(400);
    expect((await body(invalid)).errors.map((e: Json) => e.path).sort()).toEqual(["extra", "priority", "source", "title"]);
    expect(await countRows("work_orders", "tenant_id = ?", b.id)).toBe(0);
  });
});

describe("concurrent bookings", () => {
  it("lets only one of two simultaneous bookings of the same technician or bay place win", async () => {
    const tenant = await createTenant();
    const fleet = await addVehicles(tenant, ["R-1", "R-2", "R-3", "R-4"]);
    const ana = await technician(tenant);
    const bo = await technician(tenant, { name: "Bo" });
    const cy = await technician(tenant, { name: "Cy" });
    const bay = await post(tenant, "/api/bays", { name: "Single", capacity: 1 });
    const [w1, w2, w3, w4] = await Promise.all(["R-1", "R-2", "R-3", "R-4"].map((x) => workOrder(tenant, fleet[x]!.id)));

    const sameTechnician = await Promise.all([patch(tenant, w1.id, book(ana.id, 10, 11)), patch(tenant, w2.id, book(ana.id, 10.5, 11.5))]);
    expect(sameTechnician.map((r) => r.status).sort()).toEqual([200, 409]);
    const sameBay = await Promise.all([
      patch(tenant, w3.id, book(bo.id, 14, 15, { bayId: bay.id })),
      patch(tenant, w4.id, book(cy.id, 14, 15, { bayId: bay.id })),
    ]);
    expect(sameBay.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await countRows("work_orders", "tenant_id = ? AND status = 'scheduled'", tenant.id)).toBe(2);
  });

  it("enforces the same rules in SQL on the write itself (the guard a racing request meets)", async () => {
    const tenant = await createTenant();
    const fleet = await addVehicles(tenant, ["G-1", "G-2", "G-3", "G-4"]);
    const [ana, bo] = [await technician(tenant), await technician(tenant, { name: "Bo" })];
    const bay = await post(tenant, "/api/bays", { name: "Double", capacity: 2 });
    const [a, b, c, d] = await Promise.all(["G-1", "G-2", "G-3", "G-4"].map((x) => workOrder(tenant, fleet[x]!.id)));
    expect((await patch(tenant, a.id, book(ana.id, 8, 9, { bayId: bay.id }))).status).toBe(200);
    expect((await patch(tenant, b.id, book(ana.id, 9, 10, { bayId: bay.id }))).status).toBe(200);
    const db = database(env.DB);
    const hour = (h: number) => Date.parse(at(h));
    /** Books `w` directly with the guard; true if the row was written. */
    const guarded = async (
      w: { id: string; vehicleId: string },
      technicianId: string | null,
      from: number,
      to: number,
      bayId: string | null = bay.id,
    ) => {
      const guard = bookingGuard(
        tenant.id,
        w.id,
        { vehicleId: w.vehicleId, technicianId, bayId, start: hour(from), end: hour(to) },
        bayId ? 2 : null,
      );
      const rows = await db
        .update(workOrders)
        .set({ status: "scheduled", technicianId, bayId, scheduledStart: hour(from), scheduledEnd: hour(to), rev: crypto.randomUUID() })
        .where(and(eq(workOrders.id, w.id), guard))
        .returning({ id: workOrders.id });
      return rows.length === 1;
    };
    // a (8–9) and b (9–10) never overlap: one place stays free all along 8–10.
    expect(await guarded(c, bo.id, 8, 10)).toBe(true);
    // Now 8:30 has a and c: full.
    expect(await guarded(d, null, 8.5, 9.5)).toBe(false);
    expect(await guarded(d, null, 10, 11)).toBe(true);
    // Technician and vehicle overlaps, with or without a bay.
    expect(await guarded(d, ana.id, 8.5, 9, null)).toBe(false);
    expect(await guarded({ id: d.id, vehicleId: a.vehicleId }, null, 8.5, 9, null)).toBe(false);
    expect(await guarded(d, ana.id, 10, 11, null)).toBe(true);
  });
});

describe("live updates", () => {
  it("broadcasts workorder.updated to the tenant's staff on every change, and to nobody else", async () => {
    const [tenant, other] = [await createTenant(), await createTenant()];
    const { "W-1": v } = await addVehicles(tenant, ["W-1"]);
    const driver = await userWithRole(tenant, "driver");
    const live = await openLive(tenant.admin.token);
    const driverLive = await openLive(driver.token);
    const otherLive = await openLive(other.admin.token);
    await live.waitFor((m) => m.type === "hello");

    const created = await workOrder(tenant, v!.id, { title: "Live one" });
    type WorkOrderMessage = { type: string; workOrder?: { id: string; status: string; history?: unknown[] } };
    const first = (await live.waitFor((m) => (m as WorkOrderMessage).workOrder?.id === created.id)) as WorkOrderMessage;
    expect(first).toMatchObject({ type: "workorder.updated", workOrder: { id: created.id, status: "open", title: "Live one" } });
    expect((await patch(tenant, created.id, { status: "cancelled" })).status).toBe(200);
    await live.waitFor((m) => m.type === "workorder.updated" && (m as WorkOrderMessage).workOrder?.status === "cancelled");

    await settle(otherLive, driverLive);
    expect(otherLive.messages.filter((m) => m.type === "workorder.updated")).toEqual([]);
    expect(driverLive.messages.filter((m) => m.type === "workorder.updated")).toEqual([]);
    live.close();
    driverLive.close();
    otherLive.close();
  });
});

describe("auto-schedule", () => {
  it("places open work orders by skills, shifts and bay capacity, says why the rest stay open, and is idempotent", async () => {
    const tenant = await createTenant();
    const fleet = await addVehicles(tenant, ["A-1", "A-2", "A-3", "A-4"]);
    const general = await technician(tenant, { name: "Gen" });
    const brakes = await technician(tenant, { name: "Brakes", skills: ["general", "brakes"] });
    const bay = await post(tenant, "/api/bays", { name: "Only bay", capacity: 1 });
    const urgent = await workOrder(tenant, fleet["A-1"]!.id, { priority: "urgent", dueDate: at(7), durationMinutes: 60 });
    const brakeJob = await workOrder(tenant, fleet["A-2"]!.id, { priority: "high", skill: "brakes", durationMinutes: 90 });
    const routine = await workOrder(tenant, fleet["A-3"]!.id, { priority: "low", durationMinutes: 30 });
    const welding = await workOrder(tenant, fleet["A-4"]!.id, { priority: "normal", skill: "welding" });

    const bad = await call("POST", "/api/maintenance/auto-schedule", { token: tenant.admin.token, body: { from: at(24), to: at(0) } });
    expect(bad.status).toBe(400);
    expect((await body(bad)).errors).toEqual([{ path: "to", message: "Must be after from" }]);

    const res = await call("POST", "/api/maintenance/auto-schedule", { token: tenant.admin.token, body: { from: at(0), to: at(72) } });
    expect(res.status, await res.clone().text()).toBe(200);
    const result = await body(res);
    expect(result.unscheduled).toEqual([{ workOrderId: welding.id, reason: 'No technician has the skill "welding".' }]);
    expect(result.scheduled.map((w: Json) => w.id).sort()).toEqual([urgent.id, brakeJob.id, routine.id].sort());
    for (const w of result.scheduled) expect(w).toMatchObject({ status: "scheduled", bayId: bay.id });
    expect(result.scheduled.find((w: Json) => w.id === brakeJob.id).technicianId).toBe(brakes.id);
    // The urgent one first, at the start of the shift; one bay means one job at a time.
    expect(result.scheduled[0]).toMatchObject({ id: urgent.id, scheduledStart: at(6), scheduledEnd: at(7), technicianId: general.id });
    const spans = result.scheduled
      .map((w: Json) => [Date.parse(w.scheduledStart), Date.parse(w.scheduledEnd)])
      .sort((x: number[], y: number[]) => x[0]! - y[0]!);
    for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][1]);
    for (const w of result.scheduled) {
      const hours = (Date.parse(w.scheduledStart) - TOMORROW) / H;
      expect(hours % 24).toBeGreaterThanOrEqual(6);
      expect(((Date.parse(w.scheduledEnd) - TOMORROW) / H) % 24 || 24).toBeLessThanOrEqual(18);
    }

    const again = await body(
      await call("POST", "/api/maintenance/auto-schedule", { token: tenant.admin.token, body: { from: at(0), to: at(72) } }),
    );
    expect(again.scheduled).toEqual([]);
    expect(again.unscheduled.map((u: Json) => u.workOrderId)).toEqual([welding.id]);
    const detail = await body(await call("GET", `/api/work-orders/${routine.id}`, { token: tenant.admin.token }));
    expect(detail.history.map((h: Json) => h.toStatus)).toEqual(["open", "scheduled"]);
  });
});

describe("OpenAPI", () => {
  it("documents the maintenance endpoints from the same schemas", async () => {
    const doc = await body(await call("GET", "/api/openapi.json"));
    for (const path of [
      "/api/maintenance/plans",
      "/api/maintenance/plans/{id}",
      "/api/maintenance/due",
      "/api/maintenance/auto-schedule",
      "/api/work-orders",
      "/api/work-orders/{id}",
      "/api/technicians",
      "/api/bays",
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.paths["/api/work-orders/{id}"].patch.responses["409"]).toBeDefined();
    expect(doc.components.schemas.CreateMaintenancePlan.required).toEqual(expect.arrayContaining(["name", "durationMinutes"]));
    const html = await (await call("GET", "/api/docs")).text();
    expect(html).toContain("/api/maintenance/auto-schedule");
    expect(html).toContain("/api/work-orders/{id}");
  });
});

describe("alert to work order", () => {
  it("turns an alert into one work order with a priority from its severity; asking again answers the same one", async () => {
    const tenant = await createTenant();
    const { "AL-1": v } = await addVehicles(tenant, ["AL-1"]);
    const live = await openLive(tenant.admin.token);
    // A minor code (catalyst efficiency): a severe one (P0217) would already have opened the
    // engine's predictive work order for this alert.
    await postTelemetry(tenant, { events: [{ vehicleId: "AL-1", ts: isoAt(0), readings: {}, dtc: ["P0420"] }] });
    const raised = await live.waitFor((m) => m.type === "alert");
    live.close();
    const alertId = raised.alert!.id;

    const first = await call("POST", "/api/work-orders/from-alert", { token: tenant.admin.token, body: { alertId } });
    expect(first.status).toBe(201);
    const created = await body(first);
    expect(created).toMatchObject({ vehicleId: v!.id, alertId, source: "alert", priority: "high", status: "open" });
    expect(created.title).toContain("Unit AL-1");
    const again = await call("POST", "/api/work-orders/from-alert", { token: tenant.admin.token, body: { alertId } });
    expect(again.status).toBe(200);
    expect((await body(again)).id).toBe(created.id);
    expect(await countRows("work_orders", "tenant_id = ? AND alert_id = ?", tenant.id, alertId)).toBe(1);

    // A manual work order may name an alert too, if it exists and is about that vehicle.
    const { "AL-2": v2 } = await addVehicles(tenant, ["AL-2"]);
    const wrongVehicle = await call("POST", "/api/work-orders", {
      token: tenant.admin.token,
      body: { vehicleId: v2!.id, title: "x", priority: "low", source: "alert", alertId },
    });
    expect(wrongVehicle.status).toBe(400);
    expect((await body(wrongVehicle)).errors).toEqual([{ path: "alertId", message: "The alert is about another vehicle" }]);
    const ghost = await call("POST", "/api/work-orders", {
      token: tenant.admin.token,
      body: { vehicleId: v!.id, title: "x", priority: "low", alertId: "alr_nothing" },
    });
    expect(ghost.status).toBe(404);

    const other = await createTenant();
    const foreign = await call("POST", "/api/work-orders/from-alert", { token: other.admin.token, body: { alertId } });
    expect(foreign.status).toBe(404);
    expect((await body(foreign)).errors).toEqual([{ path: "alertId", message: "No such alert" }]);
  });
});
