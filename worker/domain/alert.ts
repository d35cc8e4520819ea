export const SEVERITIES = ["critical", "high", "medium", "low"] as const;
export type Severity = (typeof SEVERITIES)[number];
export const ALERT_STATUSES = ["open", "acknowledged", "resolved"] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
/** Alert ids are `newId(ALERT_ID_PREFIX, raisedAt)`: ordered by when the tenant object raised them. */
export const ALERT_ID_PREFIX = "alr";

/**
 * The public alert shape (docs/api.md "Alerts"); times are ISO strings. One alert is one episode
 * of a rule on a vehicle (or several, reopened within the cooldown): `value`, `peakValue` and
 * `lastSeenAt` follow every matching reading; `clearedAt` is set by the reading that broke it.
 */
export interface Alert {
  id: string;
  seq: number;
  vehicleId: string;
  ruleId: string | null;
  type: string;
  severity: Severity;
  status: AlertStatus;
  message: string;
  value: number | null;
  /** The most extreme matching value seen (max for gt/gte, min for lt/lte, = value for eq/neq, null for dtc). */
  peakValue: number | null;
  occurrences: number;
  createdAt: string;
  lastSeenAt: string;
  /** Event time of the reading that ended the latest episode; null while the condition holds. */
  clearedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  snoozedUntil: string | null;
  silenced: boolean;
  note: string | null;
  /** The person working on it (alert work); null when nobody is. The name is as it was when assigned. */
  assignee: AlertAssignee | null;
  /** How many comments its thread has (`GET /api/alerts/{id}/comments`). */
  commentCount: number;
}

export interface AlertAssignee {
  id: string;
  name: string;
}

/** The alert-work fields: absent on alerts stored before they existed, and optional for code that creates alerts. */
export type AlertWork = Pick<Alert, "assignee" | "commentCount">;

/** An alert as it is handed to the alert book: the work fields default to nobody and no comments. */
export type NewAlert = Omit<Alert, "seq" | keyof AlertWork> & Partial<AlertWork>;

/** Fills the alert-work fields of an alert stored or created without them. */
export const withWorkDefaults = <T extends Partial<AlertWork>>(alert: T): T & AlertWork => ({
  ...alert,
  assignee: alert.assignee ?? null,
  commentCount: alert.commentCount ?? 0,
});

export type AlertEventKind = "alert" | "alert.updated";

export interface AlertEvent {
  seq: number;
  kind: AlertEventKind;
  alert: Alert;
}

/**
 * A continuing episode's updates (new value, same episode) are logged, streamed and sent to
 * outbound webhooks at most once per alert per this long; the alert itself always has the latest values.
 */
export const LIVE_COALESCE_MS = 5000;

/** A change a user asks the tenant's object to make to an alert. */
export type AlertAction = { action: "ack" | "resolve"; note?: string } | { action: "snooze"; minutes: number };
/**
 * Alert work a user asks the tenant's object to record (worker/services/alert-work.ts): assign
 * it (or nobody), count a comment added to its thread (`count` is the thread's size after it,
 * so a late or repeated call never lowers it), or reopen a resolved alert.
 */
export type AlertWorkChange =
  | { action: "assign"; assignee: AlertAssignee | null }
  | { action: "comment"; count: number }
  | { action: "reopen" };
export type TransitionResult = { ok: true; alert: Alert } | { ok: false; error: "not_found" | "conflict"; detail: string };
