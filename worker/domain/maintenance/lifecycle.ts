/** Work-order lifecycle (docs/api.md "Maintenance"): open → scheduled → in_progress → completed, and cancelled. */

export const WORK_ORDER_STATUSES = ["open", "scheduled", "in_progress", "completed", "cancelled"] as const;
export type WorkOrderStatus = (typeof WORK_ORDER_STATUSES)[number];

export const WORK_ORDER_PRIORITIES = ["urgent", "high", "normal", "low"] as const;
export type WorkOrderPriority = (typeof WORK_ORDER_PRIORITIES)[number];

export const WORK_ORDER_SOURCES = ["manual", "plan", "predictive", "alert"] as const;
export type WorkOrderSource = (typeof WORK_ORDER_SOURCES)[number];

/** Weight of a priority in the scheduler's lateness objective. */
export const PRIORITY_WEIGHT: Record<WorkOrderPriority, number> = { urgent: 8, high: 4, normal: 2, low: 1 };

const NEXT: Record<WorkOrderStatus, readonly WorkOrderStatus[]> = {
  open: ["scheduled", "cancelled"],
  scheduled: ["in_progress", "cancelled"],
  in_progress: ["completed", "cancelled"],
  completed: [],
  cancelled: [],
};

/** Statuses whose booking (technician, bay, vehicle, times) blocks others. */
export const BOOKED_STATUSES: readonly WorkOrderStatus[] = ["scheduled", "in_progress"];
/** Statuses of a work order still to be done. */
export const ACTIVE_STATUSES: readonly WorkOrderStatus[] = ["open", "scheduled", "in_progress"];

export const isTerminal = (status: WorkOrderStatus) => status === "completed" || status === "cancelled";

/** Null when `from → to` is allowed (staying in the same status is a no-op), else why not. */
export function transitionError(from: WorkOrderStatus, to: WorkOrderStatus): string | null {
  if (from === to || NEXT[from].includes(to)) return null;
  if (from === "completed") return "A completed work order cannot change status.";
  if (from === "cancelled") return "A cancelled work order cannot change status.";
  return `A work order cannot go from ${from} to ${to}; from ${from} it may go to ${NEXT[from].join(" or ")}.`;
}
