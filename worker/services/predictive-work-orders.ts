/**
 * Predictive work orders: a `predictive_failure` alert about one component of a vehicle proposes
 * one work order (source `predictive`, the component named, due by the component's forecast) —
 * unless the vehicle already has a predictive work order for that component that is open,
 * scheduled or in progress, so a risk that stays high (more alerts, more occurrences) never
 * stacks up work orders. Runs from the tenant object's alarm, after the alert reached D1 (the runs are
 * serialized there, so the check and the insert do not interleave).
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { PredictiveProposal } from "../../durable-objects/hub-ports";
import { database, inTenant, type Db } from "../db/client";
import { vehicles, workOrderEvents, workOrders, type WorkOrder } from "../db/schema";
import { newId } from "../lib/ids";
import { iso } from "../lib/time";
import { newRev } from "./work-orders/revisions";
import { publicWorkOrder, publishWorkOrders } from "./work-orders/view";

/** Statuses in which a predictive work order still covers its vehicle's risk. */
export const ACTIVE_PREDICTIVE_STATUSES = ["open", "scheduled", "in_progress"] as const;

const percent = (p: number) => `${Math.round(p * 100)} %`;

/**
 * Of these vehicles: those that still exist, and the (vehicle, component) pairs an active
 * predictive work order already covers.
 */
async function vehiclesAndCovered(db: Db, tenantId: string, vehicleIds: string[]) {
  const existing = new Set<string>();
  const covered = new Set<string>();
  for (let i = 0; i < vehicleIds.length; i += 80) {
    const ids = vehicleIds.slice(i, i + 80);
    const [found, active] = await db.batch([
      db
        .select({ id: vehicles.id })
        .from(vehicles)
        .where(inTenant(vehicles, tenantId, inArray(vehicles.id, ids))),
      db
        .select({ vehicleId: workOrders.vehicleId, component: workOrders.component })
        .from(workOrders)
        .where(
          inTenant(
            workOrders,
            tenantId,
            and(
              inArray(workOrders.vehicleId, ids),
              eq(workOrders.source, "predictive"),
              inArray(workOrders.status, [...ACTIVE_PREDICTIVE_STATUSES]),
            ),
          ),
        ),
    ]);
    for (const v of found) existing.add(v.id);
    for (const w of active) covered.add(`${w.vehicleId}|${w.component}`);
  }
  return { existing, covered };
}

/**
 * Proposes the work orders for newly raised predictive (or high-risk fault-code) alerts, oldest
 * first; returns the ids created. One read of the work orders that already cover the vehicles, one
 * D1 batch for every new work order and its first event, one announcement (a round trip per
 * proposal before). Safe to repeat with the same alerts: a covered pair is skipped, and an alert
 * that already has a work order (someone opened one from it) inserts nothing.
 */
export async function proposePredictiveWorkOrders(env: Env, tenantId: string, proposals: PredictiveProposal[]): Promise<string[]> {
  const db = database(env.DB);
  // The tenant object proposes only what it forecast: predictive alerts, and fault-code alerts with a high engine risk.
  const live = proposals.filter((p) => !p.alert.silenced);
  if (!live.length) return [];
  const { existing, covered } = await vehiclesAndCovered(db, tenantId, [...new Set(live.map((p) => p.alert.vehicleId))]);
  const now = Date.now();
  const rows: (typeof workOrders.$inferInsert & { id: string })[] = [];
  for (const { alert, component, dueAt, score, score7d } of live) {
    const pair = `${alert.vehicleId}|${component}`;
    if (covered.has(pair) || !existing.has(alert.vehicleId)) continue;
    covered.add(pair); // two alerts of one batch about the same component: one work order
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
      notes: `Proposed from the ${component} risk (${percent(score7d)} within 7 days, ${percent(score)} within 30; alert ${alert.id}).`,
      component,
      createdBy: null,
      rev: newRev(),
      createdAt: now,
      updatedAt: now,
    });
  }
  if (!rows.length) return [];
  // Each work order only if its alert has none yet (someone opened one from it); its "open" event only with it.
  const statements = rows.flatMap((row) => [
    db.insert(workOrders).values(row).onConflictDoNothing().returning(),
    db.insert(workOrderEvents).select(
      db
        .select({
          id: sql<string>`${newId("woe", now)}`.as("id"),
          tenantId: workOrders.tenantId,
          workOrderId: workOrders.id,
          fromStatus: sql<null>`NULL`.as("from_status"),
          toStatus: workOrders.status,
          actorId: sql<null>`NULL`.as("actor_id"),
          at: workOrders.createdAt,
        })
        .from(workOrders)
        .where(eq(workOrders.id, row.id)),
    ),
  ]);
  const results = (await db.batch(statements as unknown as Parameters<Db["batch"]>[0])) as unknown as unknown[];
  const created = rows.map((_, i) => (results[2 * i] as WorkOrder[])[0]).filter((w): w is WorkOrder => w !== undefined);
  const details = created.map((w) => ({
    ...publicWorkOrder(w),
    history: [{ fromStatus: null, toStatus: "open" as const, at: iso(w.createdAt), actorId: null }],
  }));
  await publishWorkOrders(env, tenantId, details, "workorder.created");
  return created.map((r) => r.id);
}
