import { eq, max, sql, sum } from "drizzle-orm";
import { alertCounts, alerts, fleetRevisions, tenants } from "../db/schema";
import type { Context } from "hono";
import { database, type Db } from "../db/client";
import type { AppEnv } from "../env";
import { BoundedMap } from "../lib/bounded-map";
import type { SessionRider } from "./sessions";

/**
 * What `GET /api/alerts` remembers between requests in this isolate (docs/telemetry-and-alerts.md
 * "Listing alerts"): facet counts per filter set, and, for full-text searches, which alerts a page
 * holds. Counting a filtered set reads every alert in it (a type is a fifth of the table) and a
 * search reads every match, however small the page; both answers hold until the tenant's alerts
 * change, which one index read tells (`alertsVersion`). Exact, never stale: an entry is used only
 * when the version read in the same request equals the one it was computed under.
 */
const MAX_ENTRIES = 2_000;

export type Facets = { severity: Record<string, number>; status: Record<string, number> };
export const facetCache = new BoundedMap<{ version: string; facets: Facets }>(MAX_ENTRIES);
export const searchPageCache = new BoundedMap<{ version: string; ids: string[] }>(MAX_ENTRIES);

/**
 * The tenant's alert version in one statement of three index reads. D1's alerts change only by
 * snapshot upserts that each carry a higher `seq` (worker/hub/alert-snapshots.ts), so the newest
 * seq moves with every write; the trigger-kept total moves if one is ever deleted; the tenant's
 * fleet revision (migration 0035) moves with every vehicle write, a rename among them, which
 * changes what full-text search finds (the indexed vehicle name), and is read only for searches.
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
  const vehiclesChanged = db.select({ v: fleetRevisions.n }).from(fleetRevisions).where(eq(fleetRevisions.tenantId, tenantId));
  return db
    .select({
      seq: sql<number | null>`(${newestSeq})`.as("seq"),
      total: sql<number | string | null>`(${total})`.as("total"),
      vehicles: (withVehicles ? sql<number | null>`(${vehiclesChanged})` : sql<null>`NULL`).as("vehicles"),
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

/**
 * The version this isolate read last per tenant (and whether it covers vehicles), reused for
 * VERSION_REUSE_MS: under a burst of list requests one D1 read answers them all, where each read
 * its own (at 100 concurrent clients the version read was half of a remembered page's cost). A
 * list may so be up to VERSION_REUSE_MS older than D1, which itself trails the tenant's object by
 * its sync window (seconds); writes made in this isolate forget the version at once
 * (`forgetListVersions`), so a caller who changed something sees it on the very next list.
 */
export const VERSION_REUSE_MS = 100;
const recentVersions = new BoundedMap<{ version: string; at: number }>(MAX_ENTRIES);
const recentKey = (tenantId: string, withVehicles: boolean) => `${tenantId}\n${withVehicles}`;

/** The alert versions a session check read for this request (`alertsVersionRider`). */
export type RequestVersions = NonNullable<AppEnv["Variables"]["alertsVersions"]>;

/**
 * The tenant's alert version: the one this request's session check read, else the one read
 * within VERSION_REUSE_MS, else read now (one D1 statement).
 */
export async function currentVersion(
  d1: D1Database,
  db: Db,
  tenantId: string,
  withVehicles: boolean,
  now = Date.now(),
  read?: RequestVersions,
) {
  if (read) return withVehicles ? read.withVehicles : read.plain;
  const recent = recentVersions.get(recentKey(tenantId, withVehicles));
  if (recent && now - recent.at < VERSION_REUSE_MS) return recent.version;
  const [row] = await versionStatement(d1, db, tenantId, withVehicles).raw();
  const version = versionKey(row ? { seq: row[0], total: row[1], vehicles: row[2] } : undefined);
  rememberVersion(tenantId, withVehicles, version, now);
  return version;
}

/** A version read at `at` (or before: a read issued then), for `currentVersion` to reuse. */
export function rememberVersion(tenantId: string, withVehicles: boolean, version: string, at: number) {
  recentVersions.remember(recentKey(tenantId, withVehicles), { version, at });
}

/**
 * The version read with a session check the isolate did not remember (authorize's `rider`): a
 * request of a token first seen here costs one D1 round trip, not two. The request uses it
 * however long that round trip took (under a burst, often longer than VERSION_REUSE_MS), and the
 * isolate remembers it for both kinds of list, as `currentVersion` would have read it.
 */
export function alertsVersionRider(c: Context<AppEnv>, tenantId: string): SessionRider {
  const asked = Date.now();
  return {
    statement: versionStatement(c.env.DB, database(c.env.DB), tenantId, true),
    took(row) {
      const read = row as { seq: unknown; total: unknown; vehicles: unknown } | undefined;
      const versions: RequestVersions = { withVehicles: versionKey(read), plain: versionKey(read && { ...read, vehicles: null }) };
      rememberVersion(tenantId, true, versions.withVehicles, asked);
      rememberVersion(tenantId, false, versions.plain, asked);
      c.set("alertsVersions", versions);
    },
  };
}

/**
 * The tenant's fleet revision (vehicle-pages.ts) as this isolate read it last, reused for
 * VERSION_REUSE_MS like the alert version and forgotten with it by a vehicle write here.
 */
const fleetKey = (tenantId: string) => `${tenantId}\nfleet`;
export function recentFleetRevision(tenantId: string, now = Date.now()): number | undefined {
  const recent = recentVersions.get(fleetKey(tenantId));
  return recent && now - recent.at < VERSION_REUSE_MS ? Number(recent.version) : undefined;
}
export function rememberFleetRevision(tenantId: string, revision: number, at: number) {
  recentVersions.remember(fleetKey(tenantId), { version: String(revision), at });
}

/** After a write to the tenant's alerts or vehicles in this isolate: the next list reads its version afresh. */
export function forgetListVersions(tenantId: string) {
  recentVersions.delete(recentKey(tenantId, false));
  recentVersions.delete(recentKey(tenantId, true));
  recentVersions.delete(fleetKey(tenantId));
}
