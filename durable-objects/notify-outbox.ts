import type { Alert } from "../worker/domain/alert";
import type { NotificationJob } from "../worker/domain/notifications";

/**
 * New, unsilenced alerts become `alert.raised` jobs on the notification queue. Like the D1
 * sync, this reads the event log past a cursor (`notifiedSeq`), and never past what D1 already
 * has (`syncedSeq`), so the consumer always finds the alert row. At least once: a job sent twice
 * is harmless because deliveries have deterministic ids.
 */
export async function enqueueRaisedAlerts(sql: SqlStorage, queue: Queue, tenantId: string): Promise<number> {
  const meta = (key: string) => Number(sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0]?.value ?? 0);
  const from = meta("notifiedSeq");
  const to = meta("syncedSeq");
  if (to <= from) return 0;
  const rows = sql
    .exec<{ data: string }>("SELECT data FROM alert_events WHERE seq > ? AND seq <= ? AND kind = 'alert'", from, to)
    .toArray();
  const jobs: NotificationJob[] = rows
    .map((r) => JSON.parse(r.data) as Alert)
    .filter((a) => !a.silenced)
    .map((a) => ({ type: "alert.raised", tenantId, alertId: a.id }));
  for (let i = 0; i < jobs.length; i += 100) await queue.sendBatch(jobs.slice(i, i + 100).map((body) => ({ body })));
  sql.exec("INSERT INTO meta (key, value) VALUES ('notifiedSeq', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", String(to));
  return jobs.length;
}
