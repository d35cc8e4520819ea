/**
 * The per-vehicle downsampled readings store in the tenant object's SQLite (docs/readings-store.md):
 * the source of `GET /api/vehicles/:id/readings` and of anything that needs a vehicle's history
 * beyond the raw window. Written with each accepted batch, in its transaction, one row per
 * (vehicle, bucket) the batch touches: a batch is aggregated in memory first, never a row per event.
 *
 * Two resolutions, so a vehicle-day stays small and a week reads a few thousand rows:
 * - 1-minute buckets for the last MINUTE_TIER_MS;
 * - 5-minute buckets after that: the hourly retention job folds older minute buckets into them,
 *   and a late event older than the minute tier goes straight into one.
 * Bounded per vehicle by time: the retention job drops buckets past the tenant's `readingsDays`.
 */
import type { TelemetryEvent } from "../worker/domain/telemetry";
import { addReadings, type Bucket, decodeBucket, emptyBucket, encodeBucket, mergeBucket } from "./readings-codec";

export const MINUTE_MS = 60_000;
export const COARSE_MS = 5 * MINUTE_MS;
/** How long 1-minute buckets are kept before they are folded into 5-minute ones. */
export const MINUTE_TIER_MS = 2 * 24 * 60 * MINUTE_MS;
/** Metric names are interned as u16 ids; a tenant sending more distinct names than this has the rest not downsampled. */
const MAX_METRICS = 1024;
/** Minute buckets folded per retention run (about a day of 20 vehicles); a backlog goes over several runs. */
const COMPACT_LIMIT = 30_000;

export interface BucketRow {
  start: number;
  span: number;
  bucket: Bucket;
}

export class ReadingsStore {
  #series = new Map<string, number>();
  #metrics = new Map<string, number>();
  #names = new Map<number, string>();
  /** Set after inserting ids inside a transaction that may still roll back: the caches reload before the next use. */
  #unverified = true;

  constructor(private readonly sql: SqlStorage) {}

  /** Adds a batch's readings (call inside the batch's storage transaction). Returns the bucket rows written. */
  record(events: TelemetryEvent[], now: number): number {
    this.#verify();
    const groups = new Map<string, { series: number; span: number; start: number; events: TelemetryEvent[] }>();
    for (const event of events) {
      if (!Object.keys(event.readings).length) continue;
      const span = event.ts < now - MINUTE_TIER_MS ? COARSE_MS : MINUTE_MS;
      const start = Math.floor(event.ts / span) * span;
      const key = `${event.vehicleId}|${span}|${start}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { series: this.#seriesId(event.vehicleId), span, start, events: [] }));
      group.events.push(event);
    }
    for (const { series, span, start, events: inBucket } of groups.values()) {
      const bucket = this.#read(series, span, start) ?? emptyBucket();
      for (const event of inBucket.sort((a, b) => a.ts - b.ts)) addReadings(bucket, event.ts, this.#ids(event.readings));
      this.#write(series, span, start, bucket);
    }
    return groups.size;
  }

  /** The vehicle's buckets with `from <= start < to`, oldest first (both resolutions interleaved by time). */
  buckets(vehicleId: string, from: number, to: number): BucketRow[] {
    this.#verify();
    const series = this.#series.get(vehicleId);
    if (series === undefined) return [];
    return this.sql
      .exec<{ span: number; start: number; data: ArrayBuffer }>(
        `SELECT span, start, data FROM reading_buckets
          WHERE series = ? AND span IN (${MINUTE_MS}, ${COARSE_MS}) AND start >= ? AND start < ? ORDER BY start`,
        series,
        from,
        to,
      )
      .toArray()
      .map((r) => ({ start: r.start, span: r.span, bucket: decodeBucket(r.data, r.start) }));
  }

  metricName(id: number): string | undefined {
    return this.#names.get(id);
  }

  /** Folds 1-minute buckets older than the minute tier into 5-minute ones; returns how many minute buckets went. */
  compact(now: number): number {
    this.#verify();
    const boundary = Math.floor((now - MINUTE_TIER_MS) / COARSE_MS) * COARSE_MS;
    let folded = 0;
    for (const series of this.#series.values()) {
      if (folded >= COMPACT_LIMIT) break;
      const rows = this.sql
        .exec<{ start: number; data: ArrayBuffer }>(
          `SELECT start, data FROM reading_buckets WHERE series = ? AND span = ${MINUTE_MS} AND start < ? ORDER BY start LIMIT ?`,
          series,
          boundary,
          COMPACT_LIMIT - folded,
        )
        .toArray();
      if (!rows.length) continue;
      const coarse = new Map<number, Bucket>();
      for (const row of rows) {
        const start = Math.floor(row.start / COARSE_MS) * COARSE_MS;
        const into = coarse.get(start) ?? this.#read(series, COARSE_MS, start) ?? emptyBucket();
        mergeBucket(into, decodeBucket(row.data, row.start));
        coarse.set(start, into);
      }
      for (const [start, bucket] of coarse) this.#write(series, COARSE_MS, start, bucket);
      const last = rows.at(-1)!.start;
      this.sql.exec(`DELETE FROM reading_buckets WHERE series = ? AND span = ${MINUTE_MS} AND start <= ?`, series, last);
      folded += rows.length;
    }
    return folded;
  }

  /** Drops buckets that started before `before`; returns how many. */
  prune(before: number): number {
    this.#verify();
    let dropped = 0;
    for (const series of this.#series.values()) {
      dropped += this.sql.exec(
        `DELETE FROM reading_buckets WHERE series = ? AND span IN (${MINUTE_MS}, ${COARSE_MS}) AND start < ?`,
        series,
        before,
      ).rowsWritten;
    }
    return dropped;
  }

  #read(series: number, span: number, start: number): Bucket | null {
    const row = this.sql
      .exec<{ data: ArrayBuffer }>("SELECT data FROM reading_buckets WHERE series = ? AND span = ? AND start = ?", series, span, start)
      .toArray()[0];
    return row ? decodeBucket(row.data, start) : null;
  }

  #write(series: number, span: number, start: number, bucket: Bucket) {
    this.sql.exec(
      "INSERT OR REPLACE INTO reading_buckets (series, span, start, data) VALUES (?, ?, ?, ?)",
      series,
      span,
      start,
      encodeBucket(bucket, start),
    );
  }

  #ids(readings: Record<string, number>): [number, number][] {
    const out: [number, number][] = [];
    for (const [name, value] of Object.entries(readings)) {
      if (typeof value !== "number" || !Number.isFinite(value)) continue;
      const id = this.#metricId(name);
      if (id !== undefined) out.push([id, value]);
    }
    return out;
  }

  #metricId(name: string): number | undefined {
    const known = this.#metrics.get(name);
    if (known !== undefined || this.#metrics.size >= MAX_METRICS) return known;
    const id = this.#metrics.size + 1;
    this.sql.exec("INSERT INTO reading_metrics (id, name) VALUES (?, ?)", id, name);
    this.#metrics.set(name, id);
    this.#names.set(id, name);
    this.#unverified = true;
    return id;
  }

  #seriesId(vehicleId: string): number {
    const known = this.#series.get(vehicleId);
    if (known !== undefined) return known;
    const id = this.sql.exec<{ id: number }>("INSERT INTO reading_series (vehicle_id) VALUES (?) RETURNING id", vehicleId).one().id;
    this.#series.set(vehicleId, id);
    this.#unverified = true;
    return id;
  }

  /** Reloads the id caches when ids were added since the last check (their transaction may have rolled back). */
  #verify() {
    if (!this.#unverified) return;
    this.#series = new Map(
      this.sql
        .exec<{ id: number; vehicle_id: string }>("SELECT id, vehicle_id FROM reading_series")
        .toArray()
        .map((r) => [r.vehicle_id, r.id]),
    );
    const metrics = this.sql.exec<{ id: number; name: string }>("SELECT id, name FROM reading_metrics").toArray();
    this.#metrics = new Map(metrics.map((r) => [r.name, r.id]));
    this.#names = new Map(metrics.map((r) => [r.id, r.name]));
    this.#unverified = false;
  }
}
