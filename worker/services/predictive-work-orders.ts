/**
 * Predictive work orders: a `predictive_failure` alert proposes one work order (source
 * `predictive`) for its vehicle — unless the vehicle already has a predictive work order that is
 * open, scheduled or in progress, so a risk that stays high (more alerts, more occurrences)
 * never stacks up work orders. Runs from the tenant object's alarm, after the alert reached D1.
 */
import { and, eq, inArray } from "drizzle-orm";
import { database, inTenant } from "../db/client";
import { workOrders } from "../db/schema";
import type { Alert } from "../domain/alert";
import { AppError } from "../lib/problem";
import { createWorkOrder } from "./work-orders";

/** Statuses in which a predictive work order still covers its vehicle's risk. */
export const ACTIVE_PREDICTIVE_STATUSES = ["open", "scheduled", "in_progress"] as const;

const activePredictive = (env: Env, tenantId: string, vehicleId: string) =>
  database(env.DB).query.workOrders.findFirst({
    where: inTenant(
      workOrders,
      tenantId,
      and(
        eq(workOrders.vehicleId, vehicleId),
        eq(workOrders.source, "predictive"),
        inArray(workOrders.status, [...ACTIVE_PREDICTIVE_STATUSES]),
      ),
    ),
  });

/**
 * Proposes the work orders for newly raised predictive alerts, oldest first; returns the ids
 * created. Safe to repeat with the same alerts (the check above, and one work order per alert).
 */
export async function proposePredictiveWorkOrders(env: Env, tenantId: string, raised: Alert[]): Promise<string[]> {
  const created: string[] = [];
  for (const alert of raised) {
    if (alert.type !== "predictive_failure" || alert.silenced) continue;
    if (await activePredictive(env, tenantId, alert.vehicleId)) continue;
    try {
      const workOrder = await createWorkOrder(
        env,
        tenantId,
        null,
        {
          vehicleId: alert.vehicleId,
          title: `Inspect: ${alert.message}`.slice(0, 200),
          priority: alert.severity === "critical" ? "urgent" : "high",
          source: "predictive",
          alertId: alert.id,
          notes: `Proposed by the edge model's risk (alert ${alert.id}, score ${alert.value ?? "n/a"}).`,
        },
        { alertChecked: true },
      );
      created.push(workOrder.id);
    } catch (error) {
      // The alert already has a work order (someone opened one from it): nothing to propose.
      if (!(error instanceof AppError && error.code === "conflict")) throw error;
    }
  }
  return created;
}
