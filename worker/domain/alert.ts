export const SEVERITIES = ["critical", "high", "medium", "low"] as const;
export type Severity = (typeof SEVERITIES)[number];
export const ALERT_STATUSES = ["open", "acknowledged", "resolved"] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

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
}

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
export type TransitionResult = { ok: true; alert: Alert } | { ok: false; error: "not_found" | "conflict"; detail: string };
