import { z } from "@hono/zod-openapi";
import { RULE_OPS, SEVERITIES } from "../db/schema";
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
};

type RuleShape = {
  metric?: string;
  op?: string;
  threshold?: number | null;
  forSeconds?: number | null;
  window?: unknown;
};

/** Cross-field rules shared by create and (after merging) patch. */
export function ruleIssues(rule: RuleShape): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  if (rule.op !== "present" && (rule.threshold === undefined || rule.threshold === null)) {
    issues.push({ path: "threshold", message: "Required unless op is present" });
  }
  if (rule.metric === "dtc" && rule.op !== "present") issues.push({ path: "op", message: 'The dtc metric takes op "present"' });
  if (rule.forSeconds != null && rule.window != null) issues.push({ path: "window", message: "Use either forSeconds or window, not both" });
  return issues;
}

const addRuleIssues = (rule: RuleShape, ctx: z.RefinementCtx) => {
  for (const issue of ruleIssues(rule)) ctx.addIssue({ code: "custom", path: [issue.path], message: issue.message });
};

export const CreateRuleBody = z
  .strictObject({
    name: fields.name,
    metric: fields.metric,
    op: fields.op,
    threshold: fields.threshold.optional(),
    forSeconds: fields.forSeconds.optional(),
    window: fields.window.optional(),
    cooldownSeconds: fields.cooldownSeconds.default(900),
    severity: fields.severity,
    enabled: fields.enabled.default(true),
    vehicleIds: fields.vehicleIds.default(null),
    autoResolve: fields.autoResolve.default(false),
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
    groups: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Rule");
