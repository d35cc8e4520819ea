import { and, eq, getTableColumns, inArray, lt } from "drizzle-orm";
import { database } from "../db/client";
import { insertRow } from "../db/row-insert";
import { alerts } from "../db/schema";
import { forgetListVersions } from "../services/alert-list-cache";
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

type AlertRow = ReturnType<typeof toRow>;
/** Ids per read (D1 binds at most 100 parameters per statement). */
const READ_CHUNK = 90;

/**
 * Writes the object's alert snapshots to D1 for listing, search and analytics. A snapshot never
 * overwrites a newer one (higher `seq`), so overlapping or repeated syncs are harmless. An alert
 * D1 already has is updated in the columns that changed only: SQLite rewrites the entries of
 * every index over a column an UPDATE sets, changed or not, so setting every column (as an
 * upsert does) rewrote all eight alert indexes, the search index and the rollups' checks for a
 * new `lastSeenAt` (issue 18: D1 rows per alert; test/workers/hot-path-d1-writes.test.ts). Alerts
 * raised since the last sync (`created`) are not read first: D1 has them only if an earlier attempt
 * at the same sync wrote them, and their insert updates such a row all the same (a new alert's
 * sync was two round trips, a read that found nothing and the insert).
 */
export async function saveAlertSnapshots(d1: D1Database, tenantId: string, snapshots: Alert[], created = new Set<string>()) {
  const db = database(d1);
  const stored = new Map<string, AlertRow>();
  const known = snapshots.filter((a) => !created.has(a.id));
  for (let i = 0; i < known.length; i += READ_CHUNK) {
    const ids = known.slice(i, i + READ_CHUNK).map((a) => a.id);
    for (const row of await db
      .select()
      .from(alerts)
      .where(and(eq(alerts.tenantId, tenantId), inArray(alerts.id, ids)))) {
      stored.set(row.id, row as AlertRow);
    }
  }
  const statements = snapshots.flatMap((alert): D1PreparedStatement[] => {
    const next = toRow(tenantId, alert);
    const before = stored.get(alert.id);
    // New here (or a concurrent sync just wrote it): insert, or update if newer after all.
    if (!before) return [insertStatement(d1, next)];
    if (before.seq >= next.seq) return [];
    const update = db
      .update(alerts)
      .set(changedColumns(before, next))
      .where(and(eq(alerts.id, alert.id), eq(alerts.tenantId, tenantId), lt(alerts.seq, next.seq)))
      .toSQL();
    return [d1.prepare(update.sql).bind(...update.params)];
  });
  for (let i = 0; i < statements.length; i += BATCH) {
    const chunk = statements.slice(i, i + BATCH);
    if (chunk.length) await d1.batch(chunk);
  }
  if (statements.length) forgetListVersions(tenantId);
}

const IDENTITY = new Set<keyof AlertRow>(["id", "tenantId", "createdAt"]);
let newerWins: string | undefined;

/** A new alert's upsert: every column, and on a conflict (a repeated sync) every column but its identity when the snapshot is newer. */
function insertStatement(d1: D1Database, row: AlertRow): D1PreparedStatement {
  const columns = getTableColumns(alerts);
  newerWins ??= `on conflict ("id") do update set ${(Object.keys(row) as (keyof AlertRow)[])
    .filter((key) => !IDENTITY.has(key))
    .map((key) => `"${columns[key].name}" = excluded."${columns[key].name}"`)
    .join(", ")} where excluded."seq" > "alerts"."seq"`;
  return insertRow(d1, alerts, row, newerWins);
}

/** The columns whose value differs (the seq always: it orders snapshots); identity columns never change. */
function changedColumns(before: AlertRow, next: AlertRow): Partial<AlertRow> {
  const changes: Partial<AlertRow> = { seq: next.seq };
  for (const key of Object.keys(next) as (keyof AlertRow)[]) {
    if (IDENTITY.has(key)) continue;
    if ((before[key] ?? null) !== (next[key] ?? null)) (changes as Record<string, unknown>)[key] = next[key];
  }
  return changes;
}
