/** How a work order is shown (API, live stream, webhooks) and announced when it changes. */
import { asc, eq } from "drizzle-orm";
import { inTenant, type Db } from "../../db/client";
import { workOrderEvents, type Role, type WorkOrder } from "../../db/schema";
import { tenantHub } from "../../lib/hub";
import { etagOf } from "../../lib/etag";
import { iso, isoOrNull } from "../../lib/time";
import { queueWorkOrderWebhooks, type WorkOrderEvent } from "../../notifications/work-order-webhooks";
import { logError } from "../../lib/logger";

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
  component: w.component,
  outcome: w.outcome,
  createdBy: w.createdBy,
  createdAt: iso(w.createdAt),
  updatedAt: iso(w.updatedAt),
});

export type PublicWorkOrder = ReturnType<typeof publicWorkOrder>;

/** The ETag of a work order's editable state: its public fields (with `updatedAt`), not its history. */
export function workOrderEtag(workOrder: PublicWorkOrder & { history?: unknown }) {
  const { history: _history, ...fields } = workOrder;
  return etagOf(fields);
}

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

/**
 * Tells the tenant's staff sockets (`workorder.updated`) and customer webhooks subscribed to
 * `event`; never fails the write that caused it.
 */
export async function publishWorkOrders(
  env: Env,
  tenantId: string,
  list: ({ id: unknown } & Record<string, unknown>)[],
  event: WorkOrderEvent = "workorder.updated",
) {
  if (!list.length) return;
  try {
    await queueWorkOrderWebhooks(env, tenantId, event, list);
  } catch (error) {
    logError({ at: "queueWorkOrderWebhooks", tenantId, event }, error);
  }
  const hub = tenantHub(env, tenantId);
  for (const workOrder of list) {
    try {
      await hub.publishWorkOrder(tenantId, workOrder);
    } catch (error) {
      logError({ at: "publishWorkOrder", tenantId, workOrderId: workOrder.id }, error);
    }
  }
}
