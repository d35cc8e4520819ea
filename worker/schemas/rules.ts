import { z } from "@hono/zod-openapi";
import { RULE_KINDS, RULE_OPS, SEVERITIES } from "../db/schema";
import { GroupList } from "./groups";

const fields = {
  name: z.string().trim().min(1).max(120),
  metric: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, "A reading name such as engineTempC, or dtc"),
  op: z.enum(RULE_OPS),
  threshold: z.number().finite().nullable(),
  forSeconds: z.number().int().min(1).max(86_400).nullable(),
  window: z.strictObject({ count: z.number().int().min(2).max(1000), seconds: z.number().int().min(1).max(86_400) }).nullable(),
  cooldownSeconds: z.number().int().min(0).max(604_800),
  severity: z.enum(SEVERITIES),
  enabled: z.boolean(),
  vehicleIds: z.array(z.string().min(1).max(64)).min(1).max(1000).nullable(),
  autoResolve: z.boolean().openapi({ description: "Resolve the alert when its episode clears" }),
  kind: z.enum(RULE_KINDS).openapi({ description: "threshold (a metric against a value), offline, or enter/exit/dwell of a geofence" }),
  minutes: z
    .number()
    .int()
    .min(1)
    .max(10_080)
    .nullable()
    .openapi({ description: "offline: silence that counts; dwell: time inside that counts" }),
  graceMinutes: z
    .number()
    .int()
    .min(0)
    .max(1440)
    .nullable()
    .openapi({ description: "offline: the silence must last this much longer (default 2)" }),
  geofenceId: z.string().min(1).max(64).nullable(),
  bufferM: z
    .number()
    .min(0)
    .max(5000)
    .nullable()
    .openapi({ description: "enter/exit/dwell: hysteresis band either side of the boundary, metres (default 20)" }),
  fixes: z
    .number()
    .int()
    .min(1)
    .max(20)
    .nullable()
    .openapi({ description: "enter/exit/dwell: consecutive fixes that confirm a change of side (default 2)" }),
};

type RuleShape = {
  metric?: string;
  op?: string;
  threshold?: number | null;
  forSeconds?: number | null;
  window?: unknown;
  kind?: string;
  minutes?: number | null;
  graceMinutes?: number | null;
  geofenceId?: string | null;
  bufferM?: number | null;
  fixes?: number | null;
};

/** Which per-kind fields each kind takes (the others must be absent or null). */
const KIND_FIELDS = {
  threshold: ["metric", "op", "threshold", "forSeconds", "window"],
  offline: ["minutes", "graceMinutes"],
  enter: ["geofenceId", "bufferM", "fixes"],
  exit: ["geofenceId", "bufferM", "fixes"],
  dwell: ["geofenceId", "bufferM", "fixes", "minutes"],
} as const;
const KIND_REQUIRED = {
  threshold: ["metric", "op"],
  offline: ["minutes"],
  enter: ["geofenceId"],
  exit: ["geofenceId"],
  dwell: ["geofenceId", "minutes"],
};
const ALL_KIND_FIELDS = [...new Set(Object.values(KIND_FIELDS).flat())];

/** Cross-field rules shared by create and (after merging) patch. */
export function ruleIssues(rule: RuleShape): { path: string; message: string }[] {
  const kind = (rule.kind ?? "threshold") as keyof typeof KIND_FIELDS;
  const issues: { path: string; message: string }[] = [];
  const takes: readonly string[] = KIND_FIELDS[kind];
  for (const field of ALL_KIND_FIELDS) {
    const value = rule[field as keyof RuleShape];
    if (!takes.includes(field) && value !== undefined && value !== null) issues.push({ path: field, message: `Not used by ${kind} rules` });
  }
  for (const field of KIND_REQUIRED[kind]) {
    const value = rule[field as keyof RuleShape];
    if (value === undefined || value === null) issues.push({ path: field, message: `Required for ${kind} rules` });
  }
  if (kind !== "threshold") return issues;
  if (rule.op !== undefined && rule.op !== "present" && (rule.threshold === undefined || rule.threshold === null)) {
    issues.push({ path: "threshold", message: "Required unless op is present" });
  }
  if (rule.metric === "dtc" && rule.op !== "present") issues.push({ path: "op", message: 'The dtc metric takes op "present"' });
  if (rule.forSeconds != null && rule.window != null) issues.push({ path: "window", message: "Use either forSeconds or window, not both" });
  return issues;
}

const addRuleIssues = (rule: RuleShape, ctx: z.RefinementCtx) => {
  for (const issue of ruleIssues(rule)) ctx.addIssue({ code: "custom", path: [issue.path], message: issue.message });
};

/** Per-kind fields, optional in the schema (ruleIssues says which kind needs which). */
const kindFields = {
  kind: fields.kind.default("threshold"),
  minutes: fields.minutes.optional(),
  graceMinutes: fields.graceMinutes.optional(),
  geofenceId: fields.geofenceId.optional(),
  bufferM: fields.bufferM.optional(),
  fixes: fields.fixes.optional(),
};

export const CreateRuleBody = z
  .strictObject({
    name: fields.name,
    metric: fields.metric.optional().openapi({ description: "threshold rules: the reading; required for them" }),
    op: fields.op.optional().openapi({ description: "threshold rules: the comparison; required for them" }),
    threshold: fields.threshold.optional(),
    forSeconds: fields.forSeconds.optional(),
    window: fields.window.optional(),
    cooldownSeconds: fields.cooldownSeconds.default(900),
    severity: fields.severity,
    enabled: fields.enabled.default(true),
    vehicleIds: fields.vehicleIds.default(null),
    autoResolve: fields.autoResolve.default(false),
    ...kindFields,
    groups: GroupList.default([]),
  })
  .superRefine(addRuleIssues)
  .openapi("CreateRule");

export const PatchRuleBody = z
  .strictObject({
    name: fields.name.optional(),
    metric: fields.metric.optional(),
    op: fields.op.optional(),
    threshold: fields.threshold.optional(),
    forSeconds: fields.forSeconds.optional(),
    window: fields.window.optional(),
    cooldownSeconds: fields.cooldownSeconds.optional(),
    severity: fields.severity.optional(),
    enabled: fields.enabled.optional(),
    vehicleIds: fields.vehicleIds.optional(),
    autoResolve: fields.autoResolve.optional(),
    kind: fields.kind.optional(),
    minutes: fields.minutes.optional(),
    graceMinutes: fields.graceMinutes.optional(),
    geofenceId: fields.geofenceId.optional(),
    bufferM: fields.bufferM.optional(),
    fixes: fields.fixes.optional(),
    groups: GroupList.optional(),
  })
  .openapi("PatchRule");

export const RuleSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    type: z.string(),
    metric: z.string(),
    op: z.enum(RULE_OPS),
    threshold: z.number().nullable(),
    forSeconds: z.number().nullable(),
    window: z.object({ count: z.number(), seconds: z.number() }).nullable(),
    cooldownSeconds: z.number(),
    severity: z.enum(SEVERITIES),
    enabled: z.boolean(),
    vehicleIds: z.array(z.string()).nullable(),
    autoResolve: z.boolean(),
    kind: z.enum(RULE_KINDS),
    minutes: z.number().nullable(),
    graceMinutes: z.number().nullable(),
    geofenceId: z.string().nullable(),
    bufferM: z.number().nullable(),
    fixes: z.number().nullable(),
    groups: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Rule");
