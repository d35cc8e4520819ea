import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findBookingConflict, overlaps, peakOverlap, type Booking, type TechnicianInfo } from "../../worker/domain/maintenance/booking";
import * as schema from "../../worker/db/schema";
import * as lifecycle from "../../worker/domain/maintenance/lifecycle";
import { transitionError, WORK_ORDER_STATUSES, type WorkOrderStatus } from "../../worker/domain/maintenance/lifecycle";

const H = 3_600_000;
const MON = Date.parse("2026-01-05T00:00:00Z"); // a Monday; Berlin is UTC+1 then
const at = (hours: number) => MON + hours * H;
const ana: TechnicianInfo = {
  id: "tec_ana",
  name: "Ana",
  skills: ["general", "Brakes"],
  shifts: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: "08:00", end: "16:00" })),
  timeZone: "Europe/Berlin",
};
const booking = (id: string, startH: number, endH: number, extra: Partial<Booking> = {}): Booking => ({
  workOrderId: id,
  vehicleId: `veh_${id}`,
  technicianId: null,
  bayId: null,
  start: at(startH),
  end: at(endH),
  title: `Job ${id}`,
  ...extra,
});

describe("booking conflicts", () => {
  it("accepts a booking inside the shift with the skill and nothing overlapping", () => {
    expect(findBookingConflict(booking("new", 8, 10, { technicianId: "tec_ana" }), [], { technician: ana, skill: "brakes" })).toBeNull();
  });

  it("rejects a technician booked twice at overlapping times, naming the other booking; back to back is fine", () => {
    const existing = [booking("wo_a", 8, 10, { technicianId: "tec_ana" })];
    const conflict = findBookingConflict(booking("new", 9, 11, { technicianId: "tec_ana" }), existing, { technician: ana });
    expect(conflict).toMatchObject({ kind: "technician_busy", conflictingWorkOrderIds: ["wo_a"] });
    expect(conflict!.reason).toContain("wo_a");
    expect(conflict!.reason).toContain('"Job wo_a"');
    expect(findBookingConflict(booking("new", 10, 12, { technicianId: "tec_ana" }), existing, { technician: ana })).toBeNull();
  });

  it("ignores the work order's own earlier booking (rescheduling)", () => {
    const own = booking("wo_a", 8, 10, { technicianId: "tec_ana" });
    expect(findBookingConflict({ ...own, start: at(9), end: at(11) }, [own], { technician: ana })).toBeNull();
  });

  it("rejects a vehicle in two bookings at once, whoever works on it", () => {
    const existing = [booking("wo_b", 8, 10, { vehicleId: "veh_1", technicianId: "tec_other" })];
    const conflict = findBookingConflict(booking("new", 9, 10, { vehicleId: "veh_1", technicianId: "tec_ana" }), existing, {
      technician: ana,
    });
    expect(conflict).toMatchObject({ kind: "vehicle_busy", conflictingWorkOrderIds: ["wo_b"] });
  });

  it("fills a bay up to its capacity at any moment, counting only bookings that really overlap each other", () => {
    const bay = { id: "bay_1", name: "Bay 1", capacity: 2 };
    const a = booking("wo_a", 8, 9, { bayId: "bay_1" });
    const b = booking("wo_b", 9, 10, { bayId: "bay_1" });
    const c = booking("wo_c", 8.5, 9.5, { bayId: "bay_1" });
    // a and b never overlap each other: one more place is free all along.
    expect(findBookingConflict(booking("new", 8, 10, { bayId: "bay_1" }), [a, b], { bay })).toBeNull();
    // with c, 08:30–09:00 has a and c: full.
    const full = findBookingConflict(booking("new", 8, 10, { bayId: "bay_1" }), [a, b, c], { bay });
    expect(full).toMatchObject({ kind: "bay_full" });
    expect(full!.conflictingWorkOrderIds.sort()).toEqual(["wo_a", "wo_c"]);
    expect(full!.reason).toContain("capacity 2");
    // Another bay's bookings do not count.
    expect(
      findBookingConflict(
        booking("new", 8, 10, { bayId: "bay_1" }),
        [a, c].map((x) => ({ ...x, bayId: "bay_2" })),
        { bay },
      ),
    ).toBeNull();
  });

  it("rejects a booking outside the technician's shift in its time zone", () => {
    // 08:00–16:00 Berlin is 07:00–15:00Z in January.
    expect(findBookingConflict(booking("new", 7, 9, { technicianId: "tec_ana" }), [], { technician: ana })).toBeNull();
    const early = findBookingConflict(booking("new", 6.5, 8, { technicianId: "tec_ana" }), [], { technician: ana });
    expect(early).toMatchObject({ kind: "outside_shift" });
    expect(early!.reason).toContain("Europe/Berlin");
    expect(findBookingConflict(booking("new", 14, 15.5, { technicianId: "tec_ana" }), [], { technician: ana })?.kind).toBe("outside_shift");
    // Saturday: no shift at all.
    expect(findBookingConflict(booking("new", 5 * 24 + 8, 5 * 24 + 9, { technicianId: "tec_ana" }), [], { technician: ana })?.kind).toBe(
      "outside_shift",
    );
  });

  it("rejects a technician without the required skill (skills compare case-insensitively)", () => {
    expect(findBookingConflict(booking("new", 8, 9, { technicianId: "tec_ana" }), [], { technician: ana, skill: "BRAKES" })).toBeNull();
    const missing = findBookingConflict(booking("new", 8, 9, { technicianId: "tec_ana" }), [], { technician: ana, skill: "electrical" });
    expect(missing).toMatchObject({ kind: "missing_skill" });
    expect(missing!.reason).toContain('"electrical"');
  });

  it("property: no conflict found ⇒ nothing overlapping for the technician or vehicle, and the bay never over capacity", () => {
    const arbBooking = fc.record({
      workOrderId: fc.constantFrom("w1", "w2", "w3", "w4", "w5", "w6"),
      vehicleId: fc.constantFrom("v1", "v2", "v3"),
      technicianId: fc.constantFrom("tec_ana", "tec_bo", null),
      bayId: fc.constantFrom("bay_1", "bay_2", null),
      startQ: fc.integer({ min: 28, max: 60 }), // quarter hours from Monday 07:00Z
      lengthQ: fc.integer({ min: 1, max: 12 }),
    });
    const toBooking = (b: {
      workOrderId: string;
      vehicleId: string;
      technicianId: string | null;
      bayId: string | null;
      startQ: number;
      lengthQ: number;
    }): Booking => ({
      workOrderId: b.workOrderId,
      vehicleId: b.vehicleId,
      technicianId: b.technicianId,
      bayId: b.bayId,
      start: MON + b.startQ * 900_000,
      end: MON + (b.startQ + b.lengthQ) * 900_000,
    });
    fc.assert(
      fc.property(fc.array(arbBooking, { maxLength: 8 }), arbBooking, fc.integer({ min: 1, max: 3 }), (raw, rawCandidate, capacity) => {
        const existing = raw.map(toBooking);
        const candidate = toBooking(rawCandidate);
        const technician = candidate.technicianId === "tec_ana" ? ana : null;
        const bay = candidate.bayId === "bay_1" ? { id: "bay_1", name: "Bay 1", capacity } : null;
        const conflict = findBookingConflict(candidate, existing, { technician, bay });
        if (conflict) return;
        const others = existing.filter((b) => b.workOrderId !== candidate.workOrderId && overlaps(b, candidate));
        if (technician) expect(others.some((b) => b.technicianId === technician.id)).toBe(false);
        expect(others.some((b) => b.vehicleId === candidate.vehicleId)).toBe(false);
        if (bay)
          expect(
            peakOverlap(
              others.filter((b) => b.bayId === bay.id),
              candidate,
            ).count,
          ).toBeLessThan(capacity);
      }),
      { numRuns: 500 },
    );
  });
});

describe("work-order lifecycle", () => {
  const allowed: [WorkOrderStatus, WorkOrderStatus][] = [
    ["open", "scheduled"],
    ["scheduled", "in_progress"],
    ["in_progress", "completed"],
    ["open", "cancelled"],
    ["scheduled", "cancelled"],
    ["in_progress", "cancelled"],
  ];

  it("allows exactly open → scheduled → in_progress → completed, and cancelled from any but completed", () => {
    for (const from of WORK_ORDER_STATUSES) {
      for (const to of WORK_ORDER_STATUSES) {
        const ok = from === to || allowed.some(([a, b]) => a === from && b === to);
        expect(transitionError(from, to) === null, `${from} → ${to}`).toBe(ok);
      }
    }
  });

  it("uses the same statuses, priorities and sources as the D1 enums", () => {
    expect(lifecycle.WORK_ORDER_STATUSES).toEqual(schema.WORK_ORDER_STATUSES);
    expect(lifecycle.WORK_ORDER_PRIORITIES).toEqual(schema.WORK_ORDER_PRIORITIES);
    expect(lifecycle.WORK_ORDER_SOURCES).toEqual(schema.WORK_ORDER_SOURCES);
  });

  it("explains a refused transition", () => {
    expect(transitionError("open", "completed")).toMatch(/from open to completed.*scheduled or cancelled/);
    expect(transitionError("completed", "cancelled")).toMatch(/completed work order/);
    expect(transitionError("cancelled", "open")).toMatch(/cancelled work order/);
  });
});
