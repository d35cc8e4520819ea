/**
 * The per-vehicle downsampled readings store in the tenant object's SQLite (docs/readings-store.md):
 * the source of `GET /api/vehicles/:id/readings` and of anything that needs a vehicle's history
 * beyond the raw window. A batch's readings are aggregated in memory (one delta bucket per
 * (vehicle, bucket) touched) and written on the object's alarm SETTLE_MS later (sooner past
 * MAX_PENDING_GROUPS), into one row per vehicle and page however many batches touched it: writing
 * per batch, or every few seconds, or a row per bucket, cost more rows than everything else the hot
 * path writes. Reads merge the buffer, so the delay is never visible. Nothing is lost on
 * eviction: every accepted batch is stored raw (`ingested_batches`) before its 202, and a new
 * instance folds the batches past the stored cursor (`readingsThrough`) back into the buffer.
 *
 * Two resolutions, so a vehicle-day stays small and a week reads a few dozen rows:
 * - 1-minute buckets for the last MINUTE_TIER_MS, an hour of them to a page (MINUTE_PAGE_MS), the
 *   pages of GROUP_SIZE vehicles to a row of `reading_groups` (reading-groups.ts: a row per
 *   vehicle and hour was still 1/60 row per event at one reading every 10 s; a read picks its
 *   vehicle's page out);
 * - 5-minute buckets after that, a day of them to a row (COARSE_PAGE_MS): the hourly retention job
 *   folds older minute pages into them, and a late event older than the minute tier goes straight
 *   into one.
 * Rows of a single bucket (`span` MINUTE_MS or COARSE_MS), and one vehicle's minute pages
 * (`reading_buckets`, span MINUTE_PAGE_MS), written before pages and groups, are still read,
 * folded and pruned. Bounded per vehicle by time: the retention job drops pages wholly past the
 * tenant's `readingsDays`.
 */
import { readStoredEvents } from "./stored-batch";
import type { TelemetryEvent } from "../worker/domain/telemetry";
import { SETTLE_MS } from "./deferred-writes";
import { addReading, type Bucket, decodeBucket, decodePage, emptyBucket, encodePage, mergeBucket, pageInGroup } from "./readings-codec";
import { deleteGroup, groupHoursUpTo, groupOf, groupRowsOf, pruneGroups, readGroup, writeGroup } from "./reading-groups";

export const MINUTE_MS = 60_000;
export const COARSE_MS = 5 * MINUTE_MS;
/** The `span` of a page row of minute buckets: a vehicle's hour (readings-codec.ts). */
export const MINUTE_PAGE_MS = 60 * MINUTE_MS;
/** The `span` of a page row of 5-minute buckets: a vehicle's day. */
export const COARSE_PAGE_MS = 24 * 60 * MINUTE_MS;
/** The page each bucket width is stored in, and back. */
const PAGE_OF = new Map([
  [MINUTE_MS, MINUTE_PAGE_MS],
  [COARSE_MS, COARSE_PAGE_MS],
]);
const UNIT_OF = new Map([
  [MINUTE_PAGE_MS, MINUTE_MS],
  [COARSE_PAGE_MS, COARSE_MS],
]);
/** The start of the `width`-wide interval `at` falls in. */
const floorTo = (at: number, width: number) => Math.floor(at / width) * width;
/** How long 1-minute buckets are kept before they are folded into 5-minute ones. */
export const MINUTE_TIER_MS = 2 * 24 * 60 * MINUTE_MS;
/** Metric names are interned as u16 ids; a tenant sending more distinct names than this has the rest not downsampled. */
const MAX_METRICS = 1024;
/** Minute buckets folded per retention run (about a day of 20 vehicles); a backlog goes over several runs. */
const COMPACT_LIMIT = 30_000;
/** (vehicle, bucket) groups the buffer holds before it is written at once (memory, and the replay after an eviction). */
const MAX_PENDING_GROUPS = 20_000;
/** The `meta` key of the newest raw batch (its `ingested_batches` rowid) whose readings are in `reading_buckets`. */
const CURSOR = "readingsThrough";

export interface BucketRow {
  start: number;
  span: number;
  bucket: Bucket;
}

interface Pending {
  vehicleId: string;
  span: number;
  start: number;
  /** What the buffered batches add to the stored row (merged into it on flush). */
  bucket: Bucket;
}

type Transaction = <T>(run: () => T) => T;

export class ReadingsStore {
  #series = new Map<string, number>();
  /** The highest series id given out. */
  #lastSeries = 0;
  #metrics = new Map<string, number>();
  #names = new Map<number, string>();
  /** Ids given out since the last flush, not yet in `reading_series` / `reading_metrics`. */
  #newSeries: [number, string][] = [];
  #newMetrics: [number, string][] = [];
  #pending = new Map<string, Pending>();
  /** When the oldest buffered batch arrived (null: nothing buffered). */
  #pendingSince: number | null = null;
  /** The newest raw batch folded into the buffer or the table. */
  #through = 0;
  #stored = 0;

  /** `transaction` wraps a flush (the object's `transactionSync`), so a flush is all or nothing. */
  constructor(
    private readonly sql: SqlStorage,
    private readonly transaction: Transaction = (run) => run(),
  ) {
    this.#recover();
  }

  /**
   * Adds a batch's readings to the buffer. `batch` is its `ingested_batches` rowid, `now` the time
   * it was accepted (which tier a late event goes to). Returns the (vehicle, bucket) groups touched.
   */
  record(events: TelemetryEvent[], now: number, batch: number): number {
    const touched = new Set<string>();
    const ordered = events.filter((e) => Object.keys(e.readings).length).sort((a, b) => a.ts - b.ts);
    for (const event of ordered) {
      const span = event.ts < now - MINUTE_TIER_MS ? COARSE_MS : MINUTE_MS;
      const start = floorTo(event.ts, span);
      const key = `${event.vehicleId}|${span}|${start}`;
      let pending = this.#pending.get(key);
      if (!pending) this.#pending.set(key, (pending = { vehicleId: event.vehicleId, span, start, bucket: emptyBucket() }));
      this.#seriesId(event.vehicleId);
      this.#add(pending.bucket, event);
      touched.add(key);
    }
    this.#through = Math.max(this.#through, batch);
    if (this.#through > this.#stored) this.#pendingSince ??= Date.now();
    return touched.size;
  }

  /** When the buffer must be written (the alarm's time), or null when nothing is buffered. */
  flushDueAt(): number | null {
    if (this.#pendingSince === null) return null;
    return this.#pending.size >= MAX_PENDING_GROUPS ? this.#pendingSince : this.#pendingSince + SETTLE_MS;
  }

  /**
   * Writes the buffer: one read and one write per (vehicle, page), the new ids and the cursor,
   * in one transaction. On a failure the buffer is rebuilt from the raw batches and the error thrown.
   */
  flush(): number {
    if (this.#through <= this.#stored && !this.#pending.size) return 0;
    try {
      const written = this.transaction(() => {
        for (const [id, vehicleId] of this.#newSeries)
          this.sql.exec("INSERT INTO reading_series (id, vehicle_id) VALUES (?, ?)", id, vehicleId);
        for (const [id, name] of this.#newMetrics) this.sql.exec("INSERT INTO reading_metrics (id, name) VALUES (?, ?)", id, name);
        const pages = new Pages();
        for (const { vehicleId, span, start, bucket } of this.#pending.values())
          pages.add(this.#series.get(vehicleId)!, span, start, bucket);
        const all = [...pages.all()];
        this.#mergeIntoGroups(all.filter((page) => page.span === MINUTE_PAGE_MS));
        this.#mergeIntoPages(all.filter((page) => page.span !== MINUTE_PAGE_MS));
        this.#saveCursor(this.#through);
        return this.#pending.size;
      });
      this.#newSeries = [];
      this.#newMetrics = [];
      this.#pending.clear();
      this.#pendingSince = null;
      this.#stored = this.#through;
      return written;
    } catch (error) {
      this.#recover();
      throw error;
    }
  }

  /**
   * After retention deleted raw batches: rowids may start again below the cursor once the table
   * is empty, so the cursor follows the newest batch kept (the buffer is empty: flushed first).
   */
  afterRawPruned() {
    this.flush();
    const newest = this.sql.exec<{ id: number | null }>("SELECT max(rowid) AS id FROM ingested_batches").one().id ?? 0;
    if (newest < this.#stored) {
      this.#saveCursor(newest);
      this.#stored = this.#through = newest;
    }
  }

  /**
   * The vehicle's buckets with `from <= start < to`, oldest first (both resolutions interleaved by
   * time; a page's buckets one by one), with the buffered deltas merged in (a read never waits for
   * the flush). One indexed range read per kind of row.
   */
  buckets(vehicleId: string, from: number, to: number): BucketRow[] {
    const series = this.#series.get(vehicleId);
    const byKey = new Map<string, BucketRow>();
    const add = (span: number, start: number, bucket: Bucket) => {
      if (start < from || start >= to) return;
      const row = byKey.get(`${span}|${start}`);
      if (row) mergeBucket(row.bucket, bucket);
      else byKey.set(`${span}|${start}`, { start, span, bucket: mergeInto(emptyBucket(), bucket) });
    };
    if (series !== undefined) {
      for (const span of [MINUTE_MS, COARSE_MS, MINUTE_PAGE_MS, COARSE_PAGE_MS]) {
        const unit = UNIT_OF.get(span);
        const rows = this.sql.exec<{ start: number; data: ArrayBuffer }>(
          "SELECT start, data FROM reading_buckets WHERE series = ? AND span = ? AND start > ? AND start < ?",
          series,
          span,
          from - (unit ? span : 1),
          to,
        );
        for (const row of rows) {
          if (!unit) add(span, row.start, decodeBucket(row.data, row.start));
          else for (const [start, bucket] of decodePage(row.data, row.start, unit)) add(unit, start, bucket);
        }
      }
      for (const row of groupRowsOf(this.sql, series, from - MINUTE_PAGE_MS, to)) {
        const page = pageInGroup(row.data, series);
        if (page) for (const [start, bucket] of decodePage(page, row.start, MINUTE_MS)) add(MINUTE_MS, start, bucket);
      }
    }
    for (const p of this.#pending.values()) if (p.vehicleId === vehicleId) add(p.span, p.start, p.bucket);
    return [...byKey.values()].sort((a, b) => a.start - b.start || b.span - a.span);
  }

  metricName(id: number): string | undefined {
    return this.#names.get(id);
  }

  /**
   * Folds 1-minute buckets older than the minute tier (pages wholly older, and minute rows stored
   * before pages) into the 5-minute buckets of day pages; returns how many minute buckets went.
   */
  compact(now: number): number {
    this.flush();
    const boundary = floorTo(now - MINUTE_TIER_MS, COARSE_MS);
    let folded = this.#compactGroups(boundary);
    for (const series of this.#series.values()) {
      if (folded >= COMPACT_LIMIT) break;
      const rows = this.sql
        .exec<{ span: number; start: number; data: ArrayBuffer }>(
          `SELECT span, start, data FROM reading_buckets
            WHERE series = ? AND ((span = ${MINUTE_MS} AND start < ?) OR (span = ${MINUTE_PAGE_MS} AND start <= ?)) ORDER BY start LIMIT ?`,
          series,
          boundary,
          boundary - MINUTE_PAGE_MS,
          COMPACT_LIMIT - folded,
        )
        .toArray();
      if (!rows.length) continue;
      const coarse = new Pages();
      const fold = (minuteStart: number, bucket: Bucket) => {
        coarse.add(series, COARSE_MS, floorTo(minuteStart, COARSE_MS), bucket);
        folded++;
      };
      for (const row of rows) {
        if (row.span === MINUTE_MS) fold(row.start, decodeBucket(row.data, row.start));
        else for (const [start, bucket] of decodePage(row.data, row.start, MINUTE_MS)) fold(start, bucket);
      }
      this.#mergeIntoPages(coarse.all());
      // Exactly what was folded: each kind up to its own last row (a page not yet wholly old may
      // start before the last old single-minute row).
      for (const span of [MINUTE_MS, MINUTE_PAGE_MS]) {
        const last = rows.findLast((row) => row.span === span)?.start;
        if (last !== undefined)
          this.sql.exec("DELETE FROM reading_buckets WHERE series = ? AND span = ? AND start <= ?", series, span, last);
      }
    }
    return folded;
  }

  /**
   * Folds group rows of hours wholly older than the minute tier into each vehicle's day pages
   * (a row read and deleted per group and hour, a day page written per vehicle); returns how many
   * minute buckets went.
   */
  #compactGroups(boundary: number): number {
    let folded = 0;
    const hours = groupHoursUpTo(this.sql, boundary - MINUTE_PAGE_MS);
    const coarse = new Pages();
    const done: { grp: number; start: number }[] = [];
    for (const { grp, start } of hours) {
      if (folded >= COMPACT_LIMIT) break;
      for (const [series, page] of readGroup(this.sql, grp, start).pages)
        for (const [minute, bucket] of decodePage(page, start, MINUTE_MS)) {
          coarse.add(series, COARSE_MS, floorTo(minute, COARSE_MS), bucket);
          folded++;
        }
      done.push({ grp, start });
    }
    this.#mergeIntoPages(coarse.all());
    for (const { grp, start } of done) deleteGroup(this.sql, grp, start);
    return folded;
  }

  /** Drops buckets that started before `before`; returns how many rows went. */
  prune(before: number): number {
    this.flush();
    let dropped = pruneGroups(this.sql, before - MINUTE_PAGE_MS);
    for (const series of this.#series.values()) {
      dropped += this.sql.exec(
        `DELETE FROM reading_buckets WHERE series = ? AND ((span IN (${MINUTE_MS}, ${COARSE_MS}) AND start < ?)
          OR (span = ${MINUTE_PAGE_MS} AND start <= ?) OR (span = ${COARSE_PAGE_MS} AND start <= ?))`,
        series,
        before,
        before - MINUTE_PAGE_MS,
        before - COARSE_PAGE_MS,
      ).rowsWritten;
    }
    return dropped;
  }

  /** Merges bucket deltas into their page rows: one read and one write per (vehicle, page). */
  #mergeIntoPages(pages: Iterable<PageDeltas>) {
    for (const { series, span, start, deltas } of pages) {
      const unit = UNIT_OF.get(span)!;
      const row = this.sql
        .exec<{ data: ArrayBuffer }>("SELECT data FROM reading_buckets WHERE series = ? AND span = ? AND start = ?", series, span, start)
        .toArray()[0];
      const buckets = mergeDeltas(row ? decodePage(row.data, start, unit) : new Map<number, Bucket>(), deltas);
      this.sql.exec(
        "INSERT OR REPLACE INTO reading_buckets (series, span, start, data) VALUES (?, ?, ?, ?)",
        series,
        span,
        start,
        encodePage(buckets, start, unit),
      );
    }
  }

  /** Merges hour pages' deltas into their group rows: one read and one write per (group, hour), whatever the vehicles. */
  #mergeIntoGroups(pages: PageDeltas[]) {
    const rows = new Map<string, { grp: number; start: number; members: PageDeltas[] }>();
    for (const page of pages) {
      const grp = groupOf(page.series);
      const key = `${grp}|${page.start}`;
      if (!rows.has(key)) rows.set(key, { grp, start: page.start, members: [] });
      rows.get(key)!.members.push(page);
    }
    for (const { grp, start, members } of rows.values()) {
      const stored = readGroup(this.sql, grp, start);
      for (const { series, deltas } of members) {
        const page = stored.pages.get(series);
        const buckets = mergeDeltas(page ? decodePage(page, start, MINUTE_MS) : new Map<number, Bucket>(), deltas);
        stored.pages.set(series, encodePage(buckets, start, MINUTE_MS));
      }
      writeGroup(this.sql, grp, start, stored);
    }
  }

  /** The event's numeric readings into the bucket by metric id (no array per reading: this runs for every event). */
  #add(bucket: Bucket, event: TelemetryEvent) {
    const newest = event.ts >= bucket.newestTs;
    for (const name in event.readings) {
      const value = event.readings[name];
      if (typeof value !== "number" || !Number.isFinite(value)) continue;
      const id = this.#metricId(name);
      if (id !== undefined) addReading(bucket, id, value, newest);
    }
    if (newest) bucket.newestTs = event.ts;
  }

  #metricId(name: string): number | undefined {
    const known = this.#metrics.get(name);
    if (known !== undefined || this.#metrics.size >= MAX_METRICS) return known;
    const id = this.#metrics.size + 1;
    this.#metrics.set(name, id);
    this.#names.set(id, name);
    this.#newMetrics.push([id, name]);
    return id;
  }

  #seriesId(vehicleId: string): number {
    const known = this.#series.get(vehicleId);
    if (known !== undefined) return known;
    // The next id after the highest: a spread of every id per new vehicle was O(fleet) (and throws past ~100k arguments).
    const id = ++this.#lastSeries;
    this.#series.set(vehicleId, id);
    this.#newSeries.push([id, vehicleId]);
    return id;
  }

  #saveCursor(through: number) {
    this.sql.exec(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      CURSOR,
      String(through),
    );
  }

  /**
   * Loads the id caches and the cursor, then folds every raw batch past the cursor into the
   * buffer: what the last instance had buffered and not yet written when it went away.
   */
  #recover() {
    this.#series = new Map(
      this.sql
        .exec<{ id: number; vehicle_id: string }>("SELECT id, vehicle_id FROM reading_series")
        .toArray()
        .map((r) => [r.vehicle_id, r.id]),
    );
    this.#lastSeries = 0;
    for (const id of this.#series.values()) this.#lastSeries = Math.max(this.#lastSeries, id);
    const metrics = this.sql.exec<{ id: number; name: string }>("SELECT id, name FROM reading_metrics").toArray();
    this.#metrics = new Map(metrics.map((r) => [r.name, r.id]));
    this.#names = new Map(metrics.map((r) => [r.id, r.name]));
    this.#newSeries = [];
    this.#newMetrics = [];
    this.#pending.clear();
    this.#pendingSince = null;
    const cursor = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", CURSOR).toArray()[0]?.value;
    if (cursor === undefined) {
      // An object from before the buffer wrote every batch's readings at once: all are stored.
      const newest = this.sql.exec<{ id: number | null }>("SELECT max(rowid) AS id FROM ingested_batches").one().id ?? 0;
      this.#saveCursor(newest);
      this.#stored = this.#through = newest;
      return;
    }
    this.#stored = this.#through = Number(cursor);
    const batches = this.sql.exec<{ id: number; received_at: number; events: string }>(
      "SELECT rowid AS id, received_at, events FROM ingested_batches WHERE rowid > ? ORDER BY rowid",
      this.#stored,
    );
    for (const batch of batches) this.record(readStoredEvents(batch.events), batch.received_at, batch.id);
  }
}

/** A page's bucket deltas: one vehicle (`series`), one page kind (`span`) and window start. */
interface PageDeltas {
  series: number;
  span: number;
  start: number;
  deltas: Map<number, Bucket>;
}

/** `deltas` merged into a page's stored buckets (by bucket start); returns `buckets`. */
function mergeDeltas(buckets: Map<number, Bucket>, deltas: Map<number, Bucket>): Map<number, Bucket> {
  for (const [at, delta] of deltas) {
    const stored = buckets.get(at);
    if (stored) mergeBucket(stored, delta);
    else buckets.set(at, delta);
  }
  return buckets;
}

/** Bucket deltas grouped by the page row they go to. */
class Pages {
  readonly #pages = new Map<string, PageDeltas>();

  /** A delta for the bucket of width `unit` starting at `start` (merged with one already there). */
  add(series: number, unit: number, start: number, delta: Bucket) {
    const span = PAGE_OF.get(unit)!;
    const pageStart = floorTo(start, span);
    const key = `${series}|${span}|${pageStart}`;
    let page = this.#pages.get(key);
    if (!page) this.#pages.set(key, (page = { series, span, start: pageStart, deltas: new Map() }));
    const known = page.deltas.get(start);
    if (known) mergeBucket(known, delta);
    else page.deltas.set(start, mergeInto(emptyBucket(), delta));
  }

  all() {
    return this.#pages.values();
  }
}

/** A copy of `from` (mergeBucket into an empty bucket keeps `from` as it is). */
function mergeInto(into: Bucket, from: Bucket): Bucket {
  mergeBucket(into, from);
  return into;
}
