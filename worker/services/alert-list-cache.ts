import { eq, max, sql, sum } from "drizzle-orm";
import { alertCounts, alerts, tenants, vehicles } from "../db/schema";
import type { Db } from "../db/client";

/**
 * What `GET /api/alerts` remembers between requests in this isolate (docs/telemetry-and-alerts.md
 * "Listing alerts"): facet counts per filter set, and, for full-text searches, which alerts a page
 * holds. Counting a filtered set reads every alert in it (a type is a fifth of the table) and a
 * search reads every match, however small the page; both answers hold until the tenant's alerts
 * change, which one index read tells (`alertsVersion`). Exact, never stale: an entry is used only
 * when the version read in the same request equals the one it was computed under.
 */
const MAX_ENTRIES = 2_000;

/** A Map that forgets its oldest entry when full (insertion order; a refresh moves a key to the end). */
class Bounded<V> extends Map<string, V> {
  remember(key: string, value: V) {
    this.delete(key);
    if (this.size >= MAX_ENTRIES) this.delete(this.keys().next().value!);
    this.set(key, value);
  }
}

export type Facets = { severity: Record<string, number>; status: Record<string, number> };
export const facetCache = new Bounded<{ version: string; facets: Facets }>();
export const searchPageCache = new Bounded<{ version: string; ids: string[] }>();

/**
 * The tenant's alert version in one statement of three index reads. D1's alerts change only by
 * snapshot upserts that each carry a higher `seq` (worker/hub/alert-snapshots.ts), so the newest
 * seq moves with every write; the trigger-kept total moves if one is ever deleted; a vehicle's
 * `updated_at` moves when it is renamed or reassigned, which changes what full-text search finds
 * (the indexed vehicle name) and is read only for searches.
 */
export function alertsVersion(db: Db, tenantId: string, withVehicles: boolean) {
  const newestSeq = db
    .select({ v: max(alerts.seq) })
    .from(alerts)
    .where(eq(alerts.tenantId, tenantId));
  const total = db
    .select({ v: sum(alertCounts.n) })
    .from(alertCounts)
    .where(eq(alertCounts.tenantId, tenantId));
  const vehiclesChanged = db
    .select({ v: max(vehicles.updatedAt) })
    .from(vehicles)
    .where(eq(vehicles.tenantId, tenantId));
  return db
    .select({
      seq: sql<number | null>`(${newestSeq})`,
      total: sql<number | string | null>`(${total})`,
      vehicles: withVehicles ? sql<number | null>`(${vehiclesChanged})` : sql<null>`NULL`,
    })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
}

/**
 * `alertsVersion` as one plain D1 statement, for the whole-page cache's hit path (no query builder
 * per request): its SQL text is built once per isolate from the same drizzle query, whose only
 * parameters are the tenant id.
 */
const versionSql = new Map<boolean, { text: string; params: number }>();
const PROBE = "\u0000tenant";
export function versionStatement(d1: D1Database, db: Db, tenantId: string, withVehicles: boolean): D1PreparedStatement {
  let built = versionSql.get(withVehicles);
  if (!built) {
    const { sql: text, params } = alertsVersion(db, PROBE, withVehicles).toSQL();
    if (!params.every((p) => p === PROBE)) throw new Error("alertsVersion may bind only the tenant id");
    built = { text, params: params.length };
    versionSql.set(withVehicles, built);
  }
  return d1.prepare(built.text).bind(...Array<string>(built.params).fill(tenantId));
}

export const versionKey = (row: { seq: unknown; total: unknown; vehicles: unknown } | undefined) =>
  row ? `${row.seq}:${row.total}:${row.vehicles}` : "none";
