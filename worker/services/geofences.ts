import { asc, eq } from "drizzle-orm";
import { inTenant, type Db } from "../db/client";
import { alertRules, geofences, type GeofenceRow } from "../db/schema";
import type { GeofenceShape } from "../domain/geo";
import { newId } from "../lib/ids";
import { AppError } from "../lib/problem";
import { iso } from "../lib/time";

export interface GeofenceInput {
  name: string;
  tags: string[];
  shape: GeofenceShape;
}

export const publicGeofence = (row: GeofenceRow) => ({
  id: row.id,
  name: row.name,
  tags: row.tags,
  shape: row.shape,
  createdAt: iso(row.createdAt),
  updatedAt: iso(row.updatedAt),
});

export const listGeofences = (db: Db, tenantId: string) =>
  db.select().from(geofences).where(inTenant(geofences, tenantId)).orderBy(asc(geofences.id));

export async function getGeofence(db: Db, tenantId: string, id: string) {
  const [row] = await db
    .select()
    .from(geofences)
    .where(inTenant(geofences, tenantId, eq(geofences.id, id)));
  if (!row) throw new AppError("not_found", "No such geofence.");
  return row;
}

export async function createGeofence(db: Db, tenantId: string, input: GeofenceInput) {
  const now = Date.now();
  const [row] = await db
    .insert(geofences)
    .values({ id: newId("geo", now), tenantId, name: input.name, tags: input.tags, shape: input.shape, updatedAt: now })
    .returning();
  return row!;
}

export async function updateGeofence(db: Db, tenantId: string, id: string, patch: Partial<GeofenceInput>) {
  const [row] = await db
    .update(geofences)
    .set({ ...patch, updatedAt: Date.now() })
    .where(inTenant(geofences, tenantId, eq(geofences.id, id)))
    .returning();
  if (!row) throw new AppError("not_found", "No such geofence.");
  return row;
}

/** A geofence that rules still follow cannot go (409 naming them): its rules would silently stop. */
export async function deleteGeofence(db: Db, tenantId: string, id: string) {
  await getGeofence(db, tenantId, id);
  const users = await db
    .select({ id: alertRules.id, name: alertRules.name })
    .from(alertRules)
    .where(inTenant(alertRules, tenantId, eq(alertRules.geofenceId, id)));
  if (users.length) {
    const names = users.map((r) => `"${r.name}"`).join(", ");
    throw new AppError(
      "conflict",
      `The geofence is used by ${users.length === 1 ? "rule" : "rules"} ${names}; change or delete them first.`,
    );
  }
  await db.delete(geofences).where(inTenant(geofences, tenantId, eq(geofences.id, id)));
}

/** The tenant's shapes by id, for the tenant object's geofence rules. */
export async function geofenceShapes(db: Db, tenantId: string): Promise<Map<string, GeofenceShape>> {
  const rows = await db.select({ id: geofences.id, shape: geofences.shape }).from(geofences).where(inTenant(geofences, tenantId));
  return new Map(rows.map((r) => [r.id, r.shape]));
}
