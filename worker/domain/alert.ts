export const SEVERITIES = ["critical", "high", "medium", "low"] as const;
export type Severity = (typeof SEVERITIES)[number];
export const ALERT_STATUSES = ["open", "acknowledged", "resolved"] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** The public alert shape (docs/api.md "Alerts"); times are ISO strings. */
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
  occurrences: number;
  createdAt: string;
  lastSeenAt: string;
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

/** A change a user asks the tenant's object to make to an alert. */
export type AlertAction = { action: "ack" | "resolve"; note?: string } | { action: "snooze"; minutes: number };
export type TransitionResult = { ok: true; alert: Alert } | { ok: false; error: "not_found" | "conflict"; detail: string };
