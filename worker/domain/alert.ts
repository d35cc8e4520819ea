import type { AlertStatus, Severity } from "../db/schema";

/** The public alert shape (API.md "Alerts"); times are ISO strings. */
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
