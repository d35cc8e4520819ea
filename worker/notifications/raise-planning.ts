/**
 * New alerts' notifications: everyone allowed to see an alert, on the channels their preferences
 * name for its severity. A queue batch's raises of one tenant are planned together: their reads in
 * one D1 batch and their rows, in-app items and decisions in one more, however many alerts (two
 * round trips per alert before, each costing the runtime's thread as much as a webhook: a burst of
 * alerts planned one by one held back the webhooks behind it). docs/notifications-pipeline.md.
 */
import { database, type Db } from "../db/client";
import { placeholder, preparedBatchEach } from "../db/prepared-batch";
import { yieldTurn } from "../lib/yield-turn";
import { enabledWebhooks, planAlertWebhooks, type EnabledWebhook } from "./alert-webhooks";
import { silenceOf } from "./decisions";
import {
  alertContext,
  alertQuery,
  planRecipient,
  scopeDecision,
  type AlertContext,
  type AlertQueryRow,
  type Planned,
  type BatchPlanning,
} from "./planner";
import { inputQueries, newPlanPart, openGroupsQuery, readInputs, writePlans, type JobInputs, type PlanPart } from "./planning-job";
import { alertAudience, splitByScope } from "./recipients";
import type { SendReads } from "./send-reads";

/** A raise to plan; `retried`: the queue delivered it before (an earlier run may have planned part of it). */
export interface RaiseJob {
  alertId: string;
  retried: boolean;
}

/** What planning a raise reads, with placeholders for the job's tenant, alert and time (`preparedStatements`). */
function raiseReads(db: Db) {
  const tenantId = placeholder<string>("tenantId");
  const alertId = placeholder<string>("alertId");
  return [
    alertQuery(db, tenantId, alertId),
    enabledWebhooks(db, tenantId),
    ...inputQueries(db, tenantId, alertId, alertAudience(db, tenantId, alertId)),
    openGroupsQuery(db, tenantId, alertId, placeholder<number>("now")),
  ];
}

/**
 * Plans new alerts of one tenant, in rounds of one read batch and one write batch. Alerts of a
 * round must not depend on each other's new rows, which it writes only at its end: a second
 * non-critical alert of a vehicle (it would join the first's group message) or one reaching a
 * user who digests that an earlier alert of the round reached too (it would join that digest)
 * waits for the next round, which reads what this one wrote. A burst over distinct vehicles is one round.
 */
export async function planRaises(env: Env, tenantId: string, jobs: RaiseJob[], now = Date.now()): Promise<BatchPlanning> {
  const db = database(env.DB);
  const planned: Planned[] = [];
  const missing: string[] = [];
  const reads: (SendReads | undefined)[] = [];
  for (let pending = jobs; pending.length; ) {
    const round = await planRound(env, db, tenantId, pending, now);
    planned.push(...round.planned);
    missing.push(...round.missing);
    reads.push(round.reads);
    pending = round.deferred;
  }
  // Sending reads again for anything a single read does not cover (consumer.ts).
  return { planned, missing, reads: reads.length === 1 ? reads[0] : undefined };
}

async function planRound(env: Env, db: Db, tenantId: string, jobs: RaiseJob[], now: number) {
  const read = await preparedBatchEach(
    db,
    "planRaise",
    () => raiseReads(db),
    jobs.map((job) => ({ tenantId, alertId: job.alertId, now })),
  );
  const parts: (PlanPart & { ctx: AlertContext; hooks: EnabledWebhook[] })[] = [];
  const missing: string[] = [];
  const deferred: RaiseJob[] = [];
  const taken = new Set<string>();
  for (const [i, job] of jobs.entries()) {
    const [alertRows, hooks, ...inputRows] = read[i] as unknown as [AlertQueryRow[], EnabledWebhook[], ...unknown[]];
    const ctx = alertContext(alertRows[0]);
    if (!ctx) {
      missing.push(job.alertId);
      continue;
    }
    const inputs = await readInputs(db, tenantId, job.alertId, inputRows, job.retried);
    const shared = sharedMessages(ctx, inputs);
    if (shared.some((key) => taken.has(key))) {
      deferred.push(job);
      continue;
    }
    for (const key of shared) taken.add(key);
    // A silenced alert sends no webhook either.
    parts.push({ ...(await planRaise(env, db, ctx, inputs, now)), ctx, hooks: ctx.alert.silenced ? [] : hooks });
  }
  const sendReads = await writePlans(db, tenantId, now, parts);
  for (const { ctx, hooks, out } of parts) await planAlertWebhooks(db, ctx, hooks, "alert.created", null, now, out);
  return { planned: parts.flatMap((p) => p.out), reads: sendReads, missing, deferred };
}

/**
 * The messages a raise may share with another alert's: its vehicle's group messages and the
 * digests of its audience who digest (a critical alert shares neither: it is sent on its own).
 */
function sharedMessages(ctx: AlertContext, inputs: JobInputs): string[] {
  if (ctx.alert.severity === "critical") return [];
  const digesting = inputs.audience.filter((r) => (inputs.prefs.get(r.userId)?.digestMinutes ?? 0) > 0);
  return [`vehicle:${ctx.alert.vehicleId}`, ...digesting.map((r) => `digest:${r.userId}`)];
}

/** One raise's rows and decisions, not yet written; a silenced alert's are decisions only. */
async function planRaise(env: Env, db: Db, ctx: AlertContext, inputs: JobInputs, now: number): Promise<PlanPart> {
  const tenantId = ctx.alert.tenantId;
  const part = newPlanPart();
  const { inScope: audience, outOfScope } = splitByScope(inputs.audience, ctx.vehicleGroups, ctx.driverId);
  outOfScope.forEach((r) => void scopeDecision(part.decisions, ctx, r));
  if (ctx.alert.silenced) {
    const silenceId = await silenceOf(db, tenantId, ctx.alert, now);
    for (const r of audience)
      part.decisions.add({
        alertId: ctx.alert.id,
        userId: r.userId,
        channel: null,
        outcome: "skipped",
        reason: "silenced",
        detail: { silenceId },
      });
    return part;
  }
  const job = { db, env, ctx, now, ...part, ...inputs };
  for (const recipient of audience) {
    await yieldTurn(); // a recipient's rows may be D1 calls (a group or digest to join): waiting requests go first (yield-turn.ts)
    const prefs = inputs.prefs.get(recipient.userId)!;
    await planRecipient(job, recipient, prefs, prefs.channels[ctx.alert.severity], 0);
  }
  return part;
}
