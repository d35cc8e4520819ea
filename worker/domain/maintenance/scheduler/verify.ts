/** An independent check of a schedule against the booking rules (for tests and the benchmark). */
import { findBookingConflict, type Booking } from "../booking";
import { MINUTE_MS } from "../../time-zone";
import type { ScheduleResult, SchedulerInput } from "./types";

/**
 * Checks a schedule against the booking rules the API enforces (skill, shift, technician,
 * vehicle and bay overlaps against existing bookings and each other), the horizon, and that
 * every work order appears exactly once. Returns the violations (empty = valid).
 */
export function verifySchedule(input: SchedulerInput, result: Pick<ScheduleResult, "scheduled" | "unscheduled">): string[] {
  const problems: string[] = [];
  const byId = new Map(input.workOrders.map((w) => [w.id, w]));
  const seen = new Map<string, number>();
  for (const id of [...result.scheduled.map((p) => p.workOrderId), ...result.unscheduled.map((u) => u.workOrderId)]) {
    seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  for (const w of input.workOrders) if (seen.get(w.id) !== 1) problems.push(`${w.id} appears ${seen.get(w.id) ?? 0} times`);
  for (const id of seen.keys()) if (!byId.has(id)) problems.push(`${id} is not an input work order`);

  const techs = new Map(input.technicians.map((t) => [t.id, t]));
  const bays = new Map(input.bays.map((b) => [b.id, b]));
  const booked: Booking[] = [...input.bookings];
  for (const p of result.scheduled) {
    const wo = byId.get(p.workOrderId);
    if (!wo) continue;
    if (p.start < input.from || p.end > input.to) problems.push(`${p.workOrderId} is outside the horizon`);
    if (p.end - p.start !== wo.durationMinutes * MINUTE_MS) problems.push(`${p.workOrderId} does not last its duration`);
    const technician = techs.get(p.technicianId);
    if (!technician) problems.push(`${p.workOrderId} has an unknown technician`);
    if (input.bays.length && !p.bayId) problems.push(`${p.workOrderId} has no bay`);
    const bay = p.bayId ? bays.get(p.bayId) : undefined;
    if (p.bayId && !bay) problems.push(`${p.workOrderId} has an unknown bay`);
    const candidate: Booking = {
      workOrderId: p.workOrderId,
      vehicleId: wo.vehicleId,
      technicianId: p.technicianId,
      bayId: p.bayId,
      start: p.start,
      end: p.end,
    };
    const conflict = findBookingConflict(candidate, booked, {
      technician: technician ? { ...technician, name: technician.name ?? technician.id } : null,
      bay: bay ? { ...bay, name: bay.name ?? bay.id } : null,
      skill: wo.skill,
    });
    if (conflict) problems.push(`${p.workOrderId}: ${conflict.kind}: ${conflict.reason}`);
    booked.push(candidate);
  }
  return problems;
}
