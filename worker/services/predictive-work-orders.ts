/**
 * Predictive work orders: a `predictive_failure` alert about one component of a vehicle proposes
 * one work order (source `predictive`, the component named, due by the component's forecast) —
 * unless the vehicle already has a predictive work order for that component that is open,
 * scheduled or in progress, so a risk that stays high (more alerts, more occurrences) never
 * stacks up work orders. Runs from the tenant object's alarm, after the alert reached D1 (the runs are
 * serialized there, so the check and the insert do not interleave).
 */
import { and, eq, inArray } from "drizzle-orm";
import type { PredictiveProposal } from "../../durable-objects/hub-ports";
import { database, inTenant } from "../db/client";
import { workOrders } from "../db/schema";
import { AppError } from "../lib/problem";
import { yieldTurn } from "../lib/yield-turn";
import { createWorkOrder } from "./work-orders";

/** Statuses in which a predictive work order still covers its vehicle's risk. */
export const ACTIVE_PREDICTIVE_STATUSES = ["open", "scheduled", "in_progress"] as const;

const activePredictive = async (env: Env, tenantId: string, vehicleId: string, component: string) =>
  (
    await database(env.DB)
      .select({ id: workOrders.id })
      .from(workOrders)
      .where(
        inTenant(
          workOrders,
          tenantId,
          and(
            eq(workOrders.vehicleId, vehicleId),
            eq(workOrders.component, component),
            eq(workOrders.source, "predictive"),
            inArray(workOrders.status, [...ACTIVE_PREDICTIVE_STATUSES]),
          ),
        ),
      )
      .limit(1)
  )[0];

const percent = (p: number) => `${Math.round(p * 100)} %`;

/**
 * Proposes the work orders for newly raised predictive (or high-risk fault-code) alerts, oldest first; returns the ids
 * created. Safe to repeat with the same alerts (the check above, and one work order per alert).
 */
export async function proposePredictiveWorkOrders(env: Env, tenantId: string, proposals: PredictiveProposal[]): Promise<string[]> {
  const created: string[] = [];
  for (const { alert, component, dueAt, score, score7d } of proposals) {
    await yieldTurn(); // each proposal is several D1 calls: let waiting requests in between them
    // The tenant object proposes only what it forecast: predictive alerts, and fault-code alerts with a high engine risk.
    if (alert.silenced) continue;
    if (await activePredictive(env, tenantId, alert.vehicleId, component)) continue;
    try {
      const workOrder = await createWorkOrder(
        env,
        tenantId,
        null,
        {
          vehicleId: alert.vehicleId,
          title: `Inspect ${component}: ${percent(score)} risk of a failure within 30 days`,
          priority: alert.severity === "critical" || score7d >= 0.5 ? "urgent" : "high",
          source: "predictive",
          alertId: alert.id,
          dueDate: new Date(dueAt).toISOString(),
          component,
          notes: `Proposed from the ${component} risk (${percent(score7d)} within 7 days, ${percent(score)} within 30; alert ${alert.id}).`,
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
