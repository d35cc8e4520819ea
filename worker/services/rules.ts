import { asc, eq } from "drizzle-orm";
import { alertRules, geofences, type AlertRule } from "../db/schema";
import { inTenant, type Db } from "../db/client";
import type { RuleDef, RuleKind } from "../domain/rule-engine";
import { newId } from "../lib/ids";
import { AppError } from "../lib/problem";
import { iso } from "../lib/time";
import { ruleIssues } from "../schemas/rules";
import { listReferences, notFoundAt, requireReferences } from "./references";

export interface RuleInput {
  name: string;
  /** Threshold rules only; other kinds store their kind here (the column is required). */
  metric?: string;
  op?: AlertRule["op"];
  threshold?: number | null;
  forSeconds?: number | null;
  window?: { count: number; seconds: number } | null;
  cooldownSeconds: number;
  severity: AlertRule["severity"];
  enabled: boolean;
  vehicleIds: string[] | null;
  autoResolve?: boolean;
  kind?: RuleKind;
  minutes?: number | null;
  graceMinutes?: number | null;
  geofenceId?: string | null;
  bufferM?: number | null;
  fixes?: number | null;
  /** Only vehicles in one of these groups are evaluated; empty = all. */
  groups?: string[];
}

/** The rule set every new tenant starts with (docs/api.md, "Alert rules"). */
export const DEFAULT_RULES: RuleInput[] = [
  {
    name: "Engine overheating",
    metric: "engineTempC",
    op: "gt",
    threshold: 110,
    forSeconds: 60,
    severity: "critical",
    cooldownSeconds: 900,
    enabled: true,
    vehicleIds: null,
  },
  {
    name: "Low oil pressure",
    metric: "oilPressureKpa",
    op: "lt",
    threshold: 100,
    forSeconds: 10,
    severity: "critical",
    cooldownSeconds: 900,
    enabled: true,
    vehicleIds: null,
  },
  {
    name: "Low battery",
    metric: "batteryV",
    op: "lt",
    threshold: 11.8,
    forSeconds: 300,
    severity: "medium",
    cooldownSeconds: 900,
    enabled: true,
    vehicleIds: null,
  },
  {
    name: "Harsh braking",
    metric: "accelG",
    op: "lt",
    threshold: -0.45,
    window: { count: 3, seconds: 600 },
    severity: "medium",
    cooldownSeconds: 900,
    enabled: true,
    vehicleIds: null,
  },
  {
    name: "Speeding",
    metric: "speedKph",
    op: "gt",
    threshold: 120,
    forSeconds: 30,
    severity: "high",
    cooldownSeconds: 900,
    enabled: true,
    vehicleIds: null,
  },
  {
    name: "Diagnostic trouble code",
    metric: "dtc",
    op: "present",
    severity: "high",
    cooldownSeconds: 900,
    enabled: true,
    vehicleIds: null,
  },
];

/** `Engine overheating` → `engine_overheating`: the alert type a rule's alerts carry. */
export const ruleType = (name: string) =>
  name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "")
    .slice(0, 60) || "rule";

function toRow(tenantId: string, input: RuleInput, now: number) {
  const kind = input.kind ?? "threshold";
  const threshold = kind === "threshold";
  return {
    id: newId("rul", now),
    tenantId,
    name: input.name,
    type: ruleType(input.name),
    metric: threshold ? input.metric! : kind,
    op: threshold ? input.op! : ("present" as const),
    threshold: input.threshold ?? null,
    forSeconds: input.forSeconds ?? null,
    windowCount: input.window?.count ?? null,
    windowSeconds: input.window?.seconds ?? null,
    cooldownSeconds: input.cooldownSeconds,
    severity: input.severity,
    enabled: input.enabled,
    vehicleIds: input.vehicleIds,
    autoResolve: input.autoResolve ?? false,
    // Threshold rules leave these to the column defaults: a tenant's default rules go in one
    // multi-row insert, which must stay under D1's 100 bound parameters.
    ...(threshold ? {} : kindColumns(input)),
    // Omitted when absent: the column's SQL default, so the default rules' batch binds no more parameters.
    ...(input.groups ? { groups: input.groups } : {}),
    updatedAt: now,
  };
}

/** The kind and its settings as columns (null where the kind does not use one). */
const kindColumns = (input: RuleInput) => ({
  kind: input.kind ?? "threshold",
  minutes: input.minutes ?? null,
  graceMinutes: input.graceMinutes ?? null,
  geofenceId: input.geofenceId ?? null,
  bufferM: input.bufferM ?? null,
  fixes: input.fixes ?? null,
});

export const defaultRuleRows = (tenantId: string, now = Date.now()) => DEFAULT_RULES.map((rule, i) => toRow(tenantId, rule, now + i));

export const toRuleDef = (row: AlertRule): RuleDef => ({
  id: row.id,
  name: row.name,
  type: row.type,
  metric: row.metric,
  op: row.op,
  threshold: row.threshold,
  forSeconds: row.forSeconds,
  window: row.windowCount && row.windowSeconds ? { count: row.windowCount, seconds: row.windowSeconds } : null,
  cooldownSeconds: row.cooldownSeconds,
  severity: row.severity,
  enabled: row.enabled,
  vehicleIds: row.vehicleIds ?? null,
  autoResolve: row.autoResolve,
  kind: row.kind,
  minutes: row.minutes,
  graceMinutes: row.graceMinutes,
  geofenceId: row.geofenceId,
  bufferM: row.bufferM,
  fixes: row.fixes,
});

export const publicRule = (row: AlertRule) => {
  const { id: _id, ...def } = toRuleDef(row);
  const kindFields = {
    kind: row.kind,
    minutes: row.minutes,
    graceMinutes: row.graceMinutes,
    geofenceId: row.geofenceId,
    bufferM: row.bufferM,
    fixes: row.fixes,
  };
  return {
    id: row.id,
    ...def,
    autoResolve: row.autoResolve,
    ...kindFields,
    groups: row.groups,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
};

/** Every listed vehicle must be one of the tenant's (404 naming each entry that is not). */
const assertVehicles = (db: Db, tenantId: string, ids: string[] | null | undefined) =>
  requireReferences(db, tenantId, { vehicle: listReferences("vehicleIds", ids) });

/** A geofence rule's geofence must be one of the tenant's (404 naming `geofenceId`). */
async function assertGeofence(db: Db, tenantId: string, id: string | null | undefined) {
  if (!id) return;
  const [row] = await db
    .select({ id: geofences.id })
    .from(geofences)
    .where(inTenant(geofences, tenantId, eq(geofences.id, id)));
  if (!row) throw notFoundAt([{ path: "geofenceId", message: "No such geofence" }]);
}

/** Per-kind fields, cleared when a rule changes kind (the new kind's come from the patch). */
const KIND_SETTINGS = [
  "metric",
  "op",
  "threshold",
  "forSeconds",
  "window",
  "minutes",
  "graceMinutes",
  "geofenceId",
  "bufferM",
  "fixes",
] as const;

/**
 * The stored rule with the patch applied. Non-threshold rules keep their kind in `metric`/`op`
 * (required columns), which are not theirs to validate; a change of kind starts the settings afresh.
 */
function mergePatch(current: AlertRule, patch: Partial<RuleInput>): RuleInput {
  const base: Partial<RuleInput> = toRuleDef(current);
  const kindChanged = patch.kind !== undefined && patch.kind !== current.kind;
  if (kindChanged) for (const field of KIND_SETTINGS) delete base[field];
  else if (current.kind !== "threshold") {
    delete base.metric;
    delete base.op;
  }
  return { ...base, ...patch } as RuleInput;
}

export const listRules = (db: Db, tenantId: string) =>
  db.select().from(alertRules).where(inTenant(alertRules, tenantId)).orderBy(asc(alertRules.id));

export async function createRule(db: Db, tenantId: string, input: RuleInput) {
  await assertVehicles(db, tenantId, input.vehicleIds);
  await assertGeofence(db, tenantId, input.geofenceId);
  const [row] = await db
    .insert(alertRules)
    .values(toRow(tenantId, input, Date.now()))
    .returning();
  return row!;
}

export async function updateRule(db: Db, tenantId: string, id: string, patch: Partial<RuleInput>) {
  const current = await db.query.alertRules.findFirst({ where: inTenant(alertRules, tenantId, eq(alertRules.id, id)) });
  if (!current) throw new AppError("not_found", "No such rule.");
  const merged = mergePatch(current, patch);
  const issues = ruleIssues(merged);
  if (issues.length) throw new AppError("validation", "The request has invalid fields.", issues);
  await assertVehicles(db, tenantId, patch.vehicleIds);
  await assertGeofence(db, tenantId, patch.geofenceId);
  const { id: _id, tenantId: _t, type: _type, ...fields } = toRow(tenantId, merged, Date.now());
  const [row] = await db
    .update(alertRules)
    .set({ ...fields, ...kindColumns(merged) })
    .where(inTenant(alertRules, tenantId, eq(alertRules.id, id)))
    .returning();
  return row!;
}

export async function deleteRule(db: Db, tenantId: string, id: string) {
  const [row] = await db
    .delete(alertRules)
    .where(inTenant(alertRules, tenantId, eq(alertRules.id, id)))
    .returning({ id: alertRules.id });
  if (!row) throw new AppError("not_found", "No such rule.");
}
