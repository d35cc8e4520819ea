import type { Alert } from "../worker/domain/alert";
import type { NotificationJob } from "../worker/domain/notifications";
import { iso } from "../worker/lib/time";
import type { OutboxCursors } from "./outbox-cursors";

/**
 * Turns logged alert events into notification jobs: a new alert an `alert.raised` job (a
 * silenced one too, only so the planner records which silence held it); a resolve of an unsilenced alert (by a person or by `autoResolve`) an `alert.resolved`
 * job; any other change of an unsilenced, unresolved alert (a continuing episode's new values,
 * a clearing, a reopening, new DTC codes, an acknowledgement) an `alert.updated` job for the
 * outbound webhooks subscribed to it. Continuing-episode values reach the log at most once per
 * alert per LIVE_COALESCE_MS (alert-book.ts), so the webhooks get them at the live stream's
 * cadence; one run sends at most one `alert.updated` per alert (the payload is the alert as it
 * is when sent, so older changes of the run would carry the same state), and none for an alert
 * the run also resolves, and none when no enabled webhook subscribes to `alert.updated`. Like
 * the D1 sync, this reads the event log past a cursor (`notifiedSeq`, outbox-cursors.ts), and
 * never past what D1 already has (`syncedSeq`), so the consumer always
 * finds the alert row. At least once: a job sent twice is harmless because deliveries have
 * deterministic ids.
 */
export async function enqueueRaisedAlerts(
  sql: SqlStorage,
  cursors: OutboxCursors,
  queues: NotifyQueues,
  tenantId: string,
  updateWebhooks: () => Promise<boolean>,
): Promise<number> {
  const from = cursors.get("notifiedSeq");
  const to = cursors.get("syncedSeq");
  if (to <= from) return 0;
  const rows = sql
    .exec<{ seq: number; kind: string; at: number; data: string }>(
      "SELECT seq, kind, at, data FROM alert_events WHERE seq > ? AND seq <= ? ORDER BY seq",
      from,
      to,
    )
    .toArray();
  const jobs: NotificationJob[] = [];
  const urgent: NotificationJob[] = [];
  /** The newest non-resolving update of each alert in this run; dropped when the alert resolves. */
  const updated = new Map<string, NotificationJob>();
  for (const row of rows) {
    const a = JSON.parse(row.data) as Alert;
    // A silenced alert's raise is planned too: the planner tells nobody and records why (which silence).
    if (row.kind === "alert") {
      (a.severity === "critical" && !a.silenced ? urgent : jobs).push({ type: "alert.raised", tenantId, alertId: a.id });
      continue;
    }
    if (a.silenced) continue;
    if (a.status === "resolved") {
      // An alert resolves once (a resolved alert takes no further change): this is its resolving event.
      updated.delete(a.id);
      jobs.push({ type: "alert.resolved", tenantId, alertId: a.id, resolvedAt: a.resolvedAt!, resolvedBy: a.resolvedBy });
    } else {
      // `change` names the logged event (its seq is unique in the tenant), so each change is its own delivery.
      updated.delete(a.id); // re-inserted last: jobs keep the order of the alerts' newest changes
      updated.set(a.id, { type: "alert.updated", tenantId, alertId: a.id, change: `event ${row.seq}`, at: iso(row.at) });
    }
  }
  // Only webhooks read `alert.updated`: a tenant without one subscribed gets no such job (a queue
  // message, a consumer run and a D1 read per update of every open alert whose episode goes on).
  if (updated.size && (await updateWebhooks())) jobs.push(...updated.values());
  await sendAll(queues.urgent, urgent);
  await sendAll(queues.normal, jobs);
  cursors.advance("notifiedSeq", to);
  return urgent.length + jobs.length;
}

/**
 * The notification queues: a critical alert's `alert.raised` job goes on its own queue, consumed
 * apart from the other, so a page never waits behind a backlog of other alerts' planning and
 * sending (a burst of 1,220 new alerts held the next critical push 11.6 s on one queue).
 */
export interface NotifyQueues {
  normal: Queue;
  urgent: Queue;
}

async function sendAll(queue: Queue, jobs: NotificationJob[]) {
  for (let i = 0; i < jobs.length; i += 100) await queue.sendBatch(jobs.slice(i, i + 100).map((body) => ({ body })));
}
