/**
 * Predictive work orders: a `predictive_failure` alert about one component of a vehicle proposes
 * one work order (source `predictive`, the component named, due by the component's forecast) —
 * unless the vehicle already has a predictive work order for that component that is open,
 * scheduled or in progress, so a risk that stays high (more alerts, more occurrences) never
 * stacks up work orders. Runs from the tenant object's alarm, after the alert reached D1.
 */
import type { PredictiveProposal, ProposedWorkOrder } from "../../durable-objects/hub-ports";
import { database } from "../db/client";
import { placeholder, preparedBatch } from "../db/prepared-batch";
import { type Condition, insertRowWhen } from "../db/row-insert";
import { workOrders, type WorkOrder } from "../db/schema";
import { newId } from "../lib/ids";
import { logError } from "../lib/logger";
import { iso } from "../lib/time";
import { enabledWebhooks, type EnabledWebhook } from "../notifications/alert-webhooks";
import { queueWorkOrderWebhooks } from "../notifications/work-order-webhooks";
import { newRev } from "./work-orders/revisions";
import { publicWorkOrder } from "./work-orders/view";

/** Statuses in which a predictive work order still covers its vehicle's risk. */
export const ACTIVE_PREDICTIVE_STATUSES = ["open", "scheduled", "in_progress"] as const;

const percent = (p: number) => `${Math.round(p * 100)} %`;

/**
 * A work order goes in only while its vehicle exists and no active predictive work order covers
 * its (vehicle, component): checked by the insert itself (work_orders_tenant_vehicle_component).
 */
const uncovered = (row: WorkOrder): Condition => ({
  sql: `exists (select 1 from "vehicles" where "tenant_id" = ? and "id" = ?)
    and not exists (select 1 from "work_orders" where "tenant_id" = ? and "vehicle_id" = ? and "component" = ?
      and "source" = 'predictive' and "status" in (${ACTIVE_PREDICTIVE_STATUSES.map((s) => `'${s}'`).join(", ")}))`,
  params: [row.tenantId, row.vehicleId, row.tenantId, row.vehicleId, row.component],
});

/** A work order's "open" event, written only if the work order was. */
const OPENED_EVENT = `insert into "work_order_events" ("id", "tenant_id", "work_order_id", "from_status", "to_status", "actor_id", "at")
  select ?, "tenant_id", "id", null, "status", null, "created_at" from "work_orders" where "id" = ?`;

/**
 * Proposes the work orders for newly raised predictive (or high-risk fault-code) alerts, oldest
 * first, and queues their `workorder.created` webhooks; returns the work orders created as the API
 * shows them (their history is their "open" event), for the tenant object to stream. One D1 batch: the tenant's webhook endpoints, then every guarded insert
 * and its first event (three round trips and a call back into the object before). Safe to repeat
 * with the same alerts: a covered pair is skipped, and an alert that already has a work order
 * (someone opened one from it) inserts nothing.
 */
export async function proposePredictiveWorkOrders(
  env: Env,
  tenantId: string,
  proposals: PredictiveProposal[],
): Promise<ProposedWorkOrder[]> {
  const db = database(env.DB);
  // The tenant object proposes only what it forecast: predictive alerts, and fault-code alerts with a high engine risk.
  const live = proposals.filter((p) => !p.alert.silenced);
  if (!live.length) return [];
  const now = Date.now();
  const rows: WorkOrder[] = [];
  const pairs = new Set<string>();
  for (const { alert, component, dueAt, score, score7d } of live) {
    const pair = `${alert.vehicleId}|${component}`;
    if (pairs.has(pair)) continue; // two alerts of one batch about the same component: one work order
    pairs.add(pair);
    rows.push({
      id: newId("wo", now),
      tenantId,
      vehicleId: alert.vehicleId,
      planId: null,
      alertId: alert.id,
      title: `Inspect ${component}: ${percent(score)} risk of a failure within 30 days`,
      priority: alert.severity === "critical" || score7d >= 0.5 ? "urgent" : "high",
      source: "predictive",
      status: "open",
      dueDate: dueAt,
      durationMinutes: 60,
      skill: null,
      technicianId: null,
      bayId: null,
      scheduledStart: null,
      scheduledEnd: null,
      startedAt: null,
      completedAt: null,
      cancelledAt: null,
      notes: `Proposed from the ${component} risk (${percent(score7d)} within 7 days, ${percent(score)} within 30; alert ${alert.id}).`,
      costCents: null,
      planCycle: null,
      component,
      outcome: null,
      createdBy: null,
      rev: newRev(),
      createdAt: now,
      updatedAt: now,
    });
  }
  const writes = rows.flatMap((row) => [
    insertRowWhen(env.DB, workOrders, row, uncovered(row), 'on conflict do nothing returning "id"'),
    env.DB.prepare(OPENED_EVENT).bind(newId("woe", now), row.id),
  ]);
  const [hooks, ...written] = await preparedBatch(
    db,
    "predictive.proposals",
    () => [enabledWebhooks(db, placeholder("tenantId"))],
    { tenantId },
    writes,
  );
  const created = rows.filter((_, i) => (written[2 * i] as D1Result).results.length > 0);
  const details = created.map((w) => ({
    ...publicWorkOrder(w),
    history: [{ fromStatus: null, toStatus: "open" as const, at: iso(w.createdAt), actorId: null }],
  }));
  try {
    await queueWorkOrderWebhooks(env, tenantId, "workorder.created", details, hooks as EnabledWebhook[]);
  } catch (error) {
    // The work orders stand; a lost webhook is logged, as for every work-order change (view.ts).
    logError({ at: "queueWorkOrderWebhooks", tenantId, event: "workorder.created" }, error);
  }
  return details;
}
