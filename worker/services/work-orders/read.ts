/** Reading work orders, scoped: a technician sees open work orders and its own. */
import { asc, count, desc, eq, gt, lt, or, sql, type SQL } from "drizzle-orm";
import { inTenant, type Db } from "../../db/client";
import { serviceRecords, workOrders, type Technician, type WorkOrder } from "../../db/schema";
import {
  WORK_ORDER_PRIORITIES,
  WORK_ORDER_STATUSES,
  type WorkOrderPriority,
  type WorkOrderSource,
  type WorkOrderStatus,
} from "../../domain/maintenance/lifecycle";
import { AppError } from "../../lib/problem";
import { ftsQuery } from "../alerts";
import { technicianOfUser } from "../shop";
import type { Viewer } from "./view";

/** The viewer's technician record when it is a technician (its scope: its own and open work orders). */
export async function scopeOf(db: Db, tenantId: string, viewer: Viewer) {
  if (viewer.role !== "technician") return { technician: null as Technician | null, limited: false };
  return { technician: (await technicianOfUser(db, tenantId, viewer.userId)) ?? null, limited: true };
}

export const visibleTo = (scope: { technician: Technician | null; limited: boolean }, w: WorkOrder) =>
  !scope.limited || w.status === "open" || (scope.technician != null && w.technicianId === scope.technician.id);

export async function getWorkOrder(db: Db, tenantId: string, viewer: Viewer, id: string) {
  const row = await db.query.workOrders.findFirst({ where: inTenant(workOrders, tenantId, eq(workOrders.id, id)) });
  if (!row || !visibleTo(await scopeOf(db, tenantId, viewer), row)) throw new AppError("not_found", "No such work order.");
  return row;
}

export interface WorkOrderFilter {
  status?: WorkOrderStatus;
  priority?: WorkOrderPriority;
  vehicleId?: string;
  technicianId?: string;
  planId?: string;
  source?: WorkOrderSource;
  from?: string;
  to?: string;
  /** Full text over title, notes, vehicle name and plan name (each word a prefix, all required). */
  q?: string;
}

type Scope = Awaited<ReturnType<typeof scopeOf>>;
type Facet = "status" | "priority" | "vehicleId";

/** The filter as conditions; `except` leaves one dimension out (its facet counts every value of it). */
function conditionsOf(scope: Scope, filter: WorkOrderFilter, except?: Facet): (SQL | undefined)[] {
  const fts = filter.q ? ftsQuery(filter.q) : undefined;
  const conditions: (SQL | undefined)[] = [
    filter.status && except !== "status" ? eq(workOrders.status, filter.status) : undefined,
    filter.priority && except !== "priority" ? eq(workOrders.priority, filter.priority) : undefined,
    filter.vehicleId && except !== "vehicleId" ? eq(workOrders.vehicleId, filter.vehicleId) : undefined,
    filter.technicianId ? eq(workOrders.technicianId, filter.technicianId) : undefined,
    filter.planId ? eq(workOrders.planId, filter.planId) : undefined,
    filter.source ? eq(workOrders.source, filter.source) : undefined,
    filter.from ? gt(workOrders.scheduledEnd, Date.parse(filter.from)) : undefined,
    filter.to ? lt(workOrders.scheduledStart, Date.parse(filter.to)) : undefined,
    // Text with no words matches nothing, as on GET /api/alerts.
    filter.q
      ? fts
        ? sql`${workOrders}.rowid IN (SELECT rowid FROM work_orders_fts WHERE work_orders_fts MATCH ${fts})`
        : sql`0`
      : undefined,
  ];
  if (scope.limited) {
    conditions.push(
      scope.technician
        ? or(eq(workOrders.status, "open"), eq(workOrders.technicianId, scope.technician.id))
        : eq(workOrders.status, "open"),
    );
  }
  return conditions;
}

/** Newest first (ids are time-ordered); a technician sees its own and open work orders only. */
export async function listWorkOrders(db: Db, tenantId: string, viewer: Viewer, filter: WorkOrderFilter, limit: number, beforeId?: string) {
  const scope = await scopeOf(db, tenantId, viewer);
  return db
    .select()
    .from(workOrders)
    .where(inTenant(workOrders, tenantId, ...conditionsOf(scope, filter), beforeId ? lt(workOrders.id, beforeId) : undefined))
    .orderBy(desc(workOrders.id))
    .limit(limit + 1);
}

const zeroes = <T extends readonly string[]>(keys: T) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<T[number], number>;

/**
 * Counts per status, priority and vehicle over the whole filtered set (not just the page). Each
 * facet leaves its own filter out, so a screen can show how many each other choice would give.
 */
export async function workOrderFacets(db: Db, tenantId: string, viewer: Viewer, filter: WorkOrderFilter) {
  const scope = await scopeOf(db, tenantId, viewer);
  const by = (facet: Facet) => {
    const column = facet === "status" ? workOrders.status : facet === "priority" ? workOrders.priority : workOrders.vehicleId;
    return db
      .select({ key: column, n: count() })
      .from(workOrders)
      .where(inTenant(workOrders, tenantId, ...conditionsOf(scope, filter, facet)))
      .groupBy(column);
  };
  const [statuses, priorities, vehicleCells] = await db.batch([by("status"), by("priority"), by("vehicleId")]);
  const facets = {
    status: zeroes(WORK_ORDER_STATUSES),
    priority: zeroes(WORK_ORDER_PRIORITIES),
    vehicle: {} as Record<string, number>,
  };
  for (const c of statuses) facets.status[c.key as WorkOrderStatus] = c.n;
  for (const c of priorities) facets.priority[c.key as WorkOrderPriority] = c.n;
  for (const c of vehicleCells) facets.vehicle[c.key] = c.n;
  return facets;
}

/** Open work orders of the tenant (the auto-scheduler's input). */
export const openWorkOrders = (db: Db, tenantId: string) =>
  db
    .select()
    .from(workOrders)
    .where(inTenant(workOrders, tenantId, eq(workOrders.status, "open")))
    .orderBy(asc(workOrders.id));

/** Service record written when the work order was completed, if any. */
export const serviceOfWorkOrder = (db: Db, tenantId: string, workOrderId: string) =>
  db.query.serviceRecords.findFirst({ where: inTenant(serviceRecords, tenantId, eq(serviceRecords.workOrderId, workOrderId)) });
