/** Creating work orders: manual, from an alert (once per alert), from plans (once per interval). */
import { iso } from "../../lib/time";
import { eq } from "drizzle-orm";
import { database, inTenant, isUniqueViolation } from "../../db/client";
import { vehicles, workOrderEvents, workOrders, type WorkOrder } from "../../db/schema";
import { planCycleKey } from "../../domain/maintenance/intervals";
import type { WorkOrderPriority, WorkOrderSource } from "../../domain/maintenance/lifecycle";
import { tenantHub } from "../../lib/hub";
import { newId } from "../../lib/ids";
import { AppError, type FieldError } from "../../lib/problem";
import { findPlan, type DueItem } from "../maintenance";
import { noSuch } from "../references";
import { eventIfRev, newRev } from "./revisions";
import { publicWorkOrder, publishWorkOrders, workOrderDetail, type Viewer } from "./view";

const invalid = (errors: FieldError[]) => new AppError("validation", "The request has invalid fields.", errors);

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
  /** Predictive work orders: the component at risk. */
  component?: string;
}

export async function createWorkOrder(
  env: Env,
  tenantId: string,
  actorId: string | null,
  input: NewWorkOrder,
  options: { alertChecked?: boolean } = {},
) {
  const db = database(env.DB);
  const [vehicle] = await db
    .select({ id: vehicles.id })
    .from(vehicles)
    .where(inTenant(vehicles, tenantId, eq(vehicles.id, input.vehicleId)));
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
    component: input.component ?? null,
    createdBy: actorId,
    rev: newRev(),
    createdAt: now,
    updatedAt: now,
  };
  try {
    const [[created]] = await db.batch([
      db.insert(workOrders).values(row).returning(),
      db
        .insert(workOrderEvents)
        .values({ id: newId("woe", now), tenantId, workOrderId: row.id, fromStatus: null, toStatus: "open", actorId, at: now }),
    ]);
    // A new work order's history is its one "open" event, just written: no need to read it back.
    const detail = {
      ...publicWorkOrder(created!),
      history: [{ fromStatus: null, toStatus: "open" as const, at: iso(now), actorId }],
    };
    await publishWorkOrders(env, tenantId, [detail], "workorder.created");
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
  input: {
    alertId: string;
    title?: string;
    priority?: WorkOrderPriority;
    dueDate?: string;
    durationMinutes?: number;
    skill?: string | null;
  },
) {
  const db = database(env.DB);
  const alert = await tenantHub(env, tenantId).alert(tenantId, viewer, input.alertId);
  if (!alert) throw noSuch("alert", "alertId");
  const existing = () => db.query.workOrders.findFirst({ where: inTenant(workOrders, tenantId, eq(workOrders.alertId, alert.id)) });
  const found = await existing();
  if (found) return { created: false, workOrder: await workOrderDetail(db, tenantId, found) };
  try {
    const workOrder = await createWorkOrder(
      env,
      tenantId,
      viewer.userId,
      {
        vehicleId: alert.vehicleId,
        title: input.title ?? alert.message.slice(0, 200),
        priority: input.priority ?? PRIORITY_OF_SEVERITY[alert.severity] ?? "normal",
        source: "alert",
        dueDate: input.dueDate,
        durationMinutes: input.durationMinutes,
        skill: input.skill,
        alertId: alert.id,
      },
      { alertChecked: true },
    );
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
  await publishWorkOrders(env, tenantId, await Promise.all(created.map((w) => workOrderDetail(db, tenantId, w))), "workorder.created");
  return created;
}
