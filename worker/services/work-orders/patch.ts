/** PATCH /api/work-orders/:id: lifecycle, booking rules and completion, in one guarded batch. */
import { eq, sql } from "drizzle-orm";
import { database, inTenant } from "../../db/client";
import { serviceRecords, vehicles, workOrders, type WorkOrder } from "../../db/schema";
import { findBookingConflict, hasSkill, type Booking } from "../../domain/maintenance/booking";
import {
  BOOKED_STATUSES,
  isTerminal,
  transitionError,
  type WorkOrderPriority,
  type WorkOrderStatus,
} from "../../domain/maintenance/lifecycle";
import { assertIfMatch, preconditionFailed } from "../../lib/etag";
import { AppError, type FieldError } from "../../lib/problem";
import { TECHNICIAN_PATCH_FIELDS } from "../../schemas/maintenance";
import { awardWorkOrderCompletion } from "../engagement";
import { reportOutcome } from "../predictive-outcomes";
import { readMeters, serviceRecordRow } from "../maintenance";
import { noSuch } from "../references";
import { findBay, findTechnician } from "../shop";
import { bookingGuard, bookingsBetween } from "./booking";
import { scopeOf, visibleTo } from "./read";
import { eventIfRev, hasRev, newRev } from "./revisions";
import { publishWorkOrders, workOrderDetail, workOrderEtag, type Viewer } from "./view";

const invalid = (errors: FieldError[]) => new AppError("validation", "The request has invalid fields.", errors);

const conflictError = (reason: string) => new AppError("conflict", reason);

/* ------------------------------------------------------------------ update */

export interface WorkOrderPatch {
  status?: WorkOrderStatus;
  technicianId?: string | null;
  bayId?: string | null;
  scheduledStart?: string | null;
  scheduledEnd?: string | null;
  notes?: string | null;
  costCents?: number | null;
  title?: string;
  priority?: WorkOrderPriority;
  dueDate?: string | null;
  durationMinutes?: number;
  skill?: string | null;
  outcome?: WorkOrder["outcome"];
}

const pick = <T>(patched: T | undefined, current: T) => (patched !== undefined ? patched : current);
const ms = (value: string | null | undefined, current: number | null) =>
  value === undefined ? current : value === null ? null : Date.parse(value);

/**
 * Applies a PATCH: lifecycle (409 on an illegal transition), booking rules (409 naming the
 * conflicting booking), technicians limited to their own work orders' status, notes and cost;
 * completing a work order that carries a plan records the service and so starts the next
 * interval. Broadcasts the result. With `ifMatch` (the If-Match header) the write applies only
 * to the version it names (else 412); the guarded UPDATE on `rev` makes check and write atomic.
 */
export async function patchWorkOrder(env: Env, tenantId: string, viewer: Viewer, id: string, patch: WorkOrderPatch, ifMatch?: string) {
  const db = database(env.DB);
  const current = await db.query.workOrders.findFirst({ where: inTenant(workOrders, tenantId, eq(workOrders.id, id)) });
  const scope = await scopeOf(db, tenantId, viewer);
  if (!current || !visibleTo(scope, current)) throw new AppError("not_found", "No such work order.");
  if (ifMatch !== undefined) {
    const detail = await workOrderDetail(db, tenantId, current);
    assertIfMatch(ifMatch, "work order", detail, await workOrderEtag(detail));
  }
  const fields = Object.keys(patch).filter((k) => patch[k as keyof WorkOrderPatch] !== undefined);
  if (scope.limited) {
    if (!scope.technician || current.technicianId !== scope.technician.id)
      throw new AppError("forbidden", "A technician may change only work orders assigned to it.");
    const others = fields.filter((k) => !TECHNICIAN_PATCH_FIELDS.has(k));
    if (others.length)
      throw new AppError("forbidden", `A technician may change status, notes and costCents only (not ${others.join(", ")}).`);
  }

  const now = Date.now();
  const next = {
    technicianId: pick(patch.technicianId, current.technicianId),
    bayId: pick(patch.bayId, current.bayId),
    scheduledStart: ms(patch.scheduledStart, current.scheduledStart),
    scheduledEnd: ms(patch.scheduledEnd, current.scheduledEnd),
    notes: pick(patch.notes, current.notes),
    costCents: pick(patch.costCents, current.costCents),
    title: pick(patch.title, current.title),
    priority: pick(patch.priority, current.priority),
    dueDate: ms(patch.dueDate, current.dueDate),
    durationMinutes: pick(patch.durationMinutes, current.durationMinutes),
    skill: pick(patch.skill, current.skill),
  };
  const bookingFields = ["technicianId", "bayId", "scheduledStart", "scheduledEnd", "skill"].filter((k) => fields.includes(k));
  // A booking given to an open work order schedules it, unless the caller says otherwise.
  let status: WorkOrderStatus = patch.status ?? current.status;
  if (
    patch.status === undefined &&
    current.status === "open" &&
    bookingFields.length &&
    next.scheduledStart != null &&
    next.scheduledEnd != null
  )
    status = "scheduled";

  const refused = transitionError(current.status, status);
  if (refused) throw conflictError(refused);
  if (isTerminal(current.status)) {
    const frozen = fields.filter((k) => !["notes", "costCents", "status", "outcome"].includes(k));
    if (frozen.length)
      throw conflictError(`A ${current.status} work order can only have its notes and cost changed (not ${frozen.join(", ")}).`);
  }

  // The booking as it would be.
  const errors: FieldError[] = [];
  if ((next.scheduledStart == null) !== (next.scheduledEnd == null)) {
    errors.push({
      path: next.scheduledStart == null ? "scheduledStart" : "scheduledEnd",
      message: "scheduledStart and scheduledEnd go together",
    });
  } else if (next.scheduledStart != null && next.scheduledEnd! <= next.scheduledStart) {
    errors.push({ path: "scheduledEnd", message: "Must be after scheduledStart" });
  }
  const booked = BOOKED_STATUSES.includes(status);
  if (booked && next.scheduledStart == null && next.scheduledEnd == null) {
    errors.push(
      { path: "scheduledStart", message: `Required for a ${status} work order` },
      { path: "scheduledEnd", message: `Required for a ${status} work order` },
    );
  }
  if (patch.outcome && status !== "completed") errors.push({ path: "outcome", message: "Only for a completed work order" });
  if (errors.length) throw invalid(errors);

  const technician = next.technicianId ? await findTechnician(db, tenantId, next.technicianId) : null;
  if (next.technicianId && !technician) throw noSuch("technician", "technicianId");
  const bay = next.bayId ? await findBay(db, tenantId, next.bayId) : null;
  if (next.bayId && !bay) throw noSuch("bay", "bayId");

  const entersBooking = booked && (!BOOKED_STATUSES.includes(current.status) || bookingFields.length > 0);
  const candidate: Booking | null =
    booked && next.scheduledStart != null
      ? {
          workOrderId: current.id,
          vehicleId: current.vehicleId,
          technicianId: next.technicianId,
          bayId: next.bayId,
          start: next.scheduledStart,
          end: next.scheduledEnd!,
        }
      : null;
  const techInfo = technician
    ? { id: technician.id, name: technician.name, skills: technician.skills, shifts: technician.shifts, timeZone: technician.timeZone }
    : null;
  const bayInfo = bay ? { id: bay.id, name: bay.name, capacity: bay.capacity } : null;
  if (entersBooking && candidate) {
    const existing = await bookingsBetween(db, tenantId, candidate.start, candidate.end, current.id);
    const conflict = findBookingConflict(candidate, existing, { technician: techInfo, bay: bayInfo, skill: next.skill });
    if (conflict) throw conflictError(conflict.reason);
  } else if (
    technician &&
    (bookingFields.includes("technicianId") || bookingFields.includes("skill")) &&
    !hasSkill(technician.skills, next.skill)
  ) {
    throw conflictError(`Technician "${technician.name}" (${technician.id}) does not have the required skill "${next.skill}".`);
  }

  const rev = newRev();
  const changes: Partial<WorkOrder> = { ...next, status, rev, updatedAt: now };
  if (patch.outcome !== undefined) changes.outcome = patch.outcome;
  if (status !== current.status) {
    if (status === "in_progress") changes.startedAt = now;
    if (status === "completed") changes.completedAt = now;
    if (status === "cancelled") changes.cancelledAt = now;
  }
  const guard = entersBooking && candidate ? bookingGuard(tenantId, current.id, candidate, bayInfo?.capacity ?? null) : undefined;
  const update = db
    .update(workOrders)
    .set(changes)
    .where(inTenant(workOrders, tenantId, eq(workOrders.id, current.id), eq(workOrders.rev, current.rev), guard))
    .returning();

  const extra = [];
  if (status !== current.status) extra.push(eventIfRev(db, tenantId, current.id, rev, current.status, status, viewer.userId, now));
  if (status === "completed" && current.status !== "completed" && current.planId) {
    const vehicle = await db.query.vehicles.findFirst({ where: inTenant(vehicles, tenantId, eq(vehicles.id, current.vehicleId)) });
    const meters = vehicle ? (await readMeters(env, tenantId, [vehicle], now)).get(vehicle.id)! : { odometerKm: null, engineHours: null };
    const record = serviceRecordRow(tenantId, current.vehicleId, current.planId, meters, now, current.id);
    extra.push(
      db.insert(serviceRecords).select(
        sql`SELECT ${record.id}, ${tenantId}, ${record.vehicleId}, ${record.planId}, ${record.workOrderId}, ${record.odometerKm}, ${record.engineHours}, ${record.performedAt}, ${now}, 0
            WHERE ${hasRev(tenantId, current.id, rev)}`,
      ),
    );
  }
  const [rows] = await db.batch([update, ...extra]);
  const updated = (rows as WorkOrder[])[0];
  if (!updated) {
    const now2 = await db.query.workOrders.findFirst({ where: inTenant(workOrders, tenantId, eq(workOrders.id, current.id)) });
    if (now2 && now2.rev !== current.rev && ifMatch !== undefined) {
      const detail = await workOrderDetail(db, tenantId, now2);
      throw preconditionFailed("work order", detail, await workOrderEtag(detail));
    }
    if (!now2 || now2.rev !== current.rev)
      throw conflictError("The work order was changed by someone else meanwhile; reload it and try again.");
    const existing = candidate ? await bookingsBetween(db, tenantId, candidate.start, candidate.end, current.id) : [];
    const conflict = candidate ? findBookingConflict(candidate, existing, { technician: techInfo, bay: bayInfo, skill: next.skill }) : null;
    throw conflictError(conflict?.reason ?? "Another booking was made at the same time; reload and try again.");
  }
  const detail = await workOrderDetail(db, tenantId, updated);
  await publishWorkOrders(env, tenantId, [detail]);
  if (status === "completed" && current.status !== "completed") await awardWorkOrderCompletion(env, tenantId, updated.id);
  if (updated.outcome && updated.outcome !== current.outcome) await reportOutcome(env, tenantId, updated);
  return detail;
}
