/**
 * How a shard's alert events reach the room (shards.ts). A shard records alert events in its own
 * book, under its own sequence; the room records each one again under the tenant's sequence, so
 * the live stream, resume, the D1 sync and the notification work see one ordered log whichever
 * object raised the alert. At least once from the shard (its cursor moves only once the room
 * took the events), exactly once in the room (it skips what it has already recorded).
 */
import type { Alert, AlertEvent, AlertEventKind } from "../worker/domain/alert";
import type { AlertBook } from "./alert-book";
import { SYNC_PAGE } from "./alert-sync";
import { cancelEscalations } from "./escalation-schedule";
import type { HubMeta } from "./hub-meta";

/** An alert event as its shard logged it. */
export interface RelayedEvent {
  shardSeq: number;
  kind: AlertEventKind;
  alert: Alert;
}

/** Shard side: the events past the relay cursor, oldest first (at most `limit`). */
export const unrelayed = (sql: SqlStorage, meta: HubMeta, limit = SYNC_PAGE): RelayedEvent[] =>
  sql
    .exec<{ seq: number; kind: AlertEventKind; data: string }>(
      "SELECT seq, kind, data FROM alert_events WHERE seq > ? ORDER BY seq LIMIT ?",
      Number(meta.get("relayedSeq") ?? 0),
      limit,
    )
    .toArray()
    .map((row) => ({ shardSeq: row.seq, kind: row.kind, alert: JSON.parse(row.data) as Alert }));

/** Shard side: sends the events past the relay cursor, oldest first; returns how many. */
export async function relayAlerts(sql: SqlStorage, meta: HubMeta, send: (events: RelayedEvent[]) => Promise<void>): Promise<number> {
  const events = unrelayed(sql, meta);
  if (!events.length) return 0;
  await send(events);
  meta.set("relayedSeq", String(events.at(-1)!.shardSeq));
  return events.length;
}

/** Room side: which shard raised an alert (0: the room itself). */
export const createAlertOrigins = (sql: SqlStorage) =>
  sql.exec("CREATE TABLE IF NOT EXISTS alert_origins (alert_id TEXT PRIMARY KEY, shard INTEGER NOT NULL) WITHOUT ROWID");

export const originOf = (sql: SqlStorage, alertId: string): number =>
  sql.exec<{ shard: number }>("SELECT shard FROM alert_origins WHERE alert_id = ?", alertId).toArray()[0]?.shard ?? 0;

/** Room side: the shard that holds an alert now (its vehicle moved there: shard-handoff.ts). */
export function setOrigin(sql: SqlStorage, alertId: string, shard: number) {
  if (shard)
    sql.exec(
      "INSERT INTO alert_origins (alert_id, shard) VALUES (?, ?) ON CONFLICT (alert_id) DO UPDATE SET shard = excluded.shard",
      alertId,
      shard,
    );
  else sql.exec("DELETE FROM alert_origins WHERE alert_id = ?", alertId);
}

/**
 * Room side, inside a storage transaction: records the events of `shard` it has not recorded
 * yet, each with the tenant's next seq. An acknowledged or resolved alert's pending escalation
 * steps are dropped, as for the room's own alerts.
 */
export function acceptRelayed(sql: SqlStorage, meta: HubMeta, book: AlertBook, shard: number, events: RelayedEvent[], now: number) {
  const cursor = `relayedSeq:${shard}`;
  const through = Number(meta.get(cursor) ?? 0);
  const recorded: AlertEvent[] = [];
  for (const { shardSeq, kind, alert } of events) {
    if (shardSeq <= through) continue;
    const before = book.get(alert.id);
    if (!before) sql.exec("INSERT OR IGNORE INTO alert_origins (alert_id, shard) VALUES (?, ?)", alert.id, shard);
    else if (before.status === "open" && alert.status !== "open") cancelEscalations(sql, alert.id);
    const { seq: _shardSeq, ...next } = alert;
    recorded.push(book.record(kind, next, now));
  }
  const last = events.at(-1)?.shardSeq ?? 0;
  if (last > through) meta.set(cursor, String(last));
  return recorded;
}
