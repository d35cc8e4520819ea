/** Reading work orders, scoped: a technician sees open work orders and its own. */
import { asc, desc, eq, gt, lt, or, type SQL } from "drizzle-orm";
import { inTenant, type Db } from "../../db/client";
import { serviceRecords, workOrders, type Technician, type WorkOrder } from "../../db/schema";
import type { WorkOrderSource, WorkOrderStatus } from "../../domain/maintenance/lifecycle";
import { AppError } from "../../lib/problem";
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
    conditions.push(
      scope.technician
        ? or(eq(workOrders.status, "open"), eq(workOrders.technicianId, scope.technician.id))
        : eq(workOrders.status, "open"),
    );
  }
  return db
    .select()
    .from(workOrders)
    .where(inTenant(workOrders, tenantId, ...conditions))
    .orderBy(desc(workOrders.id))
    .limit(limit + 1);
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
