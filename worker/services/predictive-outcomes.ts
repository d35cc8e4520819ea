/**
 * A work order's outcome reaches the tenant object, which keeps it against the prediction and
 * recalibrates the component's scores (durable-objects/predictive-outcomes.ts). Best effort: the
 * outcome is in D1 already (analytics count it from there), and a lost call only delays calibration.
 */
import type { WorkOrder } from "../db/schema";
import { tenantHub } from "../lib/hub";
import { logError } from "../lib/logger";

export async function reportOutcome(env: Env, tenantId: string, workOrder: WorkOrder) {
  if (!workOrder.outcome) return;
  try {
    await tenantHub(env, tenantId).recordOutcome(tenantId, {
      workOrderId: workOrder.id,
      vehicleId: workOrder.vehicleId,
      alertId: workOrder.alertId,
      component: workOrder.component,
      confirmed: workOrder.outcome === "failure_confirmed",
    });
  } catch (error) {
    logError({ job: "predictive.outcome", tenantId, workOrderId: workOrder.id }, error);
  }
}
