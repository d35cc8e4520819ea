/**
 * Escalation steps: every user of a step's roles on its channels (overriding preferences; quiet
 * hours still hold non-critical alerts). A queue batch's steps of one tenant are planned together,
 * as new alerts are (raise-planning.ts): their reads in one D1 batch, their rows and decisions in
 * one more (four round trips per step before). Steps never group or digest, so none depends on
 * another's rows. docs/notifications-pipeline.md.
 */
import { and, eq, sql } from "drizzle-orm";
import { database, inTenant, type Db } from "../db/client";
import { placeholder, preparedBatchEach } from "../db/prepared-batch";
import { alerts, escalationPolicies, users, type Channel, type Role } from "../db/schema";
import { inScope } from "../domain/groups";
import { yieldTurn } from "../lib/yield-turn";
import { alertContext, alertQuery, planRecipient, scopeDecision, type AlertQueryRow, type BatchPlanning } from "./planner";
import { inputQueries, newPlanPart, readInputs, writePlans, type PlanPart } from "./planning-job";
import { splitByScope } from "./recipients";

/** An escalation step's job; `retried`: the queue delivered it before. */
export interface StepJob {
  alertId: string;
  step: number;
  roles: Role[];
  channels: Channel[];
  retried: boolean;
}

/** What a step reads, with placeholders for its tenant, alert and roles (a JSON array). */
function stepReads(db: Db) {
  const tenantId = placeholder<string>("tenantId");
  const alertId = placeholder<string>("alertId");
  const withRoles = inTenant(users, tenantId, sql`${users.role} in (select value from json_each(${placeholder<string>("roles")}))`);
  const severity = db
    .select({ severity: alerts.severity })
    .from(alerts)
    .where(inTenant(alerts, tenantId, eq(alerts.id, alertId)));
  return [
    alertQuery(db, tenantId, alertId),
    ...inputQueries(db, tenantId, alertId, withRoles),
    // The policy as it is now: a group-scoped step is for alerts of vehicles in its groups only.
    db
      .select({ steps: escalationPolicies.steps })
      .from(escalationPolicies)
      .where(and(eq(escalationPolicies.tenantId, tenantId), sql`${escalationPolicies.severity} = (${severity})`)),
  ];
}

export async function planSteps(env: Env, tenantId: string, jobs: StepJob[], now = Date.now()): Promise<BatchPlanning> {
  const db = database(env.DB);
  const read = await preparedBatchEach(
    db,
    "planStep",
    () => stepReads(db),
    jobs.map((job) => ({ tenantId, alertId: job.alertId, roles: JSON.stringify(job.roles) })),
  );
  const parts: PlanPart[] = [];
  const missing: string[] = [];
  for (const [i, job] of jobs.entries()) {
    const rows = read[i] as unknown[];
    const ctx = alertContext((rows[0] as AlertQueryRow[])[0]);
    if (!ctx) {
      missing.push(job.alertId);
      continue;
    }
    if (ctx.alert.status !== "open") continue;
    const [policy] = rows.at(-1) as { steps: { groups?: string[] }[] }[];
    const stepGroups = policy?.steps[job.step - 1]?.groups ?? [];
    const inputs = await readInputs(db, tenantId, job.alertId, rows.slice(1, -1), job.retried);
    const part = newPlanPart();
    const { inScope: audience, outOfScope } = inScope(stepGroups, ctx.vehicleGroups)
      ? splitByScope(inputs.audience, ctx.vehicleGroups, ctx.driverId)
      : { inScope: [], outOfScope: inputs.audience };
    outOfScope.forEach((r) => void scopeDecision(part.decisions, ctx, r, { step: job.step, stepGroups }));
    const planning = { db, env, ctx, now, ...part, ...inputs };
    for (const recipient of audience) {
      await yieldTurn();
      await planRecipient(planning, recipient, inputs.prefs.get(recipient.userId)!, job.channels, job.step);
    }
    parts.push(part);
  }
  const reads = await writePlans(db, tenantId, now, parts);
  return { planned: parts.flatMap((p) => p.out), reads, missing };
}
