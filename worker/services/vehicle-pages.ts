import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { database, type Db } from "../db/client";
import type { AppEnv } from "../env";
import { fleetRevisions } from "../db/schema";
import { BoundedMap } from "../lib/bounded-map";
import { page } from "../lib/cursor";
import { tenantHub } from "../lib/hub";
import { recentFleetRevision, rememberFleetRevision } from "./alert-list-cache";
import type { SessionRider } from "./sessions";
import { listVehicles, publicVehicle } from "./vehicles";

/**
 * Answers of `GET /api/vehicles` remembered by this isolate (docs/api.md "Vehicles"): a tenant's
 * page in the contract's shape under the fleet's version read in the same D1 batch, and the
 * whole answer's JSON (the page with every vehicle's risk) under the risk revision the tenant's
 * object read the risks at. A repeated page then costs one D1 statement of one key read and one
 * call to the object that answers "unchanged", instead of reading, mapping and formatting every
 * vehicle of it, computing and copying 500 risks and serialising ~200 KB (the Overview asks for
 * 500 at a time). Exact: every insert and update of a vehicle raises the tenant's fleet revision
 * (a trigger; vehicles are never deleted), every scoring moves the risk revision, and a page or
 * answer is used only under the revisions it was read at. The fleet revision itself is read at most
 * once per VERSION_REUSE_MS per tenant and isolate, as the alert list's version is
 * (alert-list-cache.ts): vehicle writes in this isolate forget it at once, another isolate's
 * show within 100 ms; the risk revision is asked of the object on every request.
 */
type VehiclePage = { items: ReturnType<typeof publicVehicle>[]; nextCursor: string | null };
type Entry = { version: number; page: VehiclePage; json?: { risks: string; text: string } };

/** A 500-vehicle page is ~100 KB, its answer with risks ~200 KB: a few MB at most per isolate. */
const MAX_PAGES = 32;
const pages = new BoundedMap<Entry>(MAX_PAGES);

/** The fleet's revision (migration 0035: raised by every vehicle insert and update), one key read. */
const fleetVersion = (db: Db, tenantId: string) =>
  db.select({ n: fleetRevisions.n }).from(fleetRevisions).where(eq(fleetRevisions.tenantId, tenantId));
const versionKey = (rows: { n: number }[]) => rows[0]?.n ?? 0;

let fleetRevisionSql: string | undefined;

/**
 * The fleet's revision read with a session check this isolate did not remember (authorize's
 * `rider`): a token first seen here gets a remembered page in one D1 round trip, not two.
 */
export function fleetRevisionRider(c: Context<AppEnv>, tenantId: string): SessionRider {
  // Its SQL built once per isolate: its only parameter is the tenant id.
  fleetRevisionSql ??= fleetVersion(database(c.env.DB), "").toSQL().sql;
  const asked = Date.now();
  return {
    statement: c.env.DB.prepare(fleetRevisionSql).bind(tenantId),
    took(row) {
      const revision = versionKey(row ? [row as { n: number }] : []);
      rememberFleetRevision(tenantId, revision, asked);
      c.set("fleetRevision", revision);
    },
  };
}

/** The fleet's revision: read in this request already, or by this isolate within VERSION_REUSE_MS, else now. */
async function currentRevision(db: Db, tenantId: string, asked: number, read?: number): Promise<number> {
  const known = read ?? recentFleetRevision(tenantId, asked);
  if (known !== undefined) return known;
  const revision = versionKey(await fleetVersion(db, tenantId));
  rememberFleetRevision(tenantId, revision, asked);
  return revision;
}

/** A page of the tenant's vehicles by (name, id), without their risks; `revision` if already read in this request. */
async function vehiclePage(db: Db, tenantId: string, limit: number, after?: [string, string], revision?: number): Promise<Entry> {
  const key = `${tenantId}\n${limit}\n${JSON.stringify(after ?? null)}`;
  const known = pages.get(key);
  const asked = Date.now();
  if (known && (await currentRevision(db, tenantId, asked, revision)) === known.version) return known;
  // The page and the version in one batch, so the version is the page's own.
  const [rows, version] = await db.batch([listVehicles(db, tenantId, limit, after), fleetVersion(db, tenantId)]);
  rememberFleetRevision(tenantId, versionKey(version), asked);
  const result = page(rows, limit, (v) => [v.name, v.id]);
  const entry: Entry = { version: versionKey(version), page: { items: result.items.map(publicVehicle), nextCursor: result.nextCursor } };
  pages.remember(key, entry);
  return entry;
}

/** The answer's JSON text: a page of the tenant's vehicles, each with its risk as the tenant's object holds it now. */
export async function vehicleListJson(
  env: Env,
  db: Db,
  tenantId: string,
  limit: number,
  after?: [string, string],
  /** The fleet revision the session check read (`fleetRevisionRider`), if it did. */
  fleetRevision?: number,
): Promise<string> {
  const entry = await vehiclePage(db, tenantId, limit, after, fleetRevision);
  const ids = entry.page.items.map((v) => v.id);
  // Taken before the call: another request may replace the entry's answer while this one waits.
  const remembered = entry.json;
  const { revision, risks } = await tenantHub(env, tenantId).fleetRisks(tenantId, ids, remembered?.risks ?? null);
  if (!risks) return remembered!.text; // the object's risks have not moved since this answer
  const text = JSON.stringify({ items: entry.page.items.map((v) => ({ ...v, risk: risks[v.id]! })), nextCursor: entry.page.nextCursor });
  entry.json = revision === null ? undefined : { risks: revision, text };
  return text;
}
