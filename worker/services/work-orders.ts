/**
 * Work orders: creation (manual, plan, predictive, alert), the lifecycle, booking rules on every
 * write, service records on completion, history, and the live `workorder.updated` broadcast.
 *
 * Every write is one guarded statement batch: the UPDATE only applies if the row's `rev` is
 * still the one read (and, for a booking, if no overlapping booking appeared meanwhile), and the
 * history and service-record inserts only apply if that UPDATE did — so concurrent requests can
 * neither double-book nor record a service twice.
 */
import { and, asc, desc, eq, gt, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import { database, inTenant, isUniqueViolation, type Db } from "../db/client";
import { serviceRecords, vehicles, workOrderEvents, workOrders, type Role, type Technician, type WorkOrder } from "../db/schema";
import { findBookingConflict, hasSkill, type Booking } from "../domain/maintenance/booking";
import { planCycleKey } from "../domain/maintenance/intervals";
import { BOOKED_STATUSES, isTerminal, transitionError, type WorkOrderPriority, type WorkOrderSource, type WorkOrderStatus } from "../domain/maintenance/lifecycle";
import { tenantHub } from "../lib/hub";
import { newId } from "../lib/ids";
import { AppError, type FieldError } from "../lib/problem";
import { iso, isoOrNull } from "../lib/time";
import { TECHNICIAN_PATCH_FIELDS } from "../schemas/maintenance";
import { findPlan, readMeters, serviceRecordRow, type DueItem } from "./maintenance";
import { findBay, findTechnician, noSuch, technicianOfUser } from "./shop";

export interface Viewer {
  userId: string;
  role: Role;
}

export const publicWorkOrder = (w: WorkOrder) => ({
  id: w.id,
  vehicleId: w.vehicleId,
  planId: w.planId,
  alertId: w.alertId,
  title: w.title,
  priority: w.priority,
  source: w.source,
  status: w.status,
  dueDate: isoOrNull(w.dueDate),
  durationMinutes: w.durationMinutes,
  skill: w.skill,
  technicianId: w.technicianId,
  bayId: w.bayId,
  scheduledStart: isoOrNull(w.scheduledStart),
  scheduledEnd: isoOrNull(w.scheduledEnd),
  startedAt: isoOrNull(w.startedAt),
  completedAt: isoOrNull(w.completedAt),
  cancelledAt: isoOrNull(w.cancelledAt),
  notes: w.notes,
  costCents: w.costCents,
  createdBy: w.createdBy,
  createdAt: iso(w.createdAt),
  updatedAt: iso(w.updatedAt),
});

export type PublicWorkOrder = ReturnType<typeof publicWorkOrder>;

/** The work order with its status history, as GET, PATCH and the live stream show it. */
export async function workOrderDetail(db: Db, tenantId: string, w: WorkOrder) {
  const history = await db
    .select()
    .from(workOrderEvents)
    .where(inTenant(workOrderEvents, tenantId, eq(workOrderEvents.workOrderId, w.id)))
    .orderBy(asc(workOrderEvents.at), asc(workOrderEvents.id));
  return {
    ...publicWorkOrder(w),
    history: history.map((e) => ({ fromStatus: e.fromStatus, toStatus: e.toStatus, at: iso(e.at), actorId: e.actorId })),
  };
}

/** Tells the tenant's staff sockets (`workorder.updated`); never fails the write that caused it. */
export async function publishWorkOrders(env: Env, tenantId: string, list: Record<string, unknown>[]) {
  if (!list.length) return;
  const hub = tenantHub(env, tenantId);
  for (const workOrder of list) {
    try {
      await hub.publishWorkOrder(tenantId, workOrder);
    } catch (error) {
      console.error(JSON.stringify({ level: "error", at: "publishWorkOrder", tenantId, workOrderId: workOrder.id, error: String(error) }));
    }
  }
}

const newRev = () => crypto.randomUUID();
const invalid = (errors: FieldError[]) => new AppError("validation", "The request has invalid fields.", errors);

/** The work order now carries `rev`: a condition for writes that must only follow a guarded update that applied. */
const hasRev = (tenantId: string, workOrderId: string, rev: string) =>
  sql`EXISTS (SELECT 1 FROM work_orders WHERE tenant_id = ${tenantId} AND id = ${workOrderId} AND rev = ${rev})`;

/** History row, written only if the guarded update in the same batch applied (columns in table order). */
function eventIfRev(db: Db, tenantId: string, workOrderId: string, rev: string, from: WorkOrderStatus | null, to: WorkOrderStatus, actorId: string | null, at: number) {
  return db
    .insert(workOrderEvents)
    .select(sql`SELECT ${newId("woe", at)}, ${tenantId}, ${workOrderId}, ${from}, ${to}, ${actorId}, ${at} WHERE ${hasRev(tenantId, workOrderId, rev)}`);
}

/* ------------------------------------------------------------------ create */

export interface NewWorkOrder {
  vehicleId: string;
  planId?: string;
  title: string;
  priority: WorkOrderPriority;
  source: WorkOrderSource;
  dueDate?: string;
  durationMinutes?: number;
  skill?: string | null;
  notes?: string;
  alertId?: string;
}

export async function createWorkOrder(env: Env, tenantId: string, actorId: string | null, input: NewWorkOrder, options: { alertChecked?: boolean } = {}) {
  const db = database(env.DB);
  const vehicle = await db.query.vehicles.findFirst({ where: inTenant(vehicles, tenantId, eq(vehicles.id, input.vehicleId)) });
  if (!vehicle) throw noSuch("vehicle", "vehicleId");
  const plan = input.planId ? await findPlan(db, tenantId, input.planId) : null;
  if (input.planId && !plan) throw noSuch("maintenance plan", "planId");
  if (input.alertId && !options.alertChecked) {
    // Staff see every alert of the tenant; the Durable Object is the alerts' source of truth.
    const alert = await tenantHub(env, tenantId).alert(tenantId, { userId: actorId ?? "", role: "admin" }, input.alertId);
    if (!alert) throw noSuch("alert", "alertId");
    if (alert.vehicleId !== vehicle.id) throw invalid([{ path: "alertId", message: "The alert is about another vehicle" }]);
  }
  const now = Date.now();
  const row = {
    id: newId("wo", now),
    tenantId,
    vehicleId: vehicle.id,
    planId: plan?.id ?? null,
    alertId: input.alertId ?? null,
    title: input.title,
    priority: input.priority,
    source: input.source,
    status: "open" as const,
    dueDate: input.dueDate ? Date.parse(input.dueDate) : null,
    durationMinutes: input.durationMinutes ?? plan?.durationMinutes ?? 60,
    skill: input.skill !== undefined ? input.skill : (plan?.skill ?? null),
    notes: input.notes ?? null,
    createdBy: actorId,
    rev: newRev(),
    createdAt: now,
    updatedAt: now,
  };
  try {
    const [[created]] = await db.batch([
      db.insert(workOrders).values(row).returning(),
      db.insert(workOrderEvents).values({ id: newId("woe", now), tenantId, workOrderId: row.id, fromStatus: null, toStatus: "open", actorId, at: now }),
    ]);
    const detail = await workOrderDetail(db, tenantId, created!);
    await publishWorkOrders(env, tenantId, [detail]);
    return detail;
  } catch (error) {
    if (isUniqueViolation(error) && input.alertId) throw new AppError("conflict", `Alert ${input.alertId} already has a work order.`);
    throw error;
  }
}

const PRIORITY_OF_SEVERITY: Record<string, WorkOrderPriority> = { critical: "urgent", high: "high", medium: "normal", low: "low" };

/**
 * Turns an alert into a work order (source `alert`), once per alert: asking again answers the
 * existing work order (`created: false`).
 */
export async function workOrderFromAlert(
  env: Env,
  tenantId: string,
  viewer: Viewer,
  input: { alertId: string; title?: string; priority?: WorkOrderPriority; dueDate?: string; durationMinutes?: number; skill?: string | null },
) {
  const db = database(env.DB);
  const alert = await tenantHub(env, tenantId).alert(tenantId, viewer, input.alertId);
  if (!alert) throw noSuch("alert", "alertId");
  const existing = () => db.query.workOrders.findFirst({ where: inTenant(workOrders, tenantId, eq(workOrders.alertId, alert.id)) });
  const found = await existing();
  if (found) return { created: false, workOrder: await workOrderDetail(db, tenantId, found) };
  try {
    const workOrder = await createWorkOrder(env, tenantId, viewer.userId, {
      vehicleId: alert.vehicleId,
      title: input.title ?? alert.message.slice(0, 200),
      priority: input.priority ?? PRIORITY_OF_SEVERITY[alert.severity] ?? "normal",
      source: "alert",
      dueDate: input.dueDate,
      durationMinutes: input.durationMinutes,
      skill: input.skill,
      alertId: alert.id,
    }, { alertChecked: true });
    return { created: true, workOrder };
  } catch (error) {
    const raced = error instanceof AppError && error.code === "conflict" ? await existing() : undefined;
    if (raced) return { created: false, workOrder: await workOrderDetail(db, tenantId, raced) };
    throw error;
  }
}

/**
 * Creates the plan work orders for due-soon or overdue pairs (source `plan`), at most one per
 * plan interval: the `(tenant, plan_cycle)` unique index makes a repeat or a race a no-op.
 * Overdue pairs get priority high, due-soon ones normal; the due date is the forecast one.
 */
export async function createPlanWorkOrders(env: Env, tenantId: string, items: DueItem[], now = Date.now()) {
  const db = database(env.DB);
  const created: WorkOrder[] = [];
  for (const item of items) {
    const row = {
      id: newId("wo", now),
      tenantId,
      vehicleId: item.vehicleId,
      planId: item.planId,
      title: item.planName,
      priority: (item.status === "overdue" ? "high" : "normal") as WorkOrderPriority,
      source: "plan" as const,
      status: "open" as const,
      dueDate: item.status === "overdue" ? Math.min(now, item.dueDate ?? now) : (item.forecastDate ?? item.dueDate),
      durationMinutes: item.plan.durationMinutes,
      skill: item.plan.skill,
      planCycle: planCycleKey(item),
      rev: newRev(),
      createdAt: now,
      updatedAt: now,
    };
    const [[inserted]] = await db.batch([
      db.insert(workOrders).values(row).onConflictDoNothing().returning(),
      eventIfRev(db, tenantId, row.id, row.rev, null, "open", null, now),
    ]);
    if (inserted) created.push(inserted);
  }
  await publishWorkOrders(
    env,
    tenantId,
    await Promise.all(created.map((w) => workOrderDetail(db, tenantId, w))),
  );
  return created;
}

/* ------------------------------------------------------------------ read */

/** The viewer's technician record when it is a technician (its scope: its own and open work orders). */
async function scopeOf(db: Db, tenantId: string, viewer: Viewer) {
  if (viewer.role !== "technician") return { technician: null as Technician | null, limited: false };
  return { technician: (await technicianOfUser(db, tenantId, viewer.userId)) ?? null, limited: true };
}

const visibleTo = (scope: { technician: Technician | null; limited: boolean }, w: WorkOrder) =>
  !scope.limited || w.status === "open" || (scope.technician != null && w.technicianId === scope.technician.id);

export async function getWorkOrder(db: Db, tenantId: string, viewer: Viewer, id: string) {
  const row = await db.query.workOrders.findFirst({ where: inTenant(workOrders, tenantId, eq(workOrders.id, id)) });
  if (!row || !visibleTo(await scopeOf(db, tenantId, viewer), row)) throw new AppError("not_found", "No such work order.");
  return row;
}

export interface WorkOrderFilter {
  status?: WorkOrderStatus;
  vehicleId?: string;
  technicianId?: string;
  planId?: string;
  source?: WorkOrderSource;
  from?: string;
  to?: string;
}

/** Newest first (ids are time-ordered); a technician sees its own and open work orders only. */
export async function listWorkOrders(db: Db, tenantId: string, viewer: Viewer, filter: WorkOrderFilter, limit: number, beforeId?: string) {
  const scope = await scopeOf(db, tenantId, viewer);
  const conditions: (SQL | undefined)[] = [
    filter.status ? eq(workOrders.status, filter.status) : undefined,
    filter.vehicleId ? eq(workOrders.vehicleId, filter.vehicleId) : undefined,
    filter.technicianId ? eq(workOrders.technicianId, filter.technicianId) : undefined,
    filter.planId ? eq(workOrders.planId, filter.planId) : undefined,
    filter.source ? eq(workOrders.source, filter.source) : undefined,
    filter.from ? gt(workOrders.scheduledEnd, Date.parse(filter.from)) : undefined,
    filter.to ? lt(workOrders.scheduledStart, Date.parse(filter.to)) : undefined,
    beforeId ? lt(workOrders.id, beforeId) : undefined,
  ];
  if (scope.limited) {
    conditions.push(scope.technician ? or(eq(workOrders.status, "open"), eq(workOrders.technicianId, scope.technician.id)) : eq(workOrders.status, "open"));
  }
  return db
    .select()
    .from(workOrders)
    .where(inTenant(workOrders, tenantId, ...conditions))
    .orderBy(desc(workOrders.id))
    .limit(limit + 1);
}

/* ------------------------------------------------------------------ booking */

const BOOKED_SQL = sql.raw(`('${BOOKED_STATUSES.join("','")}')`);

/** Booked work orders (scheduled or in progress) overlapping [start, end), other than `exceptId`. */
export async function bookingsBetween(db: Db, tenantId: string, start: number, end: number, exceptId?: string): Promise<Booking[]> {
  const rows = await db
    .select()
    .from(workOrders)
    .where(
      inTenant(
        workOrders,
        tenantId,
        inArray(workOrders.status, [...BOOKED_STATUSES]),
        lt(workOrders.scheduledStart, end),
        gt(workOrders.scheduledEnd, start),
        exceptId ? sql`${workOrders.id} <> ${exceptId}` : undefined,
      ),
    );
  return rows.map(toBooking);
}

export const toBooking = (w: WorkOrder): Booking => ({
  workOrderId: w.id,
  vehicleId: w.vehicleId,
  technicianId: w.technicianId,
  bayId: w.bayId,
  start: w.scheduledStart!,
  end: w.scheduledEnd!,
  title: w.title,
});

/**
 * The same booking rules as `findBookingConflict`, as a condition on the UPDATE itself, so a
 * booking written between our check and our write still cannot be double-booked. The bay's
 * peak use over [start, end) is at `start` or at some overlapping booking's start.
 */
export function bookingGuard(
  tenantId: string,
  id: string,
  b: { vehicleId: string; technicianId: string | null; bayId: string | null; start: number; end: number },
  bayCapacity: number | null,
): SQL {
  const overlapping = (alias: string) =>
    sql`${sql.raw(alias)}.tenant_id = ${tenantId} AND ${sql.raw(alias)}.id <> ${id} AND ${sql.raw(alias)}.status IN ${BOOKED_SQL}`;
  const parts: SQL[] = [
    sql`NOT EXISTS (SELECT 1 FROM work_orders o WHERE ${overlapping("o")} AND o.scheduled_start < ${b.end} AND o.scheduled_end > ${b.start}
      AND (o.vehicle_id = ${b.vehicleId}${b.technicianId ? sql` OR o.technician_id = ${b.technicianId}` : sql``}))`,
  ];
  if (b.bayId && bayCapacity != null) {
    parts.push(sql`NOT EXISTS (SELECT 1 FROM work_orders p WHERE ${overlapping("p")} AND p.bay_id = ${b.bayId}
      AND p.scheduled_start < ${b.end} AND p.scheduled_end > ${b.start}
      AND (SELECT count(*) FROM work_orders q WHERE ${overlapping("q")} AND q.bay_id = ${b.bayId}
        AND q.scheduled_start <= max(p.scheduled_start, ${b.start}) AND q.scheduled_end > max(p.scheduled_start, ${b.start})) >= ${bayCapacity})`);
  }
  return and(...parts)!;
}

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
}

const pick = <T>(patched: T | undefined, current: T) => (patched !== undefined ? patched : current);
const ms = (value: string | null | undefined, current: number | null) => (value === undefined ? current : value === null ? null : Date.parse(value));

/**
 * Applies a PATCH: lifecycle (409 on an illegal transition), booking rules (409 naming the
 * conflicting booking), technicians limited to their own work orders' status, notes and cost;
 * completing a work order that carries a plan records the service and so starts the next
 * interval. Broadcasts the result.
 */
export async function patchWorkOrder(env: Env, tenantId: string, viewer: Viewer, id: string, patch: WorkOrderPatch) {
  const db = database(env.DB);
  const current = await db.query.workOrders.findFirst({ where: inTenant(workOrders, tenantId, eq(workOrders.id, id)) });
  const scope = await scopeOf(db, tenantId, viewer);
  if (!current || !visibleTo(scope, current)) throw new AppError("not_found", "No such work order.");
  const fields = Object.keys(patch).filter((k) => patch[k as keyof WorkOrderPatch] !== undefined);
  if (scope.limited) {
    if (!scope.technician || current.technicianId !== scope.technician.id) throw new AppError("forbidden", "A technician may change only work orders assigned to it.");
    const others = fields.filter((k) => !TECHNICIAN_PATCH_FIELDS.has(k));
    if (others.length) throw new AppError("forbidden", `A technician may change status, notes and costCents only (not ${others.join(", ")}).`);
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
  if (patch.status === undefined && current.status === "open" && bookingFields.length && next.scheduledStart != null && next.scheduledEnd != null) status = "scheduled";

  const refused = transitionError(current.status, status);
  if (refused) throw conflictError(refused);
  if (isTerminal(current.status)) {
    const frozen = fields.filter((k) => !["notes", "costCents", "status"].includes(k));
    if (frozen.length) throw conflictError(`A ${current.status} work order can only have its notes and cost changed (not ${frozen.join(", ")}).`);
  }

  // The booking as it would be.
  const errors: FieldError[] = [];
  if ((next.scheduledStart == null) !== (next.scheduledEnd == null)) {
    errors.push({ path: next.scheduledStart == null ? "scheduledStart" : "scheduledEnd", message: "scheduledStart and scheduledEnd go together" });
  } else if (next.scheduledStart != null && next.scheduledEnd! <= next.scheduledStart) {
    errors.push({ path: "scheduledEnd", message: "Must be after scheduledStart" });
  }
  const booked = BOOKED_STATUSES.includes(status);
  if (booked && next.scheduledStart == null && next.scheduledEnd == null) {
    errors.push({ path: "scheduledStart", message: `Required for a ${status} work order` }, { path: "scheduledEnd", message: `Required for a ${status} work order` });
  }
  if (errors.length) throw invalid(errors);

  const technician = next.technicianId ? await findTechnician(db, tenantId, next.technicianId) : null;
  if (next.technicianId && !technician) throw noSuch("technician", "technicianId");
  const bay = next.bayId ? await findBay(db, tenantId, next.bayId) : null;
  if (next.bayId && !bay) throw noSuch("bay", "bayId");

  const entersBooking = booked && (!BOOKED_STATUSES.includes(current.status) || bookingFields.length > 0);
  const candidate: Booking | null =
    booked && next.scheduledStart != null
      ? { workOrderId: current.id, vehicleId: current.vehicleId, technicianId: next.technicianId, bayId: next.bayId, start: next.scheduledStart, end: next.scheduledEnd! }
      : null;
  const techInfo = technician ? { id: technician.id, name: technician.name, skills: technician.skills, shifts: technician.shifts, timeZone: technician.timeZone } : null;
  const bayInfo = bay ? { id: bay.id, name: bay.name, capacity: bay.capacity } : null;
  if (entersBooking && candidate) {
    const existing = await bookingsBetween(db, tenantId, candidate.start, candidate.end, current.id);
    const conflict = findBookingConflict(candidate, existing, { technician: techInfo, bay: bayInfo, skill: next.skill });
    if (conflict) throw conflictError(conflict.reason);
  } else if (technician && (bookingFields.includes("technicianId") || bookingFields.includes("skill")) && !hasSkill(technician.skills, next.skill)) {
    throw conflictError(`Technician "${technician.name}" (${technician.id}) does not have the required skill "${next.skill}".`);
  }

  const rev = newRev();
  const changes: Partial<WorkOrder> = { ...next, status, rev, updatedAt: now };
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
      db
        .insert(serviceRecords)
        .select(
          sql`SELECT ${record.id}, ${tenantId}, ${record.vehicleId}, ${record.planId}, ${record.workOrderId}, ${record.odometerKm}, ${record.engineHours}, ${record.performedAt}, ${now}
            WHERE ${hasRev(tenantId, current.id, rev)}`,
        ),
    );
  }
  const [rows] = await db.batch([update, ...extra]);
  const updated = (rows as WorkOrder[])[0];
  if (!updated) {
    const now2 = await db.query.workOrders.findFirst({ where: inTenant(workOrders, tenantId, eq(workOrders.id, current.id)) });
    if (!now2 || now2.rev !== current.rev) throw conflictError("The work order was changed by someone else meanwhile; reload it and try again.");
    const existing = candidate ? await bookingsBetween(db, tenantId, candidate.start, candidate.end, current.id) : [];
    const conflict = candidate ? findBookingConflict(candidate, existing, { technician: techInfo, bay: bayInfo, skill: next.skill }) : null;
    throw conflictError(conflict?.reason ?? "Another booking was made at the same time; reload and try again.");
  }
  const detail = await workOrderDetail(db, tenantId, updated);
  await publishWorkOrders(env, tenantId, [detail]);
  return detail;
}

/* ------------------------------------------------------------------ auto-schedule writes */

/**
 * Books placements from the auto-scheduler: each open work order becomes scheduled if it is
 * still open and unchanged (`rev`) and the booking guard holds; placements that lost a race come
 * back in `lost`.
 */
export async function applyPlacements(
  env: Env,
  tenantId: string,
  actorId: string | null,
  placements: { workOrder: WorkOrder; technicianId: string; bayId: string | null; start: number; end: number }[],
  bayCapacity: Map<string, number>,
) {
  const db = database(env.DB);
  const now = Date.now();
  const booked: WorkOrder[] = [];
  const lost: string[] = [];
  for (let i = 0; i < placements.length; i += 40) {
    const chunk = placements.slice(i, i + 40);
    const statements = chunk.flatMap((p) => {
      const rev = newRev();
      const guard = bookingGuard(tenantId, p.workOrder.id, { vehicleId: p.workOrder.vehicleId, technicianId: p.technicianId, bayId: p.bayId, start: p.start, end: p.end }, p.bayId ? (bayCapacity.get(p.bayId) ?? null) : null);
      return [
        db
          .update(workOrders)
          .set({ status: "scheduled", technicianId: p.technicianId, bayId: p.bayId, scheduledStart: p.start, scheduledEnd: p.end, rev, updatedAt: now })
          .where(inTenant(workOrders, tenantId, eq(workOrders.id, p.workOrder.id), eq(workOrders.rev, p.workOrder.rev), eq(workOrders.status, "open"), guard))
          .returning(),
        eventIfRev(db, tenantId, p.workOrder.id, rev, "open", "scheduled", actorId, now),
      ];
    });
    const results = await db.batch(statements as [(typeof statements)[number], ...typeof statements]);
    chunk.forEach((p, j) => {
      const row = (results[j * 2] as WorkOrder[])[0];
      if (row) booked.push(row);
      else lost.push(p.workOrder.id);
    });
  }
  await publishWorkOrders(env, tenantId, await Promise.all(booked.map((w) => workOrderDetail(db, tenantId, w))));
  return { booked, lost };
}

/** Open work orders of the tenant (the auto-scheduler's input). */
export const openWorkOrders = (db: Db, tenantId: string) =>
  db.select().from(workOrders).where(inTenant(workOrders, tenantId, eq(workOrders.status, "open"))).orderBy(asc(workOrders.id));

/** Service record written when the work order was completed, if any. */
export const serviceOfWorkOrder = (db: Db, tenantId: string, workOrderId: string) =>
  db.query.serviceRecords.findFirst({ where: inTenant(serviceRecords, tenantId, eq(serviceRecords.workOrderId, workOrderId)) });
