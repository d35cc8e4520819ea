import { iso } from "../worker/lib/time";
import type { AlertBook } from "./alert-book";

const DAY = 24 * 60 * 60 * 1000;

/**
 * How long the tenant's data is kept (documented constants, docs/time-driven-work.md; not
 * per-tenant settings yet). The alarm's `retention` job prunes hourly, so a quiet tenant prunes too.
 */
export const RETENTION = {
  /** Accepted raw batches in the object (idempotency keys, the readings chart's source). */
  rawBatchesMs: 8 * DAY,
  /** The alert-event log clients resume from. */
  alertEventsMs: 8 * DAY,
  /** Resolved alerts in the object (D1 keeps its copy for history and analytics). */
  resolvedAlertsMs: 30 * DAY,
  /** D1 deliveries in a final state (sent, failed, dead, cancelled). */
  deliveriesMs: 90 * DAY,
  /** D1 inbox items. */
  inboxItemsMs: 90 * DAY,
  /** D1 audit log. */
  auditLogMs: 365 * DAY,
} as const;

/** Prunes the object's own storage; returns how many rows went, by kind. */
export function pruneObject(sql: SqlStorage, book: AlertBook, now: number) {
  const batches = sql.exec("DELETE FROM ingested_batches WHERE received_at < ?", now - RETENTION.rawBatchesMs).rowsWritten;
  // Open or acknowledged alerts stay whatever their age; so do resolved ones still waiting for D1.
  const synced = Number(sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'syncedSeq'").toArray()[0]?.value ?? 0);
  const alerts = sql.exec(
    `DELETE FROM alerts WHERE json_extract(data, '$.status') = 'resolved'
      AND json_extract(data, '$.resolvedAt') < ? AND json_extract(data, '$.seq') <= ?`,
    iso(now - RETENTION.resolvedAlertsMs),
    synced,
  ).rowsWritten;
  book.prune(now - RETENTION.alertEventsMs);
  return { batches, alerts };
}
