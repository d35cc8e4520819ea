import type { Alert, Severity } from "../worker/domain/alert";
import type { Channel, EscalationStep, NotificationJob } from "../worker/domain/notifications";
import type { Role } from "../worker/domain/roles";
import type { OutboxCursors } from "./outbox-cursors";

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

/** Steps about to be sent: removed (`finishSteps`) only once the queue took their jobs. */
export interface DueJobs {
  jobs: NotificationJob[];
  steps: { alertId: string; step: number }[];
}

/**
 * Due steps of alerts still open and not silenced now become `alert.escalated` jobs; snoozed
 * ones wait until the snooze ends; those of acknowledged, resolved or silenced alerts are dropped.
 */
export function dueEscalationJobs(
  sql: SqlStorage,
  tenantId: string,
  now: number,
  current: (alertId: string) => Alert | undefined,
  silenced: (alert: Alert) => boolean,
): DueJobs {
  const due: DueJobs = { jobs: [], steps: [] };
  for (const step of dueEscalations(sql, now)) {
    const alert = current(step.alertId);
    const snoozedUntil = alert?.snoozedUntil ? Date.parse(alert.snoozedUntil) : 0;
    if (alert?.status === "open" && snoozedUntil > now) {
      postponeStep(sql, step.alertId, step.step, snoozedUntil);
    } else if (alert?.status === "open" && !silenced(alert)) {
      due.jobs.push({ type: "alert.escalated", tenantId, ...step });
      due.steps.push({ alertId: step.alertId, step: step.step });
    } else {
      finishStep(sql, step.alertId, step.step);
    }
  }
  return due;
}

export const finishSteps = (sql: SqlStorage, steps: DueJobs["steps"]) => {
  for (const s of steps) finishStep(sql, s.alertId, s.step);
};

/** Alerts with steps still pending, for a new silence to check against. */
export const alertsWithPendingSteps = (sql: SqlStorage): string[] =>
  sql
    .exec<{ alert_id: string }>("SELECT DISTINCT alert_id FROM escalations")
    .toArray()
    .map((r) => r.alert_id);

/**
 * The escalation outbox: new alerts past the `escalatedSeq` cursor (and never past `syncedSeq`,
 * so the consumer finds the alert row) get their policy's steps, timed from when the object
 * recorded them. Runs on the alarm, so a policy read that fails after a batch was saved only
 * delays the schedule to the next alarm; the cursor moves once the steps are stored.
 */
export async function scheduleFromNewAlerts(
  sql: SqlStorage,
  cursors: OutboxCursors,
  policies: () => Promise<Map<Severity, EscalationStep[]>>,
  current: (alertId: string) => Alert | undefined,
): Promise<number> {
  const from = cursors.get("escalatedSeq");
  const to = cursors.get("syncedSeq");
  if (to <= from) return 0;
  const raised = sql
    .exec<{ at: number; data: string }>(
      "SELECT at, data FROM alert_events WHERE seq > ? AND seq <= ? AND kind = 'alert' ORDER BY seq",
      from,
      to,
    )
    .toArray()
    .map((r) => ({ at: r.at, alert: JSON.parse(r.data) as Alert }))
    // Silenced when raised: no chain. Acknowledged or resolved since: the chain would be dropped anyway.
    .filter(({ alert }) => !alert.silenced && current(alert.id)?.status === "open");
  const bySeverity = raised.length ? await policies() : new Map<Severity, EscalationStep[]>();
  for (const { at, alert } of raised) scheduleEscalations(sql, alert.id, bySeverity.get(alert.severity) ?? [], at);
  cursors.advance("escalatedSeq", to);
  return raised.length;
}
