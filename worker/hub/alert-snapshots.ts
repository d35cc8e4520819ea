import { sql } from "drizzle-orm";
import { database } from "../db/client";
import { alerts } from "../db/schema";
import type { Alert } from "../domain/alert";

/** Statements per D1 batch. */
const BATCH = 200;

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
  peakValue: a.peakValue,
  occurrences: a.occurrences,
  silenced: a.silenced,
  createdAt: Date.parse(a.createdAt),
  lastSeenAt: Date.parse(a.lastSeenAt),
  clearedAt: a.clearedAt ? Date.parse(a.clearedAt) : null,
  acknowledgedAt: a.acknowledgedAt ? Date.parse(a.acknowledgedAt) : null,
  acknowledgedBy: a.acknowledgedBy,
  resolvedAt: a.resolvedAt ? Date.parse(a.resolvedAt) : null,
  resolvedBy: a.resolvedBy,
  snoozedUntil: a.snoozedUntil ? Date.parse(a.snoozedUntil) : null,
  note: a.note,
  // Events logged before alert work existed carry neither field.
  assigneeId: a.assignee?.id ?? null,
  assigneeName: a.assignee?.name ?? null,
  commentCount: a.commentCount ?? 0,
});

/**
 * Upserts the object's alert snapshots into D1 for listing, search and analytics. A snapshot
 * never overwrites a newer one (higher `seq`), so overlapping or repeated syncs are harmless.
 */
export async function saveAlertSnapshots(d1: D1Database, tenantId: string, snapshots: Alert[]) {
  const db = database(d1);
  const statements = snapshots.map((alert) => {
    const { id: _id, tenantId: _t, createdAt: _c, ...changes } = toRow(tenantId, alert);
    return db
      .insert(alerts)
      .values(toRow(tenantId, alert))
      .onConflictDoUpdate({ target: alerts.id, set: changes, setWhere: sql`excluded.seq > ${alerts.seq}` });
  });
  for (let i = 0; i < statements.length; i += BATCH) {
    await db.batch(statements.slice(i, i + BATCH) as [never, ...never[]]);
  }
}
