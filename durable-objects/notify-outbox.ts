import type { Alert } from "../worker/domain/alert";
import type { NotificationJob } from "../worker/domain/notifications";

/**
 * New alerts become `alert.raised` jobs (a silenced one only to record why nobody is told), and resolves of unsilenced alerts (by a
 * person or by `autoResolve`) `alert.resolved` jobs, on the notification queue. Like the D1
 * sync, this reads the event log past a cursor (`notifiedSeq`), and never past what D1 already
 * has (`syncedSeq`), so the consumer always finds the alert row. At least once: a job sent twice
 * is harmless because deliveries have deterministic ids.
 */
export async function enqueueRaisedAlerts(sql: SqlStorage, queue: Queue, tenantId: string): Promise<number> {
  const meta = (key: string) => Number(sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0]?.value ?? 0);
  const from = meta("notifiedSeq");
  const to = meta("syncedSeq");
  if (to <= from) return 0;
  // An alert resolves once (a resolved alert takes no further change), so its resolving event is
  // the one update that carries status "resolved".
  const rows = sql
    .exec<{ kind: string; data: string }>(
      `SELECT kind, data FROM alert_events WHERE seq > ? AND seq <= ?
        AND (kind = 'alert' OR json_extract(data, '$.status') = 'resolved') ORDER BY seq`,
      from,
      to,
    )
    .toArray();
  const jobs: NotificationJob[] = [];
  for (const row of rows) {
    const a = JSON.parse(row.data) as Alert;
    // A silenced alert's raise is planned too: the planner tells nobody and records why (which silence).
    if (row.kind === "alert") jobs.push({ type: "alert.raised", tenantId, alertId: a.id });
    if (a.silenced) continue;
    if (a.status === "resolved")
      jobs.push({ type: "alert.resolved", tenantId, alertId: a.id, resolvedAt: a.resolvedAt!, resolvedBy: a.resolvedBy });
  }
  for (let i = 0; i < jobs.length; i += 100) await queue.sendBatch(jobs.slice(i, i + 100).map((body) => ({ body })));
  sql.exec("INSERT INTO meta (key, value) VALUES ('notifiedSeq', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", String(to));
  return jobs.length;
}
