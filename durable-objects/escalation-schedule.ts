import type { Alert } from "../worker/domain/alert";
import type { Channel, EscalationStep, NotificationJob } from "../worker/domain/notifications";
import type { Role } from "../worker/domain/roles";

/** A step waiting for its time (stored in the object's `escalations` table). */
export interface DueStep {
  alertId: string;
  step: number;
  roles: Role[];
  channels: Channel[];
}

/** Schedules every step of the policy for a new alert, `afterMinutes` from `raisedAt` (wall clock). */
export function scheduleEscalations(sql: SqlStorage, alertId: string, steps: EscalationStep[], raisedAt: number) {
  steps.forEach((step, i) =>
    sql.exec(
      "INSERT OR IGNORE INTO escalations (alert_id, step, due_at, roles, channels) VALUES (?, ?, ?, ?, ?)",
      alertId,
      i + 1,
      raisedAt + step.afterMinutes * 60_000,
      JSON.stringify(step.roles),
      JSON.stringify(step.channels),
    ),
  );
}

export const cancelEscalations = (sql: SqlStorage, alertId: string) => sql.exec("DELETE FROM escalations WHERE alert_id = ?", alertId);

export function dueEscalations(sql: SqlStorage, now: number): DueStep[] {
  return sql
    .exec<{ alert_id: string; step: number; roles: string; channels: string }>(
      "SELECT alert_id, step, roles, channels FROM escalations WHERE due_at <= ? ORDER BY due_at",
      now,
    )
    .toArray()
    .map((r) => ({ alertId: r.alert_id, step: r.step, roles: JSON.parse(r.roles), channels: JSON.parse(r.channels) }));
}

export const finishStep = (sql: SqlStorage, alertId: string, step: number) =>
  sql.exec("DELETE FROM escalations WHERE alert_id = ? AND step = ?", alertId, step);

/** A snoozed alert's step waits until the snooze ends. */
export const postponeStep = (sql: SqlStorage, alertId: string, step: number, until: number) =>
  sql.exec("UPDATE escalations SET due_at = ? WHERE alert_id = ? AND step = ?", until, alertId, step);

export const nextEscalationAt = (sql: SqlStorage): number | null =>
  sql.exec<{ at: number | null }>("SELECT min(due_at) AS at FROM escalations").one().at;

/**
 * Due steps of alerts still open become `alert.escalated` jobs (returned for the queue); snoozed
 * ones wait until the snooze ends, those of acknowledged or resolved alerts are dropped.
 */
export function takeDueEscalations(
  sql: SqlStorage,
  tenantId: string,
  now: number,
  current: (alertId: string) => Alert | undefined,
): NotificationJob[] {
  const jobs: NotificationJob[] = [];
  for (const due of dueEscalations(sql, now)) {
    const alert = current(due.alertId);
    const snoozedUntil = alert?.snoozedUntil ? Date.parse(alert.snoozedUntil) : 0;
    if (alert?.status === "open" && snoozedUntil > now) {
      postponeStep(sql, due.alertId, due.step, snoozedUntil);
      continue;
    }
    if (alert?.status === "open") jobs.push({ type: "alert.escalated", tenantId, ...due });
    finishStep(sql, due.alertId, due.step);
  }
  return jobs;
}
