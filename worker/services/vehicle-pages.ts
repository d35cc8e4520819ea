import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { fleetRevisions } from "../db/schema";
import { BoundedMap } from "../lib/bounded-map";
import { page } from "../lib/cursor";
import { tenantHub } from "../lib/hub";
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
 * answer is used only under the revisions it was read at.
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

/** A page of the tenant's vehicles by (name, id), without their risks. */
async function vehiclePage(db: Db, tenantId: string, limit: number, after?: [string, string]): Promise<Entry> {
  const key = `${tenantId}\n${limit}\n${JSON.stringify(after ?? null)}`;
  const known = pages.get(key);
  if (known && versionKey(await fleetVersion(db, tenantId)) === known.version) return known;
  // The page and the version in one batch, so the version is the page's own.
  const [rows, version] = await db.batch([listVehicles(db, tenantId, limit, after), fleetVersion(db, tenantId)]);
  const result = page(rows, limit, (v) => [v.name, v.id]);
  const entry: Entry = { version: versionKey(version), page: { items: result.items.map(publicVehicle), nextCursor: result.nextCursor } };
  pages.remember(key, entry);
  return entry;
}

/** The answer's JSON text: a page of the tenant's vehicles, each with its risk as the tenant's object holds it now. */
export async function vehicleListJson(env: Env, db: Db, tenantId: string, limit: number, after?: [string, string]): Promise<string> {
  const entry = await vehiclePage(db, tenantId, limit, after);
  const ids = entry.page.items.map((v) => v.id);
  // Taken before the call: another request may replace the entry's answer while this one waits.
  const remembered = entry.json;
  const { revision, risks } = await tenantHub(env, tenantId).fleetRisks(tenantId, ids, remembered?.risks ?? null);
  if (!risks) return remembered!.text; // the object's risks have not moved since this answer
  const text = JSON.stringify({ items: entry.page.items.map((v) => ({ ...v, risk: risks[v.id]! })), nextCursor: entry.page.nextCursor });
  entry.json = revision === null ? undefined : { risks: revision, text };
  return text;
}
