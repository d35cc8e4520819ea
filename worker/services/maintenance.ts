/**
 * Maintenance plans, recorded services and due status. The arithmetic is the pure
 * `domain/maintenance/intervals` module; this file loads its inputs (plans, vehicles, the last
 * service per pair, current accepted meters (maintenance-meters.ts), 30 days of meter samples,
 * when each plan first applied to each vehicle).
 */
import { asc, desc, eq, gte, inArray, lt, sql } from "drizzle-orm";
import { database, inTenant, type Db } from "../db/client";
import { maintenancePlans, meterSamples, serviceRecords, vehicles, type MaintenancePlan, type ServiceRecord } from "../db/schema";
import {
  averageDailyRates,
  dueState,
  planApplies,
  planStartBaseline,
  type DueState,
  type MeterSample,
  type Meters,
} from "../domain/maintenance/intervals";
import { baselineMissing } from "../domain/maintenance/onboarding";
import { DAY_MS } from "../domain/time-zone";
import { newId } from "../lib/ids";
import { AppError } from "../lib/problem";
import { iso, isoOrNull } from "../lib/time";
import { planIssues } from "../schemas/maintenance";
import { readMeters, recordMeterSamples } from "./maintenance-meters";
import { planStartsFor } from "./maintenance-onboarding";
import { listReferences, noSuch, requireReferences } from "./references";

/* ------------------------------------------------------------------ plans */

export interface PlanFields {
  name?: string;
  vehicleIds?: string[] | null;
  vehicleType?: string | null;
  everyKm?: number | null;
  everyEngineHours?: number | null;
  everyDays?: number | null;
  dueSoonKm?: number | null;
  dueSoonEngineHours?: number | null;
  dueSoonDays?: number | null;
  durationMinutes?: number;
  skill?: string | null;
}

export const publicPlan = (p: MaintenancePlan) => ({
  id: p.id,
  name: p.name,
  vehicleIds: p.vehicleIds ?? null,
  vehicleType: p.vehicleType,
  everyKm: p.everyKm,
  everyEngineHours: p.everyEngineHours,
  everyDays: p.everyDays,
  dueSoonKm: p.dueSoonKm,
  dueSoonEngineHours: p.dueSoonEngineHours,
  dueSoonDays: p.dueSoonDays,
  durationMinutes: p.durationMinutes,
  skill: p.skill,
  createdAt: iso(p.createdAt),
  updatedAt: iso(p.updatedAt),
});

/** Every listed vehicle must be one of the tenant's (404 naming each entry that is not). */
const assertVehicles = (db: Db, tenantId: string, ids: string[] | null | undefined) =>
  requireReferences(db, tenantId, { vehicle: listReferences("vehicleIds", ids) });

export async function createPlan(db: Db, tenantId: string, input: PlanFields & { name: string; durationMinutes: number }) {
  await assertVehicles(db, tenantId, input.vehicleIds);
  const now = Date.now();
  const [row] = await db
    .insert(maintenancePlans)
    .values({
      id: newId("pln", now),
      tenantId,
      name: input.name,
      vehicleIds: input.vehicleIds ?? null,
      vehicleType: input.vehicleType ?? null,
      everyKm: input.everyKm ?? null,
      everyEngineHours: input.everyEngineHours ?? null,
      everyDays: input.everyDays ?? null,
      dueSoonKm: input.dueSoonKm ?? null,
      dueSoonEngineHours: input.dueSoonEngineHours ?? null,
      dueSoonDays: input.dueSoonDays ?? null,
      durationMinutes: input.durationMinutes,
      skill: input.skill ?? null,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  return row!;
}

export async function getPlan(db: Db, tenantId: string, id: string) {
  const row = await db.query.maintenancePlans.findFirst({ where: inTenant(maintenancePlans, tenantId, eq(maintenancePlans.id, id)) });
  if (!row) throw new AppError("not_found", "No such maintenance plan.");
  return row;
}

export const findPlan = (db: Db, tenantId: string, id: string) =>
  db.query.maintenancePlans.findFirst({ where: inTenant(maintenancePlans, tenantId, eq(maintenancePlans.id, id)) });

export async function updatePlan(db: Db, tenantId: string, id: string, patch: PlanFields) {
  const current = await getPlan(db, tenantId, id);
  // The plan as it would be must still make sense (at least one every*, thresholds below intervals).
  const issues = planIssues({ ...current, ...patch });
  if (issues.length) throw new AppError("validation", "The request has invalid fields.", issues);
  await assertVehicles(db, tenantId, patch.vehicleIds);
  const [row] = await db
    .update(maintenancePlans)
    .set({ ...patch, updatedAt: Date.now() })
    .where(inTenant(maintenancePlans, tenantId, eq(maintenancePlans.id, id)))
    .returning();
  if (!row) throw new AppError("not_found", "No such maintenance plan.");
  return row;
}

/** Deletes the plan and its service records; its work orders stay, without the plan. */
export async function deletePlan(db: Db, tenantId: string, id: string) {
  const [row] = await db
    .delete(maintenancePlans)
    .where(inTenant(maintenancePlans, tenantId, eq(maintenancePlans.id, id)))
    .returning({ id: maintenancePlans.id });
  if (!row) throw new AppError("not_found", "No such maintenance plan.");
}

export const listPlans = (db: Db, tenantId: string, limit: number, afterId?: string) =>
  db
    .select()
    .from(maintenancePlans)
    .where(inTenant(maintenancePlans, tenantId, afterId ? sql`${maintenancePlans.id} > ${afterId}` : undefined))
    .orderBy(asc(maintenancePlans.id))
    .limit(limit + 1);

/* ------------------------------------------------------------------ meters */

// Meters live in maintenance-meters.ts; re-exported for the callers that read them with plans.
export { readMeters, recordMeterSamples, type MeterReading } from "./maintenance-meters";

/* ------------------------------------------------------------------ service records */

export const publicServiceRecord = (r: ServiceRecord) => ({
  id: r.id,
  vehicleId: r.vehicleId,
  planId: r.planId,
  workOrderId: r.workOrderId,
  odometerKm: r.odometerKm,
  engineHours: r.engineHours,
  performedAt: iso(r.performedAt),
  baseline: r.baseline,
  createdAt: iso(r.createdAt),
});

/** A service record row for a vehicle under a plan at `at` with its meters then. */
export const serviceRecordRow = (
  tenantId: string,
  vehicleId: string,
  planId: string,
  meters: Meters,
  at: number,
  workOrderId: string | null = null,
) => ({
  id: newId("svc", at),
  tenantId,
  vehicleId,
  planId,
  workOrderId,
  odometerKm: meters.odometerKm,
  engineHours: meters.engineHours,
  performedAt: at,
});

/** Records a service done outside a work order (e.g. the last one before FleetPulse). */
export async function recordService(
  env: Env,
  tenantId: string,
  input: { vehicleId: string; planId: string; performedAt?: string; odometerKm?: number | null; engineHours?: number | null },
) {
  const db = database(env.DB);
  const vehicle = await db.query.vehicles.findFirst({ where: inTenant(vehicles, tenantId, eq(vehicles.id, input.vehicleId)) });
  if (!vehicle) throw noSuch("vehicle", "vehicleId");
  const plan = await findPlan(db, tenantId, input.planId);
  if (!plan) throw noSuch("maintenance plan", "planId");
  if (!planApplies(plan, vehicle)) {
    throw new AppError("validation", "The request has invalid fields.", [
      { path: "planId", message: "The plan does not cover this vehicle" },
    ]);
  }
  const now = Date.now();
  const performedAt = input.performedAt ? Date.parse(input.performedAt) : now;
  if (performedAt > now + 5 * 60_000)
    throw new AppError("validation", "The request has invalid fields.", [{ path: "performedAt", message: "Must not be in the future" }]);
  const needsMeters = input.odometerKm === undefined || input.engineHours === undefined;
  const current = needsMeters ? (await readMeters(env, tenantId, [vehicle], now)).get(vehicle.id)! : null;
  const meters = {
    odometerKm: input.odometerKm !== undefined ? input.odometerKm : current!.odometerKm,
    engineHours: input.engineHours !== undefined ? input.engineHours : current!.engineHours,
  };
  const [row] = await db
    .insert(serviceRecords)
    .values(serviceRecordRow(tenantId, vehicle.id, plan.id, meters, performedAt))
    .returning();
  return row!;
}

export function listServiceRecords(
  db: Db,
  tenantId: string,
  filter: { vehicleId?: string; planId?: string },
  limit: number,
  beforeId?: string,
) {
  return db
    .select()
    .from(serviceRecords)
    .where(
      inTenant(
        serviceRecords,
        tenantId,
        filter.vehicleId ? eq(serviceRecords.vehicleId, filter.vehicleId) : undefined,
        filter.planId ? eq(serviceRecords.planId, filter.planId) : undefined,
        beforeId ? lt(serviceRecords.id, beforeId) : undefined,
      ),
    )
    .orderBy(desc(serviceRecords.id))
    .limit(limit + 1);
}

/* ------------------------------------------------------------------ due status */

export interface DueItem extends DueState {
  vehicleId: string;
  planId: string;
  vehicleName: string;
  planName: string;
  odometerKm: number | null;
  engineHours: number | null;
  lastServiceAt: number | null;
  /** The service record the current interval counts from (null: the plan's start). */
  baselineServiceId: string | null;
  /** Past its first due point when the plan applied, with no baseline and no confirmation: no reminders, no work orders. */
  baselineMissing: boolean;
  plan: MaintenancePlan;
}

export const publicDueItem = (d: DueItem) => ({
  vehicleId: d.vehicleId,
  planId: d.planId,
  status: d.status,
  dueAtKm: d.dueAtKm,
  dueAtEngineHours: d.dueAtEngineHours,
  dueDate: isoOrNull(d.dueDate),
  remainingKm: d.remainingKm,
  remainingEngineHours: d.remainingEngineHours,
  remainingDays: d.remainingDays,
  forecastDate: isoOrNull(d.forecastDate),
  vehicleName: d.vehicleName,
  planName: d.planName,
  odometerKm: d.odometerKm,
  engineHours: d.engineHours,
  lastServiceAt: isoOrNull(d.lastServiceAt),
  baselineMissing: d.baselineMissing,
});

const FORECAST_DAYS = 30;

/**
 * Due status of every (vehicle, plan) pair the plans cover, sorted by vehicle id then plan id.
 * Reads current meters from the Durable Object (and keeps today's meter sample).
 */
export async function computeDue(
  env: Env,
  tenantId: string,
  now = Date.now(),
  filter: { vehicleId?: string; planId?: string } = {},
): Promise<DueItem[]> {
  const db = database(env.DB);
  const [plans, fleet] = await Promise.all([
    db
      .select()
      .from(maintenancePlans)
      .where(inTenant(maintenancePlans, tenantId, filter.planId ? eq(maintenancePlans.id, filter.planId) : undefined)),
    db
      .select()
      .from(vehicles)
      .where(inTenant(vehicles, tenantId, filter.vehicleId ? eq(vehicles.id, filter.vehicleId) : undefined)),
  ]);
  const pairs = fleet.flatMap((vehicle) => plans.filter((plan) => planApplies(plan, vehicle)).map((plan) => ({ vehicle, plan })));
  if (!pairs.length) return [];

  const covered = [...new Set(pairs.map((p) => p.vehicle.id))];
  const metered = fleet.filter((v) =>
    pairs.some((p) => p.vehicle.id === v.id && (p.plan.everyKm != null || p.plan.everyEngineHours != null)),
  );
  const [records, samples, meters] = await Promise.all([
    db
      .select()
      .from(serviceRecords)
      .where(
        inTenant(
          serviceRecords,
          tenantId,
          filter.vehicleId ? eq(serviceRecords.vehicleId, filter.vehicleId) : undefined,
          filter.planId ? eq(serviceRecords.planId, filter.planId) : undefined,
        ),
      )
      .orderBy(desc(serviceRecords.performedAt), desc(serviceRecords.id)),
    metered.length
      ? db
          .select()
          .from(meterSamples)
          .where(
            inTenant(
              meterSamples,
              tenantId,
              gte(meterSamples.day, Math.floor(now / DAY_MS) - (FORECAST_DAYS + 15)),
              // D1 binds at most 100 parameters: beyond that, read the tenant's samples of the window.
              covered.length <= 90 ? inArray(meterSamples.vehicleId, covered) : undefined,
            ),
          )
      : Promise.resolve([]),
    readMeters(env, tenantId, metered, now),
  ]);
  await recordMeterSamples(db, tenantId, meters);
  const starts = await planStartsFor(db, tenantId, pairs, meters, now, filter);

  const lastService = new Map<string, ServiceRecord>();
  for (const r of records) if (!lastService.has(`${r.vehicleId}:${r.planId}`)) lastService.set(`${r.vehicleId}:${r.planId}`, r);
  const samplesOf = new Map<string, MeterSample[]>();
  for (const s of samples) {
    const list = samplesOf.get(s.vehicleId) ?? [];
    list.push({ at: s.at, odometerKm: s.odometerKm, engineHours: s.engineHours });
    samplesOf.set(s.vehicleId, list);
  }
  const rates = new Map(
    metered.map((v) => {
      const current = meters.get(v.id);
      const list = [...(samplesOf.get(v.id) ?? []), ...(current ? [current] : [])];
      return [v.id, averageDailyRates(list, now, FORECAST_DAYS)];
    }),
  );

  return pairs
    .map(({ vehicle, plan }): DueItem => {
      const service = lastService.get(`${vehicle.id}:${plan.id}`);
      const baseline = service
        ? { odometerKm: service.odometerKm, engineHours: service.engineHours, at: service.performedAt }
        : planStartBaseline(plan.createdAt);
      const current = meters.get(vehicle.id) ?? { odometerKm: vehicle.odometerKm, engineHours: vehicle.engineHours };
      const missing = baselineMissing(plan, starts.get(`${vehicle.id}:${plan.id}`), service !== undefined);
      const state = dueState(plan, baseline, current, now, rates.get(vehicle.id));
      return {
        ...state,
        // Crossed before the plan applied: overdue as it stands, whatever the meters say since.
        status: missing ? "overdue" : state.status,
        baselineMissing: missing,
        vehicleId: vehicle.id,
        planId: plan.id,
        vehicleName: vehicle.name,
        planName: plan.name,
        odometerKm: current.odometerKm,
        engineHours: current.engineHours,
        lastServiceAt: service?.performedAt ?? null,
        baselineServiceId: service?.id ?? null,
        plan,
      };
    })
    .sort((a, b) =>
      a.vehicleId < b.vehicleId ? -1 : a.vehicleId > b.vehicleId ? 1 : a.planId < b.planId ? -1 : a.planId > b.planId ? 1 : 0,
    );
}

/** Due items after a keyset cursor `[vehicleId, planId]`. */
export const afterDueCursor = (items: DueItem[], after?: [string, string]) =>
  after ? items.filter((d) => d.vehicleId > after[0] || (d.vehicleId === after[0] && d.planId > after[1])) : items;
