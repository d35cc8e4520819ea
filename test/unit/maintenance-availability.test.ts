/**
 * Bookable intervals agree with the booking rule: any start inside an offered interval (not only
 * step-aligned ones: that is what merging claims) breaks no rule, and every step-aligned start
 * left out breaks one. Random shops: bookings, shifts in a zone, bay capacity, durations shorter
 * and longer than the step.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bookableIntervals } from "../../worker/domain/maintenance/availability";
import { type Booking, findBookingConflict, type TechnicianInfo } from "../../worker/domain/maintenance/booking";

const MIN = 60_000;
const STEP = 15 * MIN;
const MON = Date.parse("2026-03-23T00:00:00Z"); // a Monday; Berlin moves to summer time that week

const clock = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;

const shop = fc.record({
  shifts: fc.array(
    fc.record({ weekday: fc.integer({ min: 1, max: 2 }), start: fc.integer({ min: 0, max: 95 }), length: fc.integer({ min: 1, max: 40 }) }),
    { minLength: 1, maxLength: 3 },
  ),
  zone: fc.constantFrom("UTC", "Europe/Berlin", "Asia/Kathmandu"),
  capacity: fc.integer({ min: 1, max: 2 }),
  durationMinutes: fc.constantFrom(5, 10, 15, 40, 60, 95),
  bookings: fc.array(
    fc.record({
      start: fc.integer({ min: 0, max: 2 * 24 * 60 }),
      length: fc.oneof(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 10, max: 180 })),
      technician: fc.boolean(),
      bay: fc.boolean(),
      sameVehicle: fc.boolean(),
    }),
    { maxLength: 12 },
  ),
});

describe("bookableIntervals", () => {
  it("offers exactly the starts the booking rule accepts", { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(shop, (s) => {
        const technician: TechnicianInfo = {
          id: "tec_1",
          name: "Ana",
          skills: [],
          timeZone: s.zone,
          shifts: s.shifts.map((x) => ({ weekday: x.weekday, start: clock(x.start * 15), end: clock(((x.start + x.length) % 96) * 15) })),
        };
        const bay = { id: "bay_1", name: "Bay", capacity: s.capacity };
        const bookings: Booking[] = s.bookings.map((b, i) => ({
          workOrderId: `wo_${i}`,
          vehicleId: b.sameVehicle ? "veh_target" : `veh_${i}`,
          technicianId: b.technician ? technician.id : "tec_other",
          bayId: b.bay ? bay.id : null,
          start: MON + b.start * MIN,
          end: MON + (b.start + b.length) * MIN,
        }));
        const duration = s.durationMinutes * MIN;
        const from = MON;
        const to = MON + 2 * 24 * 60 * MIN;
        const offered = bookableIntervals({
          from,
          to,
          durationMs: duration,
          stepMs: STEP,
          workOrderId: "wo_target",
          vehicleId: "veh_target",
          skill: null,
          technician,
          bay,
          bookings,
        });
        const accepted = (start: number) =>
          findBookingConflict(
            { workOrderId: "wo_target", vehicleId: "veh_target", technicianId: technician.id, bayId: bay.id, start, end: start + duration },
            bookings,
            { technician, bay, skill: null },
          ) === null;
        for (const w of offered) {
          for (let t = w.start; t + duration <= w.end; t += 5 * MIN) expect(accepted(t), new Date(t).toISOString()).toBe(true);
        }
        for (let t = from; t + duration <= to; t += STEP) {
          const inside = offered.some((w) => w.start <= t && t + duration <= w.end);
          if (!inside) expect(accepted(t), new Date(t).toISOString()).toBe(false);
        }
      }),
      { numRuns: 25 },
    );
  });
});
