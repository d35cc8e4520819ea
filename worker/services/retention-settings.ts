/**
 * Per-tenant retention windows (docs/time-driven-work.md "Retention"): the documented defaults of
 * durable-objects/retention.ts, each overridable within bounds through `PUT /api/settings`. The
 * tenant object reads them through its `retentionDays` port at every hourly `retention` run, so a
 * change applies within the hour.
 */
import { z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { RETENTION_DEFAULTS, type RetentionDays } from "../../durable-objects/retention";
import type { Db } from "../db/client";
import { tenantRetention } from "../db/schema";

type Field = keyof RetentionDays;

/** Bounds in days. Raw events: at most the 8 days their idempotency keys are kept; readings: at least the chart's week. */
export const RETENTION_BOUNDS: Record<Field, { min: number; max: number; description: string }> = {
  rawTelemetryDays: { min: 1, max: 8, description: "Events of accepted raw batches in the tenant's object" },
  readingsDays: { min: 7, max: 400, description: "Downsampled per-vehicle readings (charts, rule previews)" },
  resolvedAlertsDays: { min: 1, max: 365, description: "Resolved alerts in the tenant's object (D1 keeps its copy)" },
  deliveriesDays: { min: 7, max: 730, description: "Deliveries in a final state (sent, failed, dead, cancelled)" },
  inboxItemsDays: { min: 7, max: 730, description: "In-app inbox items" },
  auditLogDays: { min: 30, max: 3650, description: "Audit log entries" },
};

const fields = Object.keys(RETENTION_BOUNDS) as Field[];
const dayField = (f: Field) => {
  const { min, max, description } = RETENTION_BOUNDS[f];
  return z
    .number()
    .int()
    .min(min)
    .max(max)
    .openapi({ description: `${description}, in days (${min}–${max}; default ${RETENTION_DEFAULTS[f]})` });
};

/** `PUT /api/settings` `retention`: any subset of the windows; each field checked on its own. */
export const RetentionPatch = z
  .strictObject(Object.fromEntries(fields.map((f) => [f, dayField(f).optional()])) as Record<Field, z.ZodOptional<z.ZodNumber>>)
  .openapi("RetentionSettingsPatch");

/** The windows in force: every field, defaults filled in. */
export const RetentionSettings = z
  .object(Object.fromEntries(fields.map((f) => [f, dayField(f)])) as Record<Field, z.ZodNumber>)
  .openapi("RetentionSettings");

/** The tenant's windows in force (defaults where it set none). */
export async function retentionDays(db: Db, tenantId: string): Promise<RetentionDays> {
  const [row] = await db.select({ days: tenantRetention.days }).from(tenantRetention).where(eq(tenantRetention.tenantId, tenantId));
  return withDefaults(row?.days ?? {});
}

/** Stores the given windows (others keep their value) and returns the windows in force. */
export async function putRetentionDays(db: Db, tenantId: string, patch: Partial<RetentionDays>): Promise<RetentionDays> {
  const [row] = await db.select({ days: tenantRetention.days }).from(tenantRetention).where(eq(tenantRetention.tenantId, tenantId));
  const days = { ...(row?.days ?? {}), ...definedOnly(patch) };
  const updatedAt = Date.now();
  await db
    .insert(tenantRetention)
    .values({ tenantId, days, updatedAt })
    .onConflictDoUpdate({ target: tenantRetention.tenantId, set: { days, updatedAt } });
  return withDefaults(days);
}

function withDefaults(stored: Partial<RetentionDays>): RetentionDays {
  const out = { ...RETENTION_DEFAULTS } as RetentionDays;
  for (const f of fields) {
    const value = stored[f];
    // A stored value outside today's bounds (bounds may tighten) is clamped, never trusted blindly.
    if (typeof value === "number") out[f] = Math.min(RETENTION_BOUNDS[f].max, Math.max(RETENTION_BOUNDS[f].min, value));
  }
  return out;
}

const definedOnly = (patch: Partial<RetentionDays>) =>
  Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<RetentionDays>;
