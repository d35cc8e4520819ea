/**
 * Bookable time (GET /api/maintenance/availability): the intervals in which a booking of a given
 * length may be placed for a technician and/or a bay. Every candidate start is judged by
 * `findBookingConflict`, the very rule PATCH /api/work-orders/:id applies, so what is offered
 * here is what a booking will be accepted for; nothing re-implements the rules.
 */
import { DAY_MS } from "../time-zone";
import { type BayInfo, type Booking, findBookingConflict, type TechnicianInfo } from "./booking";
import { insideWindows, shiftWindows, type Window } from "./shifts";

export interface AvailabilityInput {
  /** Horizon [from, to) in epoch ms: a booking starts at or after `from` and ends by `to`. */
  from: number;
  to: number;
  durationMs: number;
  /** Candidate starts lie on multiples of the step since the epoch (quarter hours in UTC). */
  stepMs: number;
  /** The work order to book (its own booking is ignored), its vehicle and required skill. */
  workOrderId: string;
  vehicleId: string;
  skill: string | null;
  technician: TechnicianInfo | null;
  bay: BayInfo | null;
  /** Booked work orders overlapping the horizon. */
  bookings: readonly Booking[];
}

/**
 * Free intervals, sorted: a booking of `durationMs` may start at any step-aligned time `s` with
 * `start ≤ s` and `s + durationMs ≤ end`. Consecutive accepted starts merge into one interval
 * only when the step is no longer than the booking — then every booking inside the merged span
 * is covered by the two neighbouring accepted ones, so it breaks no rule either.
 */
export function bookableIntervals(input: AvailabilityInput): Window[] {
  const { from, to, durationMs, stepMs, technician, bay } = input;
  // Only the bookings the rules can look at; the rule itself still decides.
  const relevant = input.bookings.filter(
    (b) =>
      b.workOrderId !== input.workOrderId &&
      (b.vehicleId === input.vehicleId || (technician && b.technicianId === technician.id) || (bay && b.bayId === bay.id)),
  );
  // A quick pre-filter on shift windows (computed once) spares the rule starts it would refuse.
  const shifts = technician ? shiftWindows(technician.shifts, technician.timeZone, from - DAY_MS, to + DAY_MS) : null;
  const merge = stepMs <= durationMs;
  const out: Window[] = [];
  let lastStart = Number.NEGATIVE_INFINITY;
  for (let start = Math.ceil(from / stepMs) * stepMs; start + durationMs <= to; start += stepMs) {
    const end = start + durationMs;
    if (shifts && !insideWindows(shifts, start, end)) continue;
    const candidate: Booking = {
      workOrderId: input.workOrderId,
      vehicleId: input.vehicleId,
      technicianId: technician?.id ?? null,
      bayId: bay?.id ?? null,
      start,
      end,
    };
    if (findBookingConflict(candidate, relevant, { technician, bay, skill: input.skill })) continue;
    const last = out.at(-1);
    if (merge && last && lastStart === start - stepMs) last.end = end;
    else out.push({ start, end });
    lastStart = start;
  }
  return out;
}
