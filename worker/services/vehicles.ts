import { asc, eq } from "drizzle-orm";
import { users, vehicles, type Vehicle } from "../db/schema";
import { inTenant, isUniqueViolation, pastCursor, type Db } from "../db/client";
import { newId } from "../lib/ids";
import { AppError, fieldError } from "../lib/problem";
import { iso } from "../lib/time";
import { forgetListVersions } from "./alert-list-cache";
import { noSuch } from "./references";

export interface VehicleFields {
  name?: string;
  vin?: string | null;
  type?: string | null;
  odometerKm?: number | null;
  engineHours?: number | null;
  driverId?: string | null;
  /** Depot, region, vehicle type… (indexed in `vehicle_groups` by a trigger). */
  groups?: string[];
}

export const publicVehicle = (v: Vehicle) => ({
  id: v.id,
  externalId: v.externalId,
  name: v.name,
  vin: v.vin,
  type: v.type,
  odometerKm: v.odometerKm,
  engineHours: v.engineHours,
  driverId: v.driverId,
  groups: v.groups,
  createdAt: iso(v.createdAt),
  updatedAt: iso(v.updatedAt),
});

/** A vehicle's driver must be a user of the same tenant (else 404) with the driver role (else 400). */
async function assertDriver(db: Db, tenantId: string, driverId: string | null | undefined) {
  if (!driverId) return;
  const driver = await db.query.users.findFirst({ where: inTenant(users, tenantId, eq(users.id, driverId)) });
  if (!driver) throw noSuch("user", "driverId");
  if (driver.role !== "driver") throw fieldError("driverId", "Must be a user with the driver role");
}

export async function createVehicle(db: Db, tenantId: string, input: VehicleFields & { externalId: string; name: string }) {
  await assertDriver(db, tenantId, input.driverId);
  try {
    const [row] = await db
      .insert(vehicles)
      .values({ ...input, id: newId("veh"), tenantId, updatedAt: Date.now() })
      .returning();
    forgetListVersions(tenantId);
    return row!;
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("conflict", `A vehicle with externalId "${input.externalId}" already exists.`);
    throw error;
  }
}

export async function updateVehicle(db: Db, tenantId: string, id: string, patch: VehicleFields) {
  await assertDriver(db, tenantId, patch.driverId);
  const [row] = await db
    .update(vehicles)
    .set({ ...patch, updatedAt: Date.now() })
    .where(inTenant(vehicles, tenantId, eq(vehicles.id, id)))
    .returning();
  if (!row) throw new AppError("not_found", "No such vehicle.");
  forgetListVersions(tenantId);
  return row;
}

export async function getVehicle(db: Db, tenantId: string, id: string) {
  const row = await db.query.vehicles.findFirst({ where: inTenant(vehicles, tenantId, eq(vehicles.id, id)) });
  if (!row) throw new AppError("not_found", "No such vehicle.");
  return row;
}

/** Keyset page ordered by (name, id). */
export function listVehicles(db: Db, tenantId: string, limit: number, after?: [string, string]) {
  return db
    .select()
    .from(vehicles)
    .where(inTenant(vehicles, tenantId, pastCursor(vehicles.name, vehicles.id, after, "asc")))
    .orderBy(asc(vehicles.name), asc(vehicles.id))
    .limit(limit + 1);
}

/** The vehicle assigned to a driver (the first by name if several). */
export const driversVehicle = (db: Db, tenantId: string, driverId: string) =>
  db.query.vehicles.findFirst({ where: inTenant(vehicles, tenantId, eq(vehicles.driverId, driverId)), orderBy: asc(vehicles.name) });
