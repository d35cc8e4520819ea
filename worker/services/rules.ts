import { asc, eq } from "drizzle-orm";
import { alertRules, type AlertRule } from "../db/schema";
import { inTenant, type Db } from "../db/client";
import type { RuleDef } from "../domain/rule-engine";
import { newId } from "../lib/ids";
import { AppError } from "../lib/problem";
import { iso } from "../lib/time";
import { ruleIssues } from "../schemas/rules";
import { listReferences, requireReferences } from "./references";

export interface RuleInput {
  name: string;
  metric: string;
  op: AlertRule["op"];
  threshold?: number | null;
  forSeconds?: number | null;
  window?: { count: number; seconds: number } | null;
  cooldownSeconds: number;
  severity: AlertRule["severity"];
  enabled: boolean;
  vehicleIds: string[] | null;
  autoResolve?: boolean;
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
  return {
    id: newId("rul", now),
    tenantId,
    name: input.name,
    type: ruleType(input.name),
    metric: input.metric,
    op: input.op,
    threshold: input.threshold ?? null,
    forSeconds: input.forSeconds ?? null,
    windowCount: input.window?.count ?? null,
    windowSeconds: input.window?.seconds ?? null,
    cooldownSeconds: input.cooldownSeconds,
    severity: input.severity,
    enabled: input.enabled,
    vehicleIds: input.vehicleIds,
    autoResolve: input.autoResolve ?? false,
    // Omitted when absent: the column's SQL default, so the default rules' batch binds no more parameters.
    ...(input.groups ? { groups: input.groups } : {}),
    updatedAt: now,
  };
}

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
});

export const publicRule = (row: AlertRule) => {
  const { id: _id, ...def } = toRuleDef(row);
  return {
    id: row.id,
    ...def,
    autoResolve: row.autoResolve,
    groups: row.groups,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
};

/** Every listed vehicle must be one of the tenant's (404 naming each entry that is not). */
const assertVehicles = (db: Db, tenantId: string, ids: string[] | null | undefined) =>
  requireReferences(db, tenantId, { vehicle: listReferences("vehicleIds", ids) });

export const listRules = (db: Db, tenantId: string) =>
  db.select().from(alertRules).where(inTenant(alertRules, tenantId)).orderBy(asc(alertRules.id));

export async function createRule(db: Db, tenantId: string, input: RuleInput) {
  await assertVehicles(db, tenantId, input.vehicleIds);
  const [row] = await db
    .insert(alertRules)
    .values(toRow(tenantId, input, Date.now()))
    .returning();
  return row!;
}

export async function updateRule(db: Db, tenantId: string, id: string, patch: Partial<RuleInput>) {
  const current = await db.query.alertRules.findFirst({ where: inTenant(alertRules, tenantId, eq(alertRules.id, id)) });
  if (!current) throw new AppError("not_found", "No such rule.");
  const merged = { ...toRuleDef(current), groups: current.groups, ...patch };
  const issues = ruleIssues(merged);
  if (issues.length) throw new AppError("validation", "The request has invalid fields.", issues);
  await assertVehicles(db, tenantId, patch.vehicleIds);
  const { id: _id, tenantId: _t, type: _type, ...fields } = toRow(tenantId, merged as RuleInput, Date.now());
  const [row] = await db
    .update(alertRules)
    .set(fields)
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
