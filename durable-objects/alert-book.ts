import {
  type Alert,
  type AlertEvent,
  type AlertEventKind,
  LIVE_COALESCE_MS,
  type NewAlert,
  withWorkDefaults,
} from "../worker/domain/alert";

/** A continuing episode's values not yet logged as an event (kept in its rule pair, so they survive eviction). */
export interface HeldValues {
  alertId: string;
  value: number | null;
  peakValue: number | null;
  lastSeenAt: string;
}

/**
 * The tenant's alerts and their event log in the object's SQLite storage. Every change to an
 * alert is one event with the next `seq` (the tenant's alert-event sequence), except a
 * continuing episode's new values: those are logged at most once per alert per LIVE_COALESCE_MS
 * and held in the cache in between (`continueEpisode`), because logging every matching reading
 * cost three row writes per event on the ingest path (two since the seq is the log's newest row).
 */
export class AlertBook {
  #seq: number;
  readonly #cache = new Map<string, Alert>();
  /** Alerts whose cached state is newer than their last logged event, and when each is due to be logged (wall clock). */
  readonly #held = new Map<string, number>();
  /** When each alert's last event was logged (wall clock); lost on eviction, which only logs the next update sooner. */
  readonly #loggedAt = new Map<string, number>();
  #newlyHeld = false;

  /**
   * The newest seq is the event log's newest row (its integer key: one index read), or, when
   * retention emptied the log, the `seq` meta row `prune` wrote before deleting: no row per event
   * for it (an open alert whose episode goes on logs an event per reading).
   */
  constructor(private readonly sql: SqlStorage) {
    const row = sql
      .exec<{ seq: number | null }>(
        "SELECT max(coalesce((SELECT max(seq) FROM alert_events), 0), coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'seq'), 0)) AS seq",
      )
      .one();
    this.#seq = row.seq ?? 0;
  }

  get seq() {
    return this.#seq;
  }

  /** The alert as it is now (held values included). */
  get(id: string): Alert | undefined {
    let alert = this.#cache.get(id);
    if (!alert) {
      const row = this.sql.exec<{ data: string }>("SELECT data FROM alerts WHERE id = ?", id).toArray()[0];
      if (!row) return undefined;
      alert = withWorkDefaults(JSON.parse(row.data) as Alert);
      this.#cache.set(id, alert);
    }
    return alert;
  }

  /** Stores the alert under the next seq and logs the event (held values of it are logged with it). */
  record(kind: AlertEventKind, alert: NewAlert, at: number): AlertEvent {
    const seq = ++this.#seq;
    const stored: Alert = withWorkDefaults({ ...alert, seq });
    const data = JSON.stringify(stored);
    this.sql.exec("INSERT INTO alerts (id, data) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data", stored.id, data);
    this.sql.exec("INSERT INTO alert_events (seq, kind, alert_id, at, data) VALUES (?, ?, ?, ?, ?)", seq, kind, stored.id, at, data);
    this.#cache.set(stored.id, stored);
    this.#held.delete(stored.id);
    // Re-inserted, so the map stays in logging order and the oldest entries are pruned from its front
    // (a walk over all of them on every event once past 1,000 was quadratic under many open episodes).
    // An entry older than LIVE_COALESCE_MS answers as a missing one would, so what stays is harmless.
    this.#loggedAt.delete(stored.id);
    this.#loggedAt.set(stored.id, at);
    if (this.#loggedAt.size > 1000)
      for (const [id, when] of this.#loggedAt) {
        if (at - when < LIVE_COALESCE_MS) break;
        this.#loggedAt.delete(id);
      }
    return { seq, kind, alert: stored };
  }

  /**
   * An alert whose vehicle moved here from another shard (shard-handoff.ts): stored as it is, with
   * no event (the shard it leaves has logged and relayed every change). A copy this object already
   * has keeps its own seq: in the room, that is the tenant's.
   */
  adopt(alert: Alert) {
    const stored: Alert = { ...alert, seq: this.get(alert.id)?.seq ?? alert.seq };
    this.sql.exec(
      "INSERT INTO alerts (id, data) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data",
      stored.id,
      JSON.stringify(stored),
    );
    this.#cache.set(stored.id, stored);
  }

  /**
   * A continuing episode's new values (`alert` is the whole alert with them): logged as an
   * `alert.updated` event when the alert's last event is at least LIVE_COALESCE_MS old, else held
   * in the cache (writing nothing) until `flushHeld` logs the latest state when due. Returns the
   * event when logged, null when held (the caller keeps the held values durably).
   */
  continueEpisode(alert: Omit<Alert, "seq">, now: number): AlertEvent | null {
    const last = this.#loggedAt.get(alert.id);
    if (last === undefined || now - last >= LIVE_COALESCE_MS) return this.record("alert.updated", alert, now);
    this.#cache.set(alert.id, { ...alert, seq: this.get(alert.id)?.seq ?? 0 });
    if (!this.#held.has(alert.id)) {
      this.#held.set(alert.id, last + LIVE_COALESCE_MS);
      this.#newlyHeld = true;
    }
    return null;
  }

  /** Whether an alert started being held since the last call (its due time needs the alarm). */
  takeNewlyHeld(): boolean {
    const newly = this.#newlyHeld;
    this.#newlyHeld = false;
    return newly;
  }

  /** The earliest held alert's due time, if any. */
  nextHeldAt(): number | null {
    let next: number | null = null;
    for (const due of this.#held.values()) if (next === null || due < next) next = due;
    return next;
  }

  /** Logs the latest state of every held alert due at `now` (of every held alert with `all`), oldest change first. */
  flushHeld(now: number, all = false): AlertEvent[] {
    const due = [...this.#held].filter(([, at]) => all || at <= now).map(([id]) => id);
    return due.map((id) => {
      const { seq: _seq, ...alert } = this.get(id)!;
      return this.record("alert.updated", alert, now);
    });
  }

  /**
   * After the object restarted: held values its rule pairs kept that the stored alert lacks (the
   * object was evicted before they were logged) are held again, due at once.
   */
  restoreHeld(held: Iterable<HeldValues>, now: number) {
    for (const h of held) {
      const alert = this.get(h.alertId);
      if (!alert || alert.status === "resolved" || alert.clearedAt !== null || h.lastSeenAt < alert.lastSeenAt) continue;
      if (h.lastSeenAt === alert.lastSeenAt && h.value === alert.value && h.peakValue === alert.peakValue) continue;
      this.#cache.set(alert.id, { ...alert, value: h.value, peakValue: h.peakValue, lastSeenAt: h.lastSeenAt });
      this.#held.set(alert.id, now);
    }
  }

  /** Events with seq > `since`, oldest first (at most `limit`). */
  eventsSince(since: number, limit = 10_000): AlertEvent[] {
    return this.sql
      .exec<{ seq: number; kind: AlertEventKind; data: string }>(
        "SELECT seq, kind, data FROM alert_events WHERE seq > ? ORDER BY seq LIMIT ?",
        since,
        limit,
      )
      .toArray()
      .map((row) => ({ seq: row.seq, kind: row.kind, alert: withWorkDefaults(JSON.parse(row.data) as Alert) }));
  }

  /** Forgets log entries and resolved alerts older than `before` (the cache keeps only live ones). */
  prune(before: number) {
    // The log may empty: the newest seq must outlive it (the constructor reads the larger of both).
    this.sql.exec(
      "INSERT INTO meta (key, value) VALUES ('seq', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      String(this.#seq),
    );
    this.sql.exec("DELETE FROM alert_events WHERE at < ?", before);
    for (const [id, alert] of this.#cache) if (alert.status === "resolved") this.#cache.delete(id);
  }
}
