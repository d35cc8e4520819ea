/**
 * Raw batches are stored in the order they arrive, so rowid order is `received_at` order and a
 * time bound is a rowid bound, found by binary search over the rowid b-tree (about 20 one-row
 * reads). An index on `received_at` did the same for an index entry written with every batch and
 * deleted with it, two billed rows per batch (issue 18: rows per event).
 *
 * Retention empties old batches' events, oldest first, so the emptied batches are a prefix too.
 */
type Probe = { id: number; received_at: number; emptied: number };

/** The first batch at or after rowid `from`, or null past the newest. */
function probe(sql: SqlStorage, from: number): Probe | null {
  return (
    sql
      .exec<Probe>(
        "SELECT rowid AS id, received_at, events = '[]' AS emptied FROM ingested_batches WHERE rowid >= ? ORDER BY rowid LIMIT 1",
        from,
      )
      .toArray()[0] ?? null
  );
}

/** The first rowid whose batch passes `past` (false for a prefix of the batches, true after it); the newest + 1 when none does. */
function firstRowid(sql: SqlStorage, past: (batch: Probe) => boolean): number {
  const bounds = sql
    .exec<{ lo: number | null; hi: number | null }>("SELECT min(rowid) AS lo, max(rowid) AS hi FROM ingested_batches")
    .one();
  if (bounds.lo === null || bounds.hi === null) return 1;
  let lo = bounds.lo;
  let hi = bounds.hi + 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const batch = probe(sql, mid);
    if (!batch || past(batch)) hi = mid;
    else lo = batch.id + 1;
  }
  return probe(sql, lo)?.id ?? bounds.hi + 1;
}

/** The first batch received at or after `at` (the newest + 1 when none was). */
export const firstBatchReceivedFrom = (sql: SqlStorage, at: number) => firstRowid(sql, (batch) => batch.received_at >= at);

/** The first batch whose events retention has not emptied. */
export const firstUnemptiedBatch = (sql: SqlStorage) => firstRowid(sql, (batch) => !batch.emptied);
