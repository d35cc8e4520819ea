import { and, count, desc, eq, gte, inArray, lt, sql, type SQL } from "drizzle-orm";
import { ALERT_STATUSES, SEVERITIES, alertCounts, alerts, vehicles, type AlertRow } from "../db/schema";
import { inTenant, pastCursor, type Db } from "../db/client";
import type { Alert } from "../domain/alert";
import type { AuthContext } from "../env";
import { isoOrNull, iso } from "../lib/time";

export interface AlertFilters {
  status?: AlertRow["status"];
  severity?: AlertRow["severity"];
  vehicleId?: string;
  type?: string;
  q?: string;
  from?: number;
  to?: number;
}

export const publicAlert = (row: AlertRow): Alert => ({
  id: row.id,
  seq: row.seq,
  vehicleId: row.vehicleId,
  ruleId: row.ruleId,
  type: row.type,
  severity: row.severity,
  status: row.status,
  message: row.message,
  value: row.value,
  peakValue: row.peakValue,
  occurrences: row.occurrences,
  createdAt: iso(row.createdAt),
  lastSeenAt: iso(row.lastSeenAt),
  clearedAt: isoOrNull(row.clearedAt),
  acknowledgedAt: isoOrNull(row.acknowledgedAt),
  acknowledgedBy: row.acknowledgedBy,
  resolvedAt: isoOrNull(row.resolvedAt),
  resolvedBy: row.resolvedBy,
  snoozedUntil: isoOrNull(row.snoozedUntil),
  silenced: row.silenced,
  note: row.note,
  assignee: row.assigneeId ? { id: row.assigneeId, name: row.assigneeName ?? "" } : null,
  commentCount: row.commentCount,
});

/** FTS5 query from user text: each word a quoted prefix term, all required. */
export function ftsQuery(text: string): string | null {
  const words = text.match(/[\p{L}\p{N}]+/gu);
  return words?.length ? words.map((w) => `"${w}"*`).join(" ") : null;
}

/**
 * The filters of `GET /api/alerts`, shared by the page, its facets and the CSV export; a driver
 * is limited to its vehicles (staff pass their own auth and see the whole tenant).
 */
export function alertConditions(tenantId: string, auth: Pick<AuthContext, "role" | "userId">, f: AlertFilters): SQL {
  const fts = f.q ? ftsQuery(f.q) : undefined;
  return inTenant(
    alerts,
    tenantId,
    f.status ? eq(alerts.status, f.status) : undefined,
    f.severity ? eq(alerts.severity, f.severity) : undefined,
    f.vehicleId ? eq(alerts.vehicleId, f.vehicleId) : undefined,
    f.type ? eq(alerts.type, f.type) : undefined,
    f.from != null ? gte(alerts.createdAt, f.from) : undefined,
    f.to != null ? lt(alerts.createdAt, f.to) : undefined,
    f.q ? (fts ? sql`${alerts}.rowid IN (SELECT rowid FROM alerts_fts WHERE alerts_fts MATCH ${fts})` : sql`0`) : undefined,
    auth.role === "driver"
      ? inArray(
          alerts.vehicleId,
          sql`(SELECT ${vehicles.id} FROM ${vehicles} WHERE ${vehicles.tenantId} = ${tenantId} AND ${vehicles.driverId} = ${auth.userId})`,
        )
      : undefined,
  );
}

const zeroes = <T extends readonly string[]>(keys: T) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<T[number], number>;

/** Both facets from (status, severity, n) cells. */
function facetsOf(cells: { status: AlertRow["status"]; severity: AlertRow["severity"]; n: number }[]) {
  const facets = { severity: zeroes(SEVERITIES), status: zeroes(ALERT_STATUSES) };
  for (const cell of cells) {
    facets.severity[cell.severity] += cell.n;
    facets.status[cell.status] += cell.n;
  }
  return facets;
}

/**
 * Facet cells for the filtered set: from the trigger-kept `alert_counts` when only status and
 * severity filter (one tiny read), else one GROUP BY over covering indexes.
 */
function facetQuery(db: Db, auth: AuthContext, f: AlertFilters, where: SQL) {
  const countsOnly = auth.role !== "driver" && !f.vehicleId && !f.type && !f.q && f.from == null && f.to == null;
  if (countsOnly) {
    return db
      .select({ status: alertCounts.status, severity: alertCounts.severity, n: alertCounts.n })
      .from(alertCounts)
      .where(
        inTenant(
          alertCounts,
          auth.tenantId,
          f.status ? eq(alertCounts.status, f.status) : undefined,
          f.severity ? eq(alertCounts.severity, f.severity) : undefined,
        ),
      );
  }
  return db
    .select({ status: alerts.status, severity: alerts.severity, n: count() })
    .from(alerts)
    .where(where)
    .groupBy(alerts.status, alerts.severity);
}

/** Newest first by (createdAt, id), with facet counts over the same filters. */
export async function listAlerts(db: Db, auth: AuthContext, f: AlertFilters, limit: number, after?: [number, string]) {
  const where = alertConditions(auth.tenantId, auth, f);
  const pageWhere = and(where, pastCursor(alerts.createdAt, alerts.id, after, "desc"));
  const [rows, cells] = await db.batch([
    db
      .select()
      .from(alerts)
      .where(pageWhere)
      .orderBy(desc(alerts.createdAt), desc(alerts.id))
      .limit(limit + 1),
    facetQuery(db, auth, f, where),
  ]);
  return { rows, facets: facetsOf(cells) };
}
