import { iso } from "../worker/lib/time";
import type { AlertBook } from "./alert-book";
import { firstBatchReceivedFrom, firstUnemptiedBatch } from "./batch-range";
import type { ReadingsStore } from "./readings-store";

const DAY = 24 * 60 * 60 * 1000;

/**
 * How long a tenant's data is kept, in days: the documented defaults (docs/time-driven-work.md),
 * each overridable per tenant through `PUT /api/settings` (worker/services/retention-settings.ts).
 * The alarm's hourly `retention` job applies them, so a quiet tenant prunes too.
 */
export const RETENTION_DEFAULTS = {
  /**
   * The events of accepted raw batches in the object. Their idempotency keys stay
   * `RETENTION.batchKeysMs` whatever this says; charts read the downsampled store. 8 by default,
   * as long as the key: the batch's row is then deleted with its events, where emptying it a day
   * earlier was one more billed row per batch (about $0.0026 per vehicle-month at one reading
   * every 10 s in batches of 100; the extra day of events costs about a sixth of that in storage).
   */
  rawTelemetryDays: 8,
  /** Downsampled per-vehicle readings (readings-store.ts): charts and rule previews. */
  readingsDays: 90,
  /** Resolved alerts in the object (D1 keeps its copy for history and analytics). */
  resolvedAlertsDays: 30,
  /** D1 deliveries in a final state (sent, failed, dead, cancelled). */
  deliveriesDays: 90,
  /** D1 inbox items. */
  inboxItemsDays: 90,
  /** D1 audit log. */
  auditLogDays: 365,
} as const;

export type RetentionDays = { -readonly [K in keyof typeof RETENTION_DEFAULTS]: number };

/** Fixed windows, not settings: they protect correctness rather than save space. */
export const RETENTION = {
  /** Idempotency keys of accepted batches: a vendor may retry, and events may be up to 7 days old. */
  batchKeysMs: 8 * DAY,
  /** The alert-event log clients resume from. */
  alertEventsMs: 8 * DAY,
} as const;

export const daysMs = (days: number) => days * DAY;

/** Prunes the object's own storage by the tenant's windows; returns how many rows went or changed, by kind. */
export function pruneObject(sql: SqlStorage, book: AlertBook, readings: ReadingsStore, synced: number, now: number, days: RetentionDays) {
  // The events go first (the big part); the key row stays for the idempotency window. Both are
  // rowid ranges (batch-range.ts): only the batches that change are read. A batch whose key
  // expires too is deleted, not emptied first (each is a billed row).
  const keysFrom = firstBatchReceivedFrom(sql, now - RETENTION.batchKeysMs);
  const rawDropped = sql.exec(
    "UPDATE ingested_batches SET events = '[]', journal = NULL WHERE rowid >= ? AND rowid < ? AND events <> '[]'",
    Math.max(firstUnemptiedBatch(sql), keysFrom),
    firstBatchReceivedFrom(sql, now - daysMs(Math.min(days.rawTelemetryDays, 8))),
  ).rowsWritten;
  const batches = sql.exec("DELETE FROM ingested_batches WHERE rowid < ?", keysFrom).rowsWritten;
  // Open or acknowledged alerts stay whatever their age; so do resolved ones still waiting for D1.
  const alerts = sql.exec(
    `DELETE FROM alerts WHERE json_extract(data, '$.status') = 'resolved'
      AND json_extract(data, '$.resolvedAt') < ? AND json_extract(data, '$.seq') <= ?`,
    iso(now - daysMs(days.resolvedAlertsDays)),
    synced,
  ).rowsWritten;
  book.prune(now - RETENTION.alertEventsMs);
  const compacted = readings.compact(now);
  const readingBuckets = readings.prune(now - daysMs(days.readingsDays));
  return { rawDropped, batches, alerts, compacted, readingBuckets };
}
