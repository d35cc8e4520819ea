/**
 * GET /api/maintenance/availability answers exactly the bookable time: over generated shops
 * (shifts in several zones, skills, bays, existing bookings) every offered start is accepted
 * by PATCH /api/work-orders/:id and every step-aligned start not offered is refused with 409.
 */
import { describe, expect, it } from "vitest";
import { addVehicles, call, createTenant, userWithRole, type TestTenant } from "./helpers";
import { mulberry32 } from "../../models/prng.js";

const MIN = 60_000;
const H = 60 * MIN;
const DAY = 24 * H;
const STEP = 15 * MIN;
type Json = any;
/** Monday 00:00 UTC at least two days ahead, so every generated start lies in the future. */
const MONDAY = (() => {
  const d = Math.floor(Date.now() / DAY + 2) * DAY;
  const weekday = (new Date(d).getUTCDay() + 6) % 7;
  return d + ((7 - weekday) % 7) * DAY;
})();
const iso = (ms: number) => new Date(ms).toISOString();

async function post(tenant: TestTenant, path: string, payload: unknown) {
  const res = await call("POST", path, { token: tenant.admin.token, body: payload });
  expect(res.status, `${path}: ${await res.clone().text()}`).toBe(201);
  return (await res.json()) as Json;
}
const patch = (tenant: TestTenant, id: string, payload: unknown) =>
  call("PATCH", `/api/work-orders/${id}`, { token: tenant.admin.token, body: payload });
async function availability(tenant: TestTenant, query: Record<string, string>) {
  const res = await call("GET", `/api/maintenance/availability?${new URLSearchParams(query)}`, { token: tenant.admin.token });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Json;
}

const ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"];
const clock = (minutes: number) => `${String(Math.floor(minutes / 60) % 24).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

/** A shop from a seed: technicians with random shifts, zones and skills, bays, and bookings. */
async function generatedShop(seed: number) {
  const random = mulberry32(seed); // deterministic: a failing shop can be regenerated from its seed
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const tenant = await createTenant();
  const vehicles = Object.values(await addVehicles(tenant, ["v1", "v2", "v3"]));
  const technicians = [];
  for (let i = 0; i < 2; i++) {
    const shifts = [1, 2, 3].map((weekday) => {
      const start = (5 + Math.floor(random() * 12)) * 60 + pick([0, 30]);
      return { weekday, start: clock(start), end: clock(start + pick([4, 6, 8]) * 60) };
    });
    technicians.push(
      await post(tenant, "/api/technicians", {
        name: `Tech ${i}`,
        skills: i === 0 ? ["general", "brakes"] : ["general"],
        shifts,
        timeZone: pick(ZONES),
      }),
    );
  }
  const bays = [await post(tenant, "/api/bays", { name: "Bay A", capacity: pick([1, 2]) })];
  // Existing bookings: whatever the rules accept of a few random attempts.
  for (let i = 0; i < 6; i++) {
    const wo = await post(tenant, "/api/work-orders", { vehicleId: pick(vehicles).id, title: `Job ${i}`, priority: "normal" });
    const start = MONDAY + Math.floor(random() * 3 * 96) * STEP;
    await patch(tenant, wo.id, {
      technicianId: random() < 0.8 ? pick(technicians).id : null,
      bayId: random() < 0.6 ? bays[0].id : null,
      scheduledStart: iso(start),
      scheduledEnd: iso(start + pick([60, 90, 120]) * MIN),
    });
  }
  const target = await post(tenant, "/api/work-orders", {
    vehicleId: pick(vehicles).id,
    title: "Target",
    priority: "high",
    ...(random() < 0.5 ? { skill: "brakes" } : {}),
  });
  return { tenant, technicians, bays, target, random, pick };
}

const offeredStarts = (items: { start: string; end: string }[], durationMs: number) =>
  new Set(
    items.flatMap((w) => {
      const out: number[] = [];
      for (let s = Date.parse(w.start); s + durationMs <= Date.parse(w.end); s += STEP) out.push(s);
      return out;
    }),
  );

describe("bookable time", { timeout: 60_000 }, () => {
  for (const seed of [11, 23, 37, 41]) {
    it(`shop ${seed}: every offered start is accepted and every other start is refused`, async () => {
      const { tenant, technicians, bays, target, random, pick } = await generatedShop(seed);
      const technician = pick(technicians);
      const withBay = random() < 0.5;
      const durationMinutes = pick([45, 60, 90]);
      const from = MONDAY;
      const to = MONDAY + 3 * DAY;
      const answer = await availability(tenant, {
        from: iso(from),
        to: iso(to),
        durationMinutes: String(durationMinutes),
        workOrderId: target.id,
        technicianId: technician.id,
        ...(withBay ? { bayId: bays[0].id } : {}),
      });
      const duration = durationMinutes * MIN;
      const offered = offeredStarts(answer.items, duration);
      const all: number[] = [];
      for (let s = from; s + duration <= to; s += STEP) all.push(s);
      const refusedStarts = all.filter((s) => !offered.has(s));
      const booking = (start: number) => ({
        technicianId: technician.id,
        bayId: withBay ? bays[0].id : null,
        scheduledStart: iso(start),
        scheduledEnd: iso(start + duration),
      });

      // Starts not offered, a sample of them: PATCH refuses each (the work order stays as it was).
      for (let i = 0; i < 8 && refusedStarts.length; i++) {
        const start = pick(refusedStarts);
        const res = await patch(tenant, target.id, booking(start));
        expect(res.status, `refused start ${iso(start)} was accepted`).toBe(409);
      }
      // Offered starts, a sample including each interval's first and last: PATCH accepts each.
      const samples = [
        ...answer.items.flatMap((w: Json) => [Date.parse(w.start), Date.parse(w.end) - duration]),
        ...Array.from({ length: 4 }, () => pick([...offered])),
      ].filter((s) => s !== undefined);
      for (const start of samples.slice(0, 12)) {
        const res = await patch(tenant, target.id, booking(start));
        expect(res.status, `offered start ${iso(start)}: ${await res.clone().text()}`).toBe(200);
      }
      // A skill the technician lacks leaves nothing offered, as PATCH would refuse it.
      if (target.skill === "brakes" && !technician.skills.includes("brakes")) expect(answer.items).toEqual([]);
    });
  }

  it("never offers time overlapping a booking or outside the shift; bays and technicians each on their own", async () => {
    const tenant = await createTenant();
    const { v1, v2 } = await addVehicles(tenant, ["v1", "v2"]);
    const tech = await post(tenant, "/api/technicians", {
      name: "Ana",
      skills: ["general"],
      shifts: [{ weekday: 1, start: "08:00", end: "16:00" }],
      timeZone: "Europe/Berlin",
    });
    const bay = await post(tenant, "/api/bays", { name: "Bay 1", capacity: 1 });
    const busy = await post(tenant, "/api/work-orders", { vehicleId: v1!.id, title: "Busy", priority: "normal" });
    // Monday 10:00–12:00 in Berlin (winter: UTC+1 or summer: UTC+2, whichever applies that day).
    const shift = (await availability(tenant, { from: iso(MONDAY), to: iso(MONDAY + DAY), technicianId: tech.id })).items;
    expect(shift).toHaveLength(1);
    const shiftStart = Date.parse(shift[0].start);
    expect(Date.parse(shift[0].end) - shiftStart).toBe(8 * H);
    const bookedRes = await patch(tenant, busy.id, {
      technicianId: tech.id,
      bayId: bay.id,
      scheduledStart: iso(shiftStart + 2 * H),
      scheduledEnd: iso(shiftStart + 4 * H),
    });
    expect(bookedRes.status).toBe(200);

    const target = await post(tenant, "/api/work-orders", { vehicleId: v2!.id, title: "Target", priority: "normal" });
    const answer = await availability(tenant, {
      from: iso(MONDAY),
      to: iso(MONDAY + DAY),
      durationMinutes: "60",
      workOrderId: target.id,
    });
    expect(answer).toMatchObject({ durationMinutes: 60, stepMinutes: 15, workOrderId: target.id });
    expect(answer.items).toEqual([
      { technicianId: tech.id, bayId: null, start: iso(shiftStart), end: iso(shiftStart + 2 * H) },
      { technicianId: tech.id, bayId: null, start: iso(shiftStart + 4 * H), end: iso(shiftStart + 8 * H) },
      { technicianId: null, bayId: bay.id, start: iso(MONDAY), end: iso(shiftStart + 2 * H) },
      { technicianId: null, bayId: bay.id, start: iso(shiftStart + 4 * H), end: iso(MONDAY + DAY) },
    ]);
    // The busy work order itself may move within its own booking: its booking is ignored.
    const own = await availability(tenant, {
      from: iso(MONDAY),
      to: iso(MONDAY + DAY),
      workOrderId: busy.id,
      technicianId: tech.id,
      bayId: bay.id,
    });
    expect(own.durationMinutes).toBe(60);
    expect(own.items).toEqual([{ technicianId: tech.id, bayId: bay.id, start: iso(shiftStart), end: iso(shiftStart + 8 * H) }]);
  });

  it("validates the query, bounds the horizon, stays in the tenant and is for managers", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    const foreign = await post(other, "/api/technicians", { name: "Bo", skills: [], shifts: [], timeZone: "UTC" });
    const get = (query: string, token = tenant.admin.token) => call("GET", `/api/maintenance/availability?${query}`, { token });

    const bad = await get(`from=yesterday&to=${iso(MONDAY)}&durationMinutes=0`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Json).errors.map((e: Json) => e.path).sort()).toEqual(["durationMinutes", "from"]);
    const long = await get(`from=${iso(MONDAY)}&to=${iso(MONDAY + 15 * DAY)}`);
    expect(long.status).toBe(400);
    expect(((await long.json()) as Json).errors).toEqual([expect.objectContaining({ path: "to" })]);
    const backwards = await get(`from=${iso(MONDAY)}&to=${iso(MONDAY - H)}`);
    expect(backwards.status).toBe(400);

    const missing = await get(`from=${iso(MONDAY)}&to=${iso(MONDAY + DAY)}&technicianId=${foreign.id}`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as Json).errors).toEqual([expect.objectContaining({ path: "technicianId" })]);
    const noOrder = await get(`from=${iso(MONDAY)}&to=${iso(MONDAY + DAY)}&workOrderId=nope`);
    expect(noOrder.status).toBe(404);

    const tech = await userWithRole(tenant, "technician");
    expect((await get(`from=${iso(MONDAY)}&to=${iso(MONDAY + DAY)}`, tech.token)).status).toBe(403);
  });
});
