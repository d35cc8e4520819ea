/**
 * Meters for maintenance: the newest odometer and engine-hours readings the tenant's Durable
 * Object holds (whatever event carried them, each with its own event time), validated against
 * the last accepted reading (`domain/maintenance/meters`). A reading that goes backwards or rises
 * implausibly fast is not applied: it becomes a pending meter flag a manager accepts or voids.
 */
import { and, desc, eq, inArray, lt, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { database, inTenant, type Db } from "../db/client";
import { meterFlags, meterSamples, METERS, vehicleMeters, type MeterFlag, type Vehicle } from "../db/schema";
import type { Meters } from "../domain/maintenance/intervals";
import { checkMeterReading, type Meter, type MeterPoint } from "../domain/maintenance/meters";
import { DAY_MS } from "../domain/time-zone";
import { tenantHub } from "../lib/hub";
import { newId } from "../lib/ids";
import { AppError } from "../lib/problem";
import { iso, isoOrNull } from "../lib/time";

export interface MeterReading extends Meters {
  /** Event time of each meter's value (stored manual meters: when they were looked up); null without a value. */
  odometerAt: number | null;
  engineHoursAt: number | null;
  /** The newer of the two. */
  at: number;
}

type VehicleMeters = Pick<Vehicle, "id" | "odometerKm" | "engineHours">;

/** A reading newer than the accepted one, with its verdict. */
interface Candidate {
  vehicleId: string;
  meter: Meter;
  reading: MeterPoint;
  accepted: MeterPoint | null;
  verdict: ReturnType<typeof checkMeterReading>;
}

const finite = (n: unknown) => (typeof n === "number" && Number.isFinite(n) ? n : null);

/**
 * Current meters of vehicles: per meter, the accepted telemetry reading (after validating the
 * newest one), else the meters stored on the vehicle (manual corrections for vehicles without
 * telematics, counted as read `now`). Never an older value because a newer event lacked it.
 */
export async function readMeters(env: Env, tenantId: string, list: VehicleMeters[], now = Date.now()) {
  const db = database(env.DB);
  const hub = tenantHub(env, tenantId);
  const out = new Map<string, MeterReading>();
  // D1 binds at most 100 parameters per statement.
  for (let i = 0; i < list.length; i += 45) {
    const chunk = list.slice(i, i + 45);
    const [latest, acceptedRows] = await Promise.all([
      Promise.all(chunk.map((v) => hub.latest(tenantId, v.id))),
      db
        .select()
        .from(vehicleMeters)
        .where(
          inTenant(
            vehicleMeters,
            tenantId,
            inArray(
              vehicleMeters.vehicleId,
              chunk.map((v) => v.id),
            ),
          ),
        ),
    ]);
    const accepted = new Map(acceptedRows.map((r) => [`${r.vehicleId}:${r.meter}`, { value: r.value, at: r.at }]));
    const candidates: Candidate[] = [];
    chunk.forEach((v, j) => {
      const l = latest[j];
      for (const meter of METERS) {
        const value = finite(l?.readings[meter]);
        const ts = l?.readingTs?.[meter];
        if (value == null || !ts) continue;
        const reading = { value, at: Date.parse(ts) };
        const current = accepted.get(`${v.id}:${meter}`) ?? null;
        if (current && reading.at <= current.at) continue;
        const verdict = checkMeterReading(meter, current, reading);
        candidates.push({ vehicleId: v.id, meter, reading, accepted: current, verdict });
        if (verdict === "ok") accepted.set(`${v.id}:${meter}`, reading);
      }
    });
    await applyCandidates(db, tenantId, candidates, now);
    for (const v of chunk) {
      const odometer = accepted.get(`${v.id}:odometerKm`);
      const hours = accepted.get(`${v.id}:engineHours`);
      const odometerKm = odometer?.value ?? v.odometerKm ?? null;
      const engineHours = hours?.value ?? v.engineHours ?? null;
      const odometerAt = odometer?.at ?? (odometerKm != null ? now : null);
      const engineHoursAt = hours?.at ?? (engineHours != null ? now : null);
      out.set(v.id, { odometerKm, engineHours, odometerAt, engineHoursAt, at: Math.max(odometerAt ?? 0, engineHoursAt ?? 0) || now });
    }
  }
  return out;
}

/** Stores accepted readings and flags the others (once per reading: a voided reading stays voided). */
async function applyCandidates(db: Db, tenantId: string, candidates: Candidate[], now: number) {
  if (!candidates.length) return;
  const rejected = candidates.filter((c) => c.verdict !== "ok");
  const known = new Set<string>();
  for (const c of rejected) {
    const seen = await db
      .select({ id: meterFlags.id })
      .from(meterFlags)
      .where(
        inTenant(
          meterFlags,
          tenantId,
          eq(meterFlags.vehicleId, c.vehicleId),
          eq(meterFlags.meter, c.meter),
          eq(meterFlags.at, c.reading.at),
          eq(meterFlags.value, c.reading.value),
        ),
      )
      .limit(1);
    if (seen.length) known.add(`${c.vehicleId}:${c.meter}`);
  }
  const statements = candidates.flatMap((c): BatchItem<"sqlite">[] => {
    if (c.verdict === "ok") {
      return [
        db
          .insert(vehicleMeters)
          .values({ tenantId, vehicleId: c.vehicleId, meter: c.meter, value: c.reading.value, at: c.reading.at })
          .onConflictDoUpdate({
            target: [vehicleMeters.tenantId, vehicleMeters.vehicleId, vehicleMeters.meter],
            set: { value: sql`excluded.value`, at: sql`excluded.at` },
            setWhere: sql`excluded.at > ${vehicleMeters.at}`,
          }),
      ];
    }
    if (known.has(`${c.vehicleId}:${c.meter}`) || !c.accepted) return [];
    // One pending flag per vehicle and meter: a newer rejected reading replaces its reading.
    return [
      db
        .insert(meterFlags)
        .values({
          id: newId("mtf", now),
          tenantId,
          vehicleId: c.vehicleId,
          meter: c.meter,
          value: c.reading.value,
          at: c.reading.at,
          reason: c.verdict,
          previousValue: c.accepted.value,
          previousAt: c.accepted.at,
          status: "pending",
          createdAt: now,
        })
        .onConflictDoUpdate({
          target: [meterFlags.tenantId, meterFlags.vehicleId, meterFlags.meter],
          targetWhere: sql`status = 'pending'`,
          set: {
            value: sql`excluded.value`,
            at: sql`excluded.at`,
            reason: sql`excluded.reason`,
            previousValue: sql`excluded.previous_value`,
            previousAt: sql`excluded.previous_at`,
          },
          setWhere: sql`excluded.at > ${meterFlags.at}`,
        }),
    ];
  });
  if (statements.length) await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
}

/**
 * Keeps one meter sample per vehicle and UTC day of each reading (the newest of that day), the
 * history behind forecasts. Each meter lands on the day of its own reading, so a stale engine
 * hours value is never recorded as today's.
 */
export async function recordMeterSamples(db: Db, tenantId: string, readings: Map<string, MeterReading>) {
  const rows: { vehicleId: string; day: number; odometerKm: number | null; engineHours: number | null; at: number }[] = [];
  for (const [vehicleId, r] of readings) {
    const odometerDay = r.odometerKm != null && r.odometerAt != null ? Math.floor(r.odometerAt / DAY_MS) : null;
    const hoursDay = r.engineHours != null && r.engineHoursAt != null ? Math.floor(r.engineHoursAt / DAY_MS) : null;
    if (odometerDay != null && odometerDay === hoursDay) {
      rows.push({ vehicleId, day: odometerDay, odometerKm: r.odometerKm, engineHours: r.engineHours, at: r.at });
      continue;
    }
    if (odometerDay != null) rows.push({ vehicleId, day: odometerDay, odometerKm: r.odometerKm, engineHours: null, at: r.odometerAt! });
    if (hoursDay != null) rows.push({ vehicleId, day: hoursDay, odometerKm: null, engineHours: r.engineHours, at: r.engineHoursAt! });
  }
  for (let i = 0; i < rows.length; i += 25) {
    const statements = rows.slice(i, i + 25).map((row) =>
      db
        .insert(meterSamples)
        .values({ tenantId, ...row })
        .onConflictDoUpdate({
          target: [meterSamples.tenantId, meterSamples.vehicleId, meterSamples.day],
          set: {
            odometerKm: sql`CASE WHEN excluded.odometer_km IS NOT NULL AND (${meterSamples.odometerKm} IS NULL OR excluded.at >= ${meterSamples.at}) THEN excluded.odometer_km ELSE ${meterSamples.odometerKm} END`,
            engineHours: sql`CASE WHEN excluded.engine_hours IS NOT NULL AND (${meterSamples.engineHours} IS NULL OR excluded.at >= ${meterSamples.at}) THEN excluded.engine_hours ELSE ${meterSamples.engineHours} END`,
            at: sql`max(${meterSamples.at}, excluded.at)`,
          },
        }),
    );
    if (statements.length) await db.batch(statements as [(typeof statements)[number], ...typeof statements]);
  }
}

/* ------------------------------------------------------------------ flags */

export const publicMeterFlag = (f: MeterFlag) => ({
  id: f.id,
  vehicleId: f.vehicleId,
  meter: f.meter,
  value: f.value,
  at: iso(f.at),
  reason: f.reason,
  previousValue: f.previousValue,
  previousAt: iso(f.previousAt),
  status: f.status,
  createdAt: iso(f.createdAt),
  resolvedAt: isoOrNull(f.resolvedAt),
  resolvedBy: f.resolvedBy,
});

export function listMeterFlags(
  db: Db,
  tenantId: string,
  filter: { status?: MeterFlag["status"]; vehicleId?: string },
  limit: number,
  beforeId?: string,
) {
  return db
    .select()
    .from(meterFlags)
    .where(
      inTenant(
        meterFlags,
        tenantId,
        filter.status ? eq(meterFlags.status, filter.status) : undefined,
        filter.vehicleId ? eq(meterFlags.vehicleId, filter.vehicleId) : undefined,
        beforeId ? lt(meterFlags.id, beforeId) : undefined,
      ),
    )
    .orderBy(desc(meterFlags.id))
    .limit(limit + 1);
}

/**
 * Accepting applies the flagged reading to maintenance (unless a newer reading was accepted
 * meanwhile); voiding discards it. Either only from `pending` (else 409).
 */
export async function resolveMeterFlag(db: Db, tenantId: string, id: string, action: "accept" | "void", userId: string) {
  const flag = await db.query.meterFlags.findFirst({ where: inTenant(meterFlags, tenantId, eq(meterFlags.id, id)) });
  if (!flag) throw new AppError("not_found", "No such meter flag.");
  if (flag.status !== "pending") throw new AppError("conflict", `The meter flag is already ${flag.status}.`);
  const now = Date.now();
  const status = action === "accept" ? "accepted" : "voided";
  const update = db
    .update(meterFlags)
    .set({ status, resolvedAt: now, resolvedBy: userId })
    .where(and(eq(meterFlags.tenantId, tenantId), eq(meterFlags.id, id), eq(meterFlags.status, "pending")))
    .returning();
  // The reading is applied only by the request that resolved the flag (same batch, same stamp).
  const apply = db
    .insert(vehicleMeters)
    .select(
      sql`SELECT tenant_id, vehicle_id, meter, value, at FROM meter_flags
          WHERE tenant_id = ${tenantId} AND id = ${id} AND status = 'accepted' AND resolved_at = ${now} AND resolved_by = ${userId}`,
    )
    .onConflictDoUpdate({
      target: [vehicleMeters.tenantId, vehicleMeters.vehicleId, vehicleMeters.meter],
      set: { value: sql`excluded.value`, at: sql`excluded.at` },
      setWhere: sql`excluded.at >= ${vehicleMeters.at}`,
    });
  const [rows] = action === "accept" ? await db.batch([update, apply]) : [await update];
  const updated = (rows as MeterFlag[])[0];
  if (!updated) throw new AppError("conflict", "The meter flag was resolved by someone else meanwhile.");
  return updated;
}
