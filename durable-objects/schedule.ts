/**
 * The object's schedule table: one row per time-driven job with the time it is next due. The
 * alarm runs the due ones and re-arms for the earliest row (or escalation step, or held live
 * update, or vehicle due time of an offline rule), so every job runs without cron, under
 * `wrangler dev` as in production.
 */
export const PERIODIC_JOBS = {
  /** Maintenance due sweep: reminders within 2 minutes of a status change (docs/api.md "Maintenance"). */
  maintenance: 60_000,
  /** Engagement points and badges. */
  engagement: 5 * 60_000,
  /** Retention by the tenant's windows: raw batches, downsampled readings, resolved alerts, deliveries, inbox items, audit log (retention.ts). */
  retention: 60 * 60_000,
  /** This tenant's stale-delivery sweep (worker/notifications/sweep.ts): lost queue jobs, stalled sends. */
  staleDeliveries: 5 * 60_000,
} as const;

export type PeriodicJob = keyof typeof PERIODIC_JOBS;
/** `geotab` is scheduled only while the tenant has a Geotab integration. */
export type JobName = PeriodicJob | "geotab";

export class Schedule {
  constructor(private readonly sql: SqlStorage) {}

  /**
   * Adds the periodic jobs that are missing, first due one period from `now` (never all at once on
   * creation); a shard (shards.ts) runs only `retention` of its own storage.
   */
  seed(now: number, jobs: readonly PeriodicJob[] = Object.keys(PERIODIC_JOBS) as PeriodicJob[]) {
    for (const job of jobs) {
      this.sql.exec("INSERT OR IGNORE INTO schedule (job, due_at) VALUES (?, ?)", job, now + PERIODIC_JOBS[job]);
    }
  }

  dueAt(job: JobName): number | null {
    return this.sql.exec<{ due_at: number }>("SELECT due_at FROM schedule WHERE job = ?", job).toArray()[0]?.due_at ?? null;
  }

  set(job: JobName, at: number) {
    this.sql.exec("INSERT INTO schedule (job, due_at) VALUES (?, ?) ON CONFLICT (job) DO UPDATE SET due_at = excluded.due_at", job, at);
  }

  clear(job: JobName) {
    this.sql.exec("DELETE FROM schedule WHERE job = ?", job);
  }

  /** Jobs due at `now`, earliest first. */
  due(now: number): JobName[] {
    return this.sql
      .exec<{ job: JobName }>("SELECT job FROM schedule WHERE due_at <= ? ORDER BY due_at", now)
      .toArray()
      .map((r) => r.job);
  }

  /** The earliest job, or the earliest vehicle due time of an offline rule (offline-watch.ts), whichever comes first. */
  next(): number | null {
    return this.sql
      .exec<{ at: number | null }>(
        "SELECT min(at) AS at FROM (SELECT min(due_at) AS at FROM schedule UNION ALL SELECT min(due_at) FROM offline_due)",
      )
      .one().at;
  }
}
