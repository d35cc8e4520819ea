import type { Alert, AlertWorkChange } from "../worker/domain/alert";
import type { TransitionPlan } from "./alert-transition";

/**
 * What assigning, counting a comment on, or reopening `alert` makes of it. Assigning and
 * commenting work on any alert, resolved ones included; only a resolved alert can be reopened.
 * Reopening puts it back to `open` for someone to act on again: the resolve and the earlier
 * acknowledgement are cleared (the audit log keeps who did them), the episode is not relinked to
 * the rule's live state, nobody is notified and no escalation restarts.
 */
export function planWork(alert: Alert, change: AlertWorkChange): TransitionPlan {
  switch (change.action) {
    case "assign":
      if ((alert.assignee?.id ?? null) === (change.assignee?.id ?? null)) return { kind: "unchanged", alert };
      return { kind: "change", next: { ...alert, assignee: change.assignee } };
    case "comment":
      // The thread's size after the new comment: a call that arrives after a later one changes nothing.
      if (change.count <= alert.commentCount) return { kind: "unchanged", alert };
      return { kind: "change", next: { ...alert, commentCount: change.count } };
    case "reopen":
      if (alert.status !== "resolved") return { kind: "conflict", detail: "Only a resolved alert can be reopened." };
      return {
        kind: "change",
        next: { ...alert, status: "open", resolvedAt: null, resolvedBy: null, acknowledgedAt: null, acknowledgedBy: null },
      };
  }
}
