import { and, count, desc, eq, gte, inArray, lt, min, sql, type SQL } from "drizzle-orm";
import { ALERT_STATUSES, SEVERITIES, alertCounts, alerts, vehicles, type AlertRow } from "../db/schema";
import { inTenant, pastCursor, type Db } from "../db/client";
import type { Alert } from "../domain/alert";
import type { AuthContext } from "../env";
import { isoOrNull, iso } from "../lib/time";
import { alertsVersion, facetCache, searchPageCache, versionKey } from "./alert-list-cache";

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

/** Only status and severity filter a staff caller's list: the facets are the trigger-kept `alert_counts`. */
const countsOnly = (auth: AuthContext, f: AlertFilters) =>
  auth.role !== "driver" && !f.vehicleId && !f.type && !f.q && f.from == null && f.to == null;

/**
 * Facet cells for the filtered set: from the trigger-kept `alert_counts` when only status and
 * severity filter (one tiny read), else one GROUP BY over the filter's covering index. The unary
 * `+` keeps SQLite from walking a (status, severity)-ordered index over the whole tenant to skip
 * the small GROUP BY sort: the filter's own index (vehicle, type or `alerts_tenant_created` for a
 * time range) bounds the read.
 */
function facetQuery(db: Db, auth: AuthContext, f: AlertFilters, where: SQL) {
  if (countsOnly(auth, f)) {
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
  const status = sql<AlertRow["status"]>`+${alerts.status}`;
  const severity = sql<AlertRow["severity"]>`+${alerts.severity}`;
  return db.select({ status, severity, n: count() }).from(alerts).where(where).groupBy(status, severity);
}

/** The newest-first page, `limit + 1` rows so the caller knows whether another follows. */
function pageQuery(db: Db, where: SQL, limit: number, after?: [number, string]) {
  return db
    .select()
    .from(alerts)
    .where(and(where, pastCursor(alerts.createdAt, alerts.id, after, "desc")))
    .orderBy(desc(alerts.createdAt), desc(alerts.id))
    .limit(limit + 1);
}

/**
 * A remembered search page again: its alerts by id (their current state), one primary-key lookup
 * each, still only the tenant's. The unary `+` and sorting here rather than in SQL keep SQLite
 * from walking a tenant index over every alert and testing each against the list instead.
 */
function rowsByIds(db: Db, tenantId: string, ids: string[]) {
  return db
    .select()
    .from(alerts)
    .where(and(sql`+${alerts.tenantId} = ${tenantId}`, ids.length ? inArray(alerts.id, ids) : sql`0`));
}

const newestFirst = (a: AlertRow, b: AlertRow) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/**
 * Whether this isolate may remember the list's facets (alert-list-cache.ts): staff callers (a
 * driver's set also moves with vehicle assignment and is small), filters beyond the trigger-kept
 * counts, and no open time range unless searching (a range's facets read only its own index
 * entries, and a range ending "now" differs on every request).
 */
const cacheable = (auth: AuthContext, f: AlertFilters) =>
  auth.role !== "driver" && !countsOnly(auth, f) && (Boolean(f.q) || (f.from == null && f.to == null));

/** A range "since T": `from` without `to` or a search, never remembered by `cacheable`'s caches. */
export const isSince = (f: AlertFilters) => f.from != null && f.to == null && !f.q;

/**
 * Newest first by (createdAt, id), with facet counts over the same filters. Every page reads at
 * most its own rows through an index; facets over a vehicle, type or search and a search's
 * matches are computed once per change of the tenant's alerts and then answered from memory.
 * `version` is the tenant's alert version that both rows and facets were read under (null when a
 * change fell between their reads), for the whole-page cache (alert-list-pages.ts); `oldest`, for
 * a range since T (`isSince`), the creation time of its oldest alert (null when it is empty).
 */
export async function listAlerts(db: Db, auth: AuthContext, f: AlertFilters, limit: number, after?: [number, string]) {
  const where = alertConditions(auth.tenantId, auth, f);
  const version = () => alertsVersion(db, auth.tenantId, Boolean(f.q));
  if (auth.role !== "driver" && isSince(f)) {
    const [rows, cells, [now], [oldest]] = await db.batch([
      pageQuery(db, where, limit, after),
      facetQuery(db, auth, f, where),
      version(),
      // Its oldest alert: the latest T the answer holds for (alert-list-pages.ts).
      db
        .select({ at: min(alerts.createdAt) })
        .from(alerts)
        .where(where),
    ]);
    return { rows, facets: facetsOf(cells), version: versionKey(now), oldest: oldest?.at ?? null };
  }
  if (!cacheable(auth, f)) {
    const [rows, cells, [now]] = await db.batch([pageQuery(db, where, limit, after), facetQuery(db, auth, f, where), version()]);
    return { rows, facets: facetsOf(cells), version: versionKey(now) };
  }
  const filterKey = `${auth.tenantId}\n${JSON.stringify([f.status, f.severity, f.vehicleId, f.type, f.q, f.from, f.to])}`;
  const pageKey = `${filterKey}\n${limit}\n${JSON.stringify(after ?? null)}`;
  const known = f.q ? searchPageCache.get(pageKey) : undefined;
  const [first, [now]] = known
    ? await db.batch([rowsByIds(db, auth.tenantId, known.ids), version()])
    : await db.batch([pageQuery(db, where, limit, after), version()]);
  let current = versionKey(now);
  let rows = known ? first.sort(newestFirst) : first;
  if (known && known.version !== current) {
    // Re-read the page with the version in the same batch, so `current` is the page's own.
    const [fresh, [again]] = await db.batch([pageQuery(db, where, limit, after), version()]);
    [rows, current] = [fresh, versionKey(again)];
  }
  if (f.q) searchPageCache.remember(pageKey, { version: current, ids: rows.map((r) => r.id) });

  const remembered = facetCache.get(filterKey);
  if (remembered?.version === current) return { rows, facets: remembered.facets, version: current };
  const [cells, [then]] = await db.batch([facetQuery(db, auth, f, where), version()]);
  const facets = facetsOf(cells);
  facetCache.remember(filterKey, { version: versionKey(then), facets });
  // Rows and facets describe one state only when no change fell between their two batches.
  return { rows, facets, version: versionKey(then) === current ? current : null };
}
