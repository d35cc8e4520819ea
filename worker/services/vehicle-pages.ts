import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { fleetRevisions } from "../db/schema";
import { BoundedMap } from "../lib/bounded-map";
import { page } from "../lib/cursor";
import { listVehicles, publicVehicle } from "./vehicles";

/**
 * Pages of `GET /api/vehicles` remembered by this isolate (docs/api.md "Vehicles"): a tenant's
 * page in the contract's shape (without the risks, which the tenant's object answers on every
 * request) under the fleet's version read in the same D1 batch. A repeated page then costs one
 * D1 statement of one key read instead of reading, mapping and formatting every vehicle of it
 * (the Overview asks for 500 at a time: most of its CPU). Exact: every insert and update of a
 * vehicle raises the tenant's fleet revision (a trigger; vehicles are never deleted), and a page
 * is used only under the revision it was read at.
 */
type VehiclePage = { items: ReturnType<typeof publicVehicle>[]; nextCursor: string | null };

/** A 500-vehicle page is ~100 KB: at most a few MB per isolate. */
const MAX_PAGES = 32;
const pages = new BoundedMap<{ version: number; page: VehiclePage }>(MAX_PAGES);

/** The fleet's revision (migration 0035: raised by every vehicle insert and update), one key read. */
const fleetVersion = (db: Db, tenantId: string) =>
  db.select({ n: fleetRevisions.n }).from(fleetRevisions).where(eq(fleetRevisions.tenantId, tenantId));
const versionKey = (rows: { n: number }[]) => rows[0]?.n ?? 0;

/** A page of the tenant's vehicles by (name, id), without their risks. */
export async function vehiclePage(db: Db, tenantId: string, limit: number, after?: [string, string]): Promise<VehiclePage> {
  const key = `${tenantId}\n${limit}\n${JSON.stringify(after ?? null)}`;
  const known = pages.get(key);
  if (known && versionKey(await fleetVersion(db, tenantId)) === known.version) return known.page;
  // The page and the version in one batch, so the version is the page's own.
  const [rows, version] = await db.batch([listVehicles(db, tenantId, limit, after), fleetVersion(db, tenantId)]);
  const result = page(rows, limit, (v) => [v.name, v.id]);
  const entry = { version: versionKey(version), page: { items: result.items.map(publicVehicle), nextCursor: result.nextCursor } };
  pages.remember(key, entry);
  return entry.page;
}
