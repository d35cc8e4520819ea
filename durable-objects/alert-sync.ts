import { sql as dsql } from "drizzle-orm";
import { database } from "../worker/db/client";
import { alerts } from "../worker/db/schema";
import type { Alert } from "../worker/domain/alert";

const BATCH = 200;
/** Most events one sync reads; a sync that returns this many has left more behind. */
export const SYNC_PAGE = BATCH * 5;

const toRow = (tenantId: string, a: Alert) => ({
  id: a.id,
  tenantId,
  seq: a.seq,
  vehicleId: a.vehicleId,
  ruleId: a.ruleId,
  type: a.type,
  severity: a.severity,
  status: a.status,
  message: a.message,
  value: a.value,
  occurrences: a.occurrences,
  silenced: a.silenced,
  createdAt: Date.parse(a.createdAt),
  lastSeenAt: Date.parse(a.lastSeenAt),
  acknowledgedAt: a.acknowledgedAt ? Date.parse(a.acknowledgedAt) : null,
  acknowledgedBy: a.acknowledgedBy,
  resolvedAt: a.resolvedAt ? Date.parse(a.resolvedAt) : null,
  resolvedBy: a.resolvedBy,
  snoozedUntil: a.snoozedUntil ? Date.parse(a.snoozedUntil) : null,
  note: a.note,
});

/**
 * Copies alert events the object has not yet written to D1 (its outbox is the event log past
 * `syncedSeq`), newest snapshot per alert, in D1 batches. A snapshot never overwrites a newer
 * one, so overlapping or repeated syncs are harmless. Returns how many events were synced.
 */
export async function syncAlertsToD1(storage: SqlStorage, d1: D1Database, tenantId: string): Promise<number> {
  const synced = Number(storage.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'syncedSeq'").toArray()[0]?.value ?? 0);
  const rows = storage.exec<{ seq: number; data: string }>("SELECT seq, data FROM alert_events WHERE seq > ? ORDER BY seq LIMIT ?", synced, SYNC_PAGE).toArray();
  if (!rows.length) return 0;
  const latest = new Map<string, Alert>();
  for (const row of rows) {
    const alert = JSON.parse(row.data) as Alert;
    latest.set(alert.id, alert);
  }
  const db = database(d1);
  const statements = [...latest.values()].map((alert) => {
    const { id: _id, tenantId: _t, createdAt: _c, ...changes } = toRow(tenantId, alert);
    return db
      .insert(alerts)
      .values(toRow(tenantId, alert))
      .onConflictDoUpdate({ target: alerts.id, set: changes, setWhere: dsql`excluded.seq > ${alerts.seq}` });
  });
  for (let i = 0; i < statements.length; i += BATCH) {
    await db.batch(statements.slice(i, i + BATCH) as [never, ...never[]]);
  }
  const newest = rows.at(-1)!.seq;
  storage.exec("INSERT INTO meta (key, value) VALUES ('syncedSeq', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", String(newest));
  return rows.length;
}
