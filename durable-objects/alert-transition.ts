import type { Alert, AlertAction } from "../worker/domain/alert";
import { iso } from "../worker/lib/time";

export type TransitionPlan =
  | { kind: "conflict"; detail: string }
  /** Acknowledging an acknowledged alert: nothing to record. */
  | { kind: "unchanged"; alert: Alert }
  | { kind: "change"; next: Omit<Alert, "seq"> };

/** What acknowledging, resolving or snoozing `alert` as `actorId` at `now` makes of it. */
export function planTransition(alert: Alert, change: AlertAction, actorId: string, now: number): TransitionPlan {
  if (alert.status === "resolved") return { kind: "conflict", detail: "The alert is already resolved." };
  if (change.action === "snooze") return { kind: "change", next: { ...alert, snoozedUntil: iso(now + change.minutes * 60_000) } };
  const note = change.note !== undefined ? change.note : alert.note;
  if (change.action === "ack") {
    if (alert.status === "acknowledged") return { kind: "unchanged", alert };
    return { kind: "change", next: { ...alert, status: "acknowledged", acknowledgedAt: iso(now), acknowledgedBy: actorId, note } };
  }
  return { kind: "change", next: { ...alert, status: "resolved", resolvedAt: iso(now), resolvedBy: actorId, note } };
}
