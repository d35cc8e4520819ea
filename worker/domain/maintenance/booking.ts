/**
 * Booking rules, enforced on every write of a work order's booking: no technician, bay slot or
 * vehicle double-booked at overlapping times; inside the technician's shift; the technician has
 * the required skill. A conflict names the booking it collides with.
 */
import { DAY_MS } from "../time-zone";
import { insideWindows, shiftWindows, type Shift } from "./shifts";

/** A work order's booking; intervals are half-open [start, end) in epoch ms (back-to-back is fine). */
export interface Booking {
  workOrderId: string;
  vehicleId: string;
  technicianId: string | null;
  bayId: string | null;
  start: number;
  end: number;
  title?: string;
}

export interface TechnicianInfo {
  id: string;
  name: string;
  skills: readonly string[];
  shifts: readonly Shift[];
  timeZone: string;
}

export interface BayInfo {
  id: string;
  name: string;
  capacity: number;
}

export type ConflictKind = "missing_skill" | "outside_shift" | "technician_busy" | "vehicle_busy" | "bay_full";

export interface Conflict {
  kind: ConflictKind;
  /** A sentence for problem JSON's `detail`, naming the conflicting booking(s). */
  reason: string;
  conflictingWorkOrderIds: string[];
}

export const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end;

/** Skill names compare case-insensitively ("Brakes" = "brakes"). */
export const hasSkill = (skills: readonly string[], skill: string | null | undefined) =>
  !skill || skills.some((s) => s.toLowerCase() === skill.toLowerCase());

const describe = (b: Booking) =>
  `work order ${b.workOrderId}${b.title ? ` ("${b.title}")` : ""} booked ${new Date(b.start).toISOString()}–${new Date(b.end).toISOString()}`;

/**
 * The largest number of `bookings` running at the same moment within `span`, and the bookings
 * running at the earliest such moment. Bookings are intervals, so a peak is at some start.
 */
export function peakOverlap(bookings: readonly Booking[], span: { start: number; end: number }): { count: number; at: Booking[] } {
  const inside = bookings.filter((b) => overlaps(b, span));
  let best: { count: number; at: Booking[] } = { count: 0, at: [] };
  const points = [span.start, ...inside.map((b) => b.start).filter((t) => t > span.start && t < span.end)].sort((a, b) => a - b);
  for (const t of points) {
    const running = inside.filter((b) => b.start <= t && t < b.end);
    if (running.length > best.count) best = { count: running.length, at: running };
  }
  return best;
}

/**
 * The first rule `candidate` breaks against `existing` bookings (its own earlier booking, same
 * work order id, is ignored), or null when it may be booked. Checked in the order a manager
 * would fix them: skill, shift, technician, vehicle, bay.
 */
export function findBookingConflict(
  candidate: Booking,
  existing: readonly Booking[],
  context: { technician?: TechnicianInfo | null; bay?: BayInfo | null; skill?: string | null },
): Conflict | null {
  const others = existing.filter((b) => b.workOrderId !== candidate.workOrderId && overlaps(b, candidate));
  const { technician, bay, skill } = context;

  if (technician) {
    if (!hasSkill(technician.skills, skill)) {
      return {
        kind: "missing_skill",
        reason: `Technician "${technician.name}" (${technician.id}) does not have the required skill "${skill}".`,
        conflictingWorkOrderIds: [],
      };
    }
    const windows = shiftWindows(technician.shifts, technician.timeZone, candidate.start - DAY_MS, candidate.end + DAY_MS);
    if (!insideWindows(windows, candidate.start, candidate.end)) {
      return {
        kind: "outside_shift",
        reason:
          `${new Date(candidate.start).toISOString()}–${new Date(candidate.end).toISOString()} is outside the shifts of ` +
          `technician "${technician.name}" (${technician.id}) in ${technician.timeZone}.`,
        conflictingWorkOrderIds: [],
      };
    }
    const busy = others.find((b) => b.technicianId === technician.id);
    if (busy) {
      return {
        kind: "technician_busy",
        reason: `Technician "${technician.name}" (${technician.id}) is already booked at that time: ${describe(busy)}.`,
        conflictingWorkOrderIds: [busy.workOrderId],
      };
    }
  }

  const vehicleBusy = others.find((b) => b.vehicleId === candidate.vehicleId);
  if (vehicleBusy) {
    return {
      kind: "vehicle_busy",
      reason: `Vehicle ${candidate.vehicleId} is already booked at that time: ${describe(vehicleBusy)}.`,
      conflictingWorkOrderIds: [vehicleBusy.workOrderId],
    };
  }

  if (bay) {
    const peak = peakOverlap(
      others.filter((b) => b.bayId === bay.id),
      candidate,
    );
    if (peak.count + 1 > bay.capacity) {
      return {
        kind: "bay_full",
        reason: `Bay "${bay.name}" (${bay.id}, capacity ${bay.capacity}) is full at that time: ${peak.at.map(describe).join("; ")}.`,
        conflictingWorkOrderIds: peak.at.map((b) => b.workOrderId),
      };
    }
  }
  return null;
}
