import type { Db } from "../db/client";
import type { Alert } from "../domain/alert";
import type { AuthContext } from "../env";
import { BoundedMap } from "../lib/bounded-map";
import { page } from "../lib/cursor";
import { currentVersion, rememberVersion, type RequestVersions } from "./alert-list-cache";
import { isSince, listAlerts, publicAlert, type AlertFilters } from "./alerts";

/**
 * Whole answers of `GET /api/alerts` remembered by this isolate (docs/telemetry-and-alerts.md
 * "Listing alerts"): a staff caller's page — items in the contract's shape, cursor and facets —
 * per tenant, filters, limit and cursor, under the tenant's alert version it was read at. A
 * request then costs one D1 statement (the version: three index reads) and, when it matches, no
 * query building, row mapping or further D1 trip, and a burst of requests shares one version
 * read (alert-list-cache.ts `currentVersion`: at most VERSION_REUSE_MS old). The version moves
 * with every change of the tenant's alerts (and, for searches, its vehicles), and an answer is
 * used only under the exact version both its rows and its facets were read at. Drivers' lists also move
 * with vehicle assignment and are not remembered.
 */
export type AlertPage = { items: Alert[]; nextCursor: string | null; facets: Awaited<ReturnType<typeof listAlerts>>["facets"] };

/** About 30 KB per 50-alert page (and as much again for its JSON once asked for): a few MB at most per isolate. */
const MAX_PAGES = 256;
/** A page as read, and its JSON text once a response needed it (a repeated page is not serialised again). */
type Entry = { version: string; page: AlertPage; json?: string };
const pages = new BoundedMap<Entry>(MAX_PAGES);

/** Who asks for which page: the tenant's D1 and its client, the caller, the filters, the page size and cursor. */
type PageRequest = [
  d1: D1Database,
  db: Db,
  auth: AuthContext,
  f: AlertFilters,
  limit: number,
  after?: [number, string],
  /** The versions this request's session check read, if it did. */
  read?: RequestVersions,
];

/** A page of the tenant's alerts, newest first, with facets (the route's whole answer). */
export async function alertPage(...request: PageRequest): Promise<AlertPage> {
  return (await alertPageEntry(...request)).page;
}

/** The same page as the response body's JSON text, remembered with the page. */
export async function alertPageJson(...request: PageRequest): Promise<string> {
  const entry = await alertPageEntry(...request);
  entry.json ??= JSON.stringify(entry.page);
  return entry.json;
}

/** The page's key: tenant, filters, limit and cursor (`from` left out for a range's key). */
const pageKey = (
  tenantId: string,
  f: AlertFilters,
  limit: number,
  after: [number, string] | undefined,
  from: number | null = f.from ?? null,
) => `${tenantId}\n${JSON.stringify([f.status, f.severity, f.vehicleId, f.type, f.q, from, f.to, limit, after ?? null])}`;

/**
 * "Alerts since T" (a `from` without `to` or search), as a client polling the last 24 hours asks
 * it with a new T every time: the answer last read per filter set, limit and cursor, its T and
 * the creation time of the oldest alert it counts. Under the same version, a later T' up to that
 * time selects the same alerts, so the same answer holds, exactly: no page read, no facets
 * counted over the whole range and no serialising; past it, the oldest alert drops out and the
 * range is read afresh. Kept apart from `pages`, which a key per T filled with answers never asked again.
 */
const RANGES = 256;
type Range = { from: number; oldest: number; entry: Entry };
const ranges = new BoundedMap<Range>(RANGES);

async function alertPageEntry(...[d1, db, auth, f, limit, after, read]: PageRequest): Promise<Entry> {
  const staff = auth.role !== "driver";
  const asked = Date.now();
  if (staff && isSince(f)) return rangeEntry(d1, db, auth, f, limit, after, asked, read);
  const key = pageKey(auth.tenantId, f, limit, after);
  const known = staff ? pages.get(key) : undefined;
  if (known) {
    if ((await currentVersion(d1, db, auth.tenantId, Boolean(f.q), asked, read)) === known.version) {
      pages.remember(key, known); // most recently used last: the oldest unused page is forgotten first
      return known;
    }
  }
  const { entry } = await readEntry(db, auth, f, limit, after, asked);
  if (staff && entry.version) pages.remember(key, entry);
  return entry;
}

/** A staff caller's range since T: the range's last answer while it holds (`ranges`), else read and kept as the range's. */
async function rangeEntry(
  d1: D1Database,
  db: Db,
  auth: AuthContext,
  f: AlertFilters,
  limit: number,
  after: PageRequest[5],
  asked: number,
  read: PageRequest[6],
) {
  const key = pageKey(auth.tenantId, f, limit, after, null);
  const range = ranges.get(key);
  if (range && range.from <= f.from! && f.from! <= range.oldest) {
    if ((await currentVersion(d1, db, auth.tenantId, false, asked, read)) === range.entry.version) {
      ranges.remember(key, range);
      return range.entry;
    }
  }
  const { entry, oldest } = await readEntry(db, auth, f, limit, after, asked);
  if (entry.version) ranges.remember(key, { from: f.from!, oldest: oldest ?? Number.POSITIVE_INFINITY, entry });
  return entry;
}

/** The page read from D1, in the contract's shape, with the version it was read at ("" when a change fell between its reads). */
async function readEntry(db: Db, auth: AuthContext, f: AlertFilters, limit: number, after: PageRequest[5], asked: number) {
  const { rows, facets, version, oldest } = await listAlerts(db, auth, f, limit, after);
  if (version) rememberVersion(auth.tenantId, Boolean(f.q), version, asked);
  const result = page(rows, limit, (a) => [a.createdAt, a.id]);
  const entry: Entry = { version: version ?? "", page: { items: result.items.map(publicAlert), nextCursor: result.nextCursor, facets } };
  return { entry, oldest };
}
