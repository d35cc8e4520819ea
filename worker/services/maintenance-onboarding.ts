/**
 * Fleet onboarding (docs/maintenance.md "Onboarding"): when each plan first applied to each
 * vehicle and its meters then, baselines (the last service before the plan applied, stored as a
 * service record marked `baseline`) and managers' confirmations of vehicles overdue as they stand.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import { database, inTenant, type Db } from "../db/client";
import { maintenancePlans, maintenancePlanStarts, serviceRecords, vehicles, type MaintenancePlan, type Vehicle } from "../db/schema";
import { planApplies } from "../domain/maintenance/intervals";
import type { PlanStart } from "../domain/maintenance/onboarding";
import { newId } from "../lib/ids";
import { AppError } from "../lib/problem";
import { readMeters, type MeterReading } from "./maintenance-meters";
import { noSuch } from "./references";
import { idChunks } from "../lib/id-chunks";

type Coverage = Pick<MaintenancePlan, "vehicleIds" | "vehicleType">;

const pairKey = (vehicleId: string, planId: string) => `${vehicleId}:${planId}`;

/**
 * Records when `plan` first applied to the vehicles it covers now and did not cover `before`
 * (all of them for a new plan), with their current meters. A vehicle covered again later starts afresh.
 */
export async function recordPlanStarts(env: Env, tenantId: string, plan: MaintenancePlan, before: Coverage | null, now = Date.now()) {
  const db = database(env.DB);
  const fleet = await db.select().from(vehicles).where(inTenant(vehicles, tenantId));
  const joining = fleet.filter((v) => planApplies(plan, v) && !(before && planApplies(before, v)));
  if (!joining.length) return;
  const meters = await readMeters(env, tenantId, joining, now);
  const statements = joining.map((v) => {
    const m = meters.get(v.id)!;
    return db
      .insert(maintenancePlanStarts)
      .values({ tenantId, planId: plan.id, vehicleId: v.id, appliedAt: now, odometerKm: m.odometerKm, engineHours: m.engineHours })
      .onConflictDoUpdate({
        target: [maintenancePlanStarts.tenantId, maintenancePlanStarts.planId, maintenancePlanStarts.vehicleId],
        set: { appliedAt: now, odometerKm: m.odometerKm, engineHours: m.engineHours, confirmedAt: null, confirmedBy: null },
      });
  });
  for (let i = 0; i < statements.length; i += 50) {
    const chunk = statements.slice(i, i + 50);
    await db.batch(chunk as [(typeof chunk)[number], ...typeof chunk]);
  }
}

/**
 * Each pair's plan start; pairs without one (a vehicle that joined a plan since, e.g. a new
 * vehicle of a fleet-wide plan) get it now, with their current meters.
 */
export async function planStartsFor(
  db: Db,
  tenantId: string,
  pairs: { vehicle: Pick<Vehicle, "id">; plan: Pick<MaintenancePlan, "id"> }[],
  meters: Map<string, MeterReading>,
  now: number,
  filter: { vehicleId?: string; planId?: string },
) {
  const rows = await db
    .select()
    .from(maintenancePlanStarts)
    .where(
      inTenant(
        maintenancePlanStarts,
        tenantId,
        filter.vehicleId ? eq(maintenancePlanStarts.vehicleId, filter.vehicleId) : undefined,
        filter.planId ? eq(maintenancePlanStarts.planId, filter.planId) : undefined,
      ),
    );
  const starts = new Map<string, PlanStart>(rows.map((r) => [pairKey(r.vehicleId, r.planId), r]));
  const missing = pairs.filter((p) => !starts.has(pairKey(p.vehicle.id, p.plan.id)));
  const inserts = missing.map(({ vehicle, plan }) => {
    const m = meters.get(vehicle.id);
    const start = { appliedAt: now, odometerKm: m?.odometerKm ?? null, engineHours: m?.engineHours ?? null, confirmedAt: null };
    starts.set(pairKey(vehicle.id, plan.id), start);
    return db
      .insert(maintenancePlanStarts)
      .values({ tenantId, planId: plan.id, vehicleId: vehicle.id, ...start })
      .onConflictDoNothing();
  });
  for (let i = 0; i < inserts.length; i += 50) {
    const chunk = inserts.slice(i, i + 50);
    await db.batch(chunk as [(typeof chunk)[number], ...typeof chunk]);
  }
  return starts;
}

/* ------------------------------------------------------------------ baselines */

export interface BaselineInput {
  vehicleId: string;
  planId: string;
  performedAt?: string;
  odometerKm?: number | null;
  engineHours?: number | null;
}

type PlanLike = Coverage & { id: string };

/**
 * Checks baselines before anything is written: every vehicle and plan must be the tenant's (404
 * naming the field), the plan must cover the vehicle, the date must not be in the future (400).
 * `plans` may hold a plan not stored yet (a plan being created with its baselines).
 */
export async function checkBaselines(db: Db, tenantId: string, items: BaselineInput[], path: string, plans = new Map<string, PlanLike>()) {
  const vehicleIds = [...new Set(items.map((i) => i.vehicleId))];
  const planIds = [...new Set(items.map((i) => i.planId))].filter((id) => !plans.has(id));
  const known = new Map<string, Vehicle>();
  for (const chunk of idChunks(vehicleIds)) {
    const rows = await db
      .select()
      .from(vehicles)
      .where(inTenant(vehicles, tenantId, inArray(vehicles.id, chunk)));
    for (const r of rows) known.set(r.id, r);
  }
  for (const chunk of idChunks(planIds)) {
    const rows = await db
      .select()
      .from(maintenancePlans)
      .where(inTenant(maintenancePlans, tenantId, inArray(maintenancePlans.id, chunk)));
    for (const r of rows) plans.set(r.id, r);
  }
  const now = Date.now();
  const invalid: { path: string; message: string }[] = [];
  items.forEach((item, i) => {
    const vehicle = known.get(item.vehicleId);
    const plan = plans.get(item.planId);
    if (!vehicle) throw noSuch("vehicle", `${path}.${i}.vehicleId`);
    if (!plan) throw noSuch("maintenance plan", `${path}.${i}.planId`);
    if (!planApplies(plan, vehicle)) invalid.push({ path: `${path}.${i}.vehicleId`, message: "The plan does not cover this vehicle" });
    if (item.performedAt && Date.parse(item.performedAt) > now + 5 * 60_000)
      invalid.push({ path: `${path}.${i}.performedAt`, message: "Must not be in the future" });
  });
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const key = pairKey(item.vehicleId, item.planId);
    if (seen.has(key)) invalid.push({ path: `${path}.${i}.vehicleId`, message: "Given twice for the same plan" });
    seen.add(key);
  });
  if (invalid.length) throw new AppError("validation", "The request has invalid fields.", invalid);
  return known;
}

/**
 * Sets each pair's baseline, replacing the one set before: a service record marked `baseline`
 * (meters and date default to the vehicle's current meters and now). Due points count from it.
 */
export async function writeBaselines(env: Env, tenantId: string, items: BaselineInput[], fleet: Map<string, Vehicle>) {
  if (!items.length) return [];
  const db = database(env.DB);
  const now = Date.now();
  const needsMeters = items.filter((i) => i.odometerKm === undefined || i.engineHours === undefined).map((i) => fleet.get(i.vehicleId)!);
  const current = needsMeters.length ? await readMeters(env, tenantId, [...new Set(needsMeters)], now) : new Map<string, MeterReading>();
  const rows = items.map((item) => {
    const m = current.get(item.vehicleId);
    const performedAt = item.performedAt ? Date.parse(item.performedAt) : now;
    return {
      id: newId("svc", now),
      tenantId,
      vehicleId: item.vehicleId,
      planId: item.planId,
      workOrderId: null,
      odometerKm: item.odometerKm !== undefined ? item.odometerKm : (m?.odometerKm ?? null),
      engineHours: item.engineHours !== undefined ? item.engineHours : (m?.engineHours ?? null),
      performedAt,
      baseline: true,
    };
  });
  const statements = rows.flatMap((row) => [
    db
      .delete(serviceRecords)
      .where(
        and(
          eq(serviceRecords.tenantId, tenantId),
          eq(serviceRecords.vehicleId, row.vehicleId),
          eq(serviceRecords.planId, row.planId),
          eq(serviceRecords.baseline, true),
        ),
      ),
    db.insert(serviceRecords).values(row).returning(),
  ]);
  const results = [];
  for (let i = 0; i < statements.length; i += 50) {
    const chunk = statements.slice(i, i + 50);
    const out = await db.batch(chunk as [(typeof chunk)[number], ...typeof chunk]);
    results.push(...out.filter((_, j) => j % 2 === 1).flatMap((r) => r as (typeof serviceRecords.$inferSelect)[]));
  }
  return results;
}

/** A manager confirms pairs as overdue as they stand: reminders and plan work orders follow. */
export async function confirmOverdue(db: Db, tenantId: string, items: { vehicleId: string; planId: string }[], userId: string) {
  await checkBaselines(db, tenantId, items, "items");
  const now = Date.now();
  const statements = items.map((item) =>
    db
      .insert(maintenancePlanStarts)
      .values({ tenantId, planId: item.planId, vehicleId: item.vehicleId, appliedAt: now, confirmedAt: now, confirmedBy: userId })
      .onConflictDoUpdate({
        target: [maintenancePlanStarts.tenantId, maintenancePlanStarts.planId, maintenancePlanStarts.vehicleId],
        set: { confirmedAt: now, confirmedBy: userId },
        setWhere: sql`${maintenancePlanStarts.confirmedAt} IS NULL`,
      }),
  );
  for (let i = 0; i < statements.length; i += 50) {
    const chunk = statements.slice(i, i + 50);
    await db.batch(chunk as [(typeof chunk)[number], ...typeof chunk]);
  }
  return items.length;
}
