/**
 * GET /api/maintenance/availability: loads the tenant's technicians, bays, the work order to book
 * and the bookings overlapping the horizon, and asks the booking rules
 * (`domain/maintenance/availability`) which starts they accept.
 */
import { eq } from "drizzle-orm";
import { database, inTenant } from "../db/client";
import { workOrders } from "../db/schema";
import { bookableIntervals } from "../domain/maintenance/availability";
import type { BayInfo, TechnicianInfo } from "../domain/maintenance/booking";
import { isTerminal } from "../domain/maintenance/lifecycle";
import { iso } from "../lib/time";
import { AppError } from "../lib/problem";
import { noSuch, notFoundAt } from "./references";
import { allBays, allTechnicians } from "./shop";
import { bookingsBetween } from "./work-orders";

export const AVAILABILITY_STEP_MINUTES = 15;
const DEFAULT_DURATION_MINUTES = 60;

export interface AvailabilityRequest {
  from: number;
  to: number;
  durationMinutes?: number;
  workOrderId?: string;
  technicianId?: string;
  bayId?: string;
}

/**
 * Which resources to answer for: the technician and/or bay named; with neither, each technician
 * (no bay) and each bay (no technician) on its own, as the week calendars show them.
 */
function pairs(technicians: TechnicianInfo[], bays: BayInfo[], request: AvailabilityRequest) {
  const technician = request.technicianId ? technicians.find((t) => t.id === request.technicianId) : undefined;
  const bay = request.bayId ? bays.find((b) => b.id === request.bayId) : undefined;
  if (request.technicianId && !technician) throw noSuch("technician", "technicianId");
  if (request.bayId && !bay) throw noSuch("bay", "bayId");
  if (technician || bay) return [{ technician: technician ?? null, bay: bay ?? null }];
  return [...technicians.map((t) => ({ technician: t, bay: null })), ...bays.map((b) => ({ technician: null, bay: b }))];
}

export async function findAvailability(env: Env, tenantId: string, request: AvailabilityRequest) {
  const db = database(env.DB);
  const [workOrder, techs, shopBays, bookings] = await Promise.all([
    request.workOrderId
      ? db.query.workOrders.findFirst({ where: inTenant(workOrders, tenantId, eq(workOrders.id, request.workOrderId)) })
      : undefined,
    allTechnicians(db, tenantId),
    allBays(db, tenantId),
    bookingsBetween(db, tenantId, request.from, request.to),
  ]);
  if (request.workOrderId && !workOrder) throw notFoundAt([{ path: "workOrderId", message: "No such work order" }]);
  if (workOrder && isTerminal(workOrder.status)) throw new AppError("conflict", `A ${workOrder.status} work order cannot be booked.`);
  const durationMinutes = request.durationMinutes ?? workOrder?.durationMinutes ?? DEFAULT_DURATION_MINUTES;
  const technicians: TechnicianInfo[] = techs.map((t) => ({
    id: t.id,
    name: t.name,
    skills: t.skills,
    shifts: t.shifts,
    timeZone: t.timeZone,
  }));
  const bays: BayInfo[] = shopBays.map((b) => ({ id: b.id, name: b.name, capacity: b.capacity }));
  const items = pairs(technicians, bays, request).flatMap(({ technician, bay }) =>
    bookableIntervals({
      from: request.from,
      to: request.to,
      durationMs: durationMinutes * 60_000,
      stepMs: AVAILABILITY_STEP_MINUTES * 60_000,
      // Without a work order there is no vehicle to keep free: an id no booking carries.
      workOrderId: workOrder?.id ?? "",
      vehicleId: workOrder?.vehicleId ?? "",
      skill: workOrder?.skill ?? null,
      technician,
      bay,
      bookings,
    }).map((w) => ({ technicianId: technician?.id ?? null, bayId: bay?.id ?? null, start: iso(w.start), end: iso(w.end) })),
  );
  return {
    from: iso(request.from),
    to: iso(request.to),
    durationMinutes,
    stepMinutes: AVAILABILITY_STEP_MINUTES,
    workOrderId: workOrder?.id ?? null,
    items,
  };
}
