import type { Alert } from "./api-types";
import { formatDateTime } from "./format";

/**
 * The alert's state in words (never colour alone): its status, and whether the condition still
 * holds ("condition cleared …") or was resolved automatically when it cleared.
 */
export function alertStateText(alert: Pick<Alert, "status" | "clearedAt" | "resolvedAt" | "resolvedBy">): string {
  if (alert.status === "resolved") {
    const when = alert.resolvedAt ? ` ${formatDateTime(alert.resolvedAt)}` : "";
    return alert.resolvedBy === null ? `resolved automatically${when} (condition cleared)` : `resolved${when}`;
  }
  const cleared = alert.clearedAt ? `, condition cleared ${formatDateTime(alert.clearedAt)}` : ", condition still holding";
  return `${alert.status}${cleared}`;
}
