import { type Alert, type AlertEvent, type AlertEventKind, type NewAlert, withWorkDefaults } from "../worker/domain/alert";

/**
 * The tenant's alerts and their event log in the object's SQLite storage. Every change to an
 * alert is one event with the next `seq` (the tenant's alert-event sequence).
 */
export class AlertBook {
  #seq: number;
  readonly #cache = new Map<string, Alert>();

  constructor(private readonly sql: SqlStorage) {
    const row = sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'seq'").toArray()[0];
    this.#seq = row ? Number(row.value) : 0;
  }

  get seq() {
    return this.#seq;
  }

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

  /** Stores the alert under the next seq and logs the event. */
  record(kind: AlertEventKind, alert: NewAlert, at: number): AlertEvent {
    const seq = ++this.#seq;
    const stored: Alert = withWorkDefaults({ ...alert, seq });
    const data = JSON.stringify(stored);
    this.sql.exec("INSERT INTO alerts (id, data) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data", stored.id, data);
    this.sql.exec("INSERT INTO alert_events (seq, kind, alert_id, at, data) VALUES (?, ?, ?, ?, ?)", seq, kind, stored.id, at, data);
    this.sql.exec("INSERT INTO meta (key, value) VALUES ('seq', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", String(seq));
    this.#cache.set(stored.id, stored);
    return { seq, kind, alert: stored };
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
    this.sql.exec("DELETE FROM alert_events WHERE at < ?", before);
    for (const [id, alert] of this.#cache) if (alert.status === "resolved") this.#cache.delete(id);
  }
}
