/**
 * POST /api/maintenance/auto-schedule: loads the tenant's open work orders, technicians, bays and
 * existing bookings, runs the pure scheduler (`domain/maintenance/scheduler`) and books what it
 * placed.
 */
import { database } from "../db/client";
import { autoSchedule } from "../domain/maintenance/scheduler";
import { allBays, allTechnicians } from "./shop";
import { applyPlacements, bookingsBetween, openWorkOrders, publicWorkOrder } from "./work-orders";

export async function runAutoSchedule(env: Env, tenantId: string, actorId: string | null, from: number, to: number) {
  const db = database(env.DB);
  const [open, techs, shopBays, bookings] = await Promise.all([
    openWorkOrders(db, tenantId),
    allTechnicians(db, tenantId),
    allBays(db, tenantId),
    bookingsBetween(db, tenantId, from, to),
  ]);
  const result = autoSchedule({
    from,
    to,
    workOrders: open.map((w) => ({
      id: w.id,
      vehicleId: w.vehicleId,
      priority: w.priority,
      dueDate: w.dueDate,
      durationMinutes: w.durationMinutes,
      skill: w.skill,
      title: w.title,
    })),
    technicians: techs.map((t) => ({ id: t.id, name: t.name, skills: t.skills, shifts: t.shifts, timeZone: t.timeZone })),
    bays: shopBays.map((b) => ({ id: b.id, name: b.name, capacity: b.capacity })),
    bookings,
  });
  const byId = new Map(open.map((w) => [w.id, w]));
  const { booked, lost } = await applyPlacements(
    env,
    tenantId,
    actorId,
    result.scheduled.map((p) => ({
      workOrder: byId.get(p.workOrderId)!,
      technicianId: p.technicianId,
      bayId: p.bayId,
      start: p.start,
      end: p.end,
    })),
    new Map(shopBays.map((b) => [b.id, b.capacity])),
  );
  const order = new Map(result.scheduled.map((p, i) => [p.workOrderId, i]));
  return {
    scheduled: booked.sort((a, b) => order.get(a.id)! - order.get(b.id)!).map(publicWorkOrder),
    unscheduled: [
      ...result.unscheduled,
      ...lost.map((workOrderId) => ({
        workOrderId,
        reason: "The work order or a booking it needed changed while scheduling; run the scheduler again.",
      })),
    ],
    objective: result.objective,
  };
}
