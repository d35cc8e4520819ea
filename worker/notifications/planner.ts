/**
 * Turns an alert (or an escalation step) into delivery rows: who is told, on which channels,
 * when (new alerts are planned in raise-planning.ts, escalation steps in escalation-planning.ts,
 * a queue batch's together; each recipient here). Rows have deterministic ids, so planning the same job twice plans nothing new; a retried
 * job (one that failed halfway) returns the rows an earlier run wrote that are still `queued`,
 * so they are sent too.
 */
import { and, eq, sql } from "drizzle-orm";
import { inTenant, type Db } from "../db/client";
import { alertRules, alerts, CHANNELS, deliveries, tenants, vehicles, type AlertRow, type Channel } from "../db/schema";
import { newId } from "../lib/ids";
import { deliveryId, renderMessage, type MessageSpec } from "./message";
import type { Preferences } from "./preferences";
import { INBOX_ID_PREFIX, inAppStatements } from "./inbox-write";
import { quietUntil } from "./quiet-hours";
import { resume, type Planned } from "./resume";
import { plannedKey, type JobInputs, type PlannedWrites } from "./planning-job";
import { channelTargets, type ScopedRecipient } from "./recipients";
import { type DecisionLog, isoAt } from "./decisions";
import { joinDigest, openingDigest } from "./digest";
import type { SendReads } from "./send-reads";

export type { Planned };

export interface AlertContext {
  alert: AlertRow;
  spec: MessageSpec;
  driverId: string | null;
  groupWaitMs: number;
  /** The vehicle's groups, for routing by group. */
  vehicleGroups: string[];
}

/**
 * The alert with what its messages name (vehicle, driver, rule) and the tenant's group window.
 * Every output column has its own name: D1 answers a batch with rows as objects, where a second
 * `name` would overwrite the first and shift the columns drizzle maps by position.
 */
export const alertQuery = (db: Db, tenantId: string, alertId: string) =>
  db
    .select({
      alert: alerts,
      vehicleName: sql<string | null>`${vehicles.name}`.as("vehicle_name"),
      driverId: vehicles.driverId,
      vehicleGroups: vehicles.groups,
      ruleName: sql<string | null>`${alertRules.name}`.as("rule_name"),
      groupWait: tenants.groupWaitSeconds,
    })
    .from(alerts)
    .innerJoin(tenants, eq(tenants.id, alerts.tenantId))
    .leftJoin(vehicles, eq(vehicles.id, alerts.vehicleId))
    .leftJoin(alertRules, eq(alertRules.id, alerts.ruleId))
    .where(inTenant(alerts, tenantId, eq(alerts.id, alertId)));

export type AlertQueryRow = Awaited<ReturnType<typeof alertQuery>>[number];

export function alertContext(row: AlertQueryRow | undefined): AlertContext | null {
  if (!row) return null;
  const vehicleName = row.vehicleName ?? row.alert.vehicleId;
  return {
    alert: row.alert,
    driverId: row.driverId ?? null,
    groupWaitMs: row.groupWait * 1000,
    vehicleGroups: row.vehicleGroups ?? [],
    spec: {
      vehicleId: row.alert.vehicleId,
      vehicleName,
      severity: row.alert.severity,
      alerts: [{ id: row.alert.id, ruleName: row.ruleName ?? row.alert.type, message: row.alert.message }],
    },
  };
}

export async function loadAlert(db: Db, tenantId: string, alertId: string): Promise<AlertContext | null> {
  const [row] = await alertQuery(db, tenantId, alertId);
  return alertContext(row);
}

/** One planning job's context: the alert, what it read once, and where its results go. */
export interface PlanningJob extends JobInputs {
  db: Db;
  env: Env;
  ctx: AlertContext;
  now: number;
  out: Planned[];
  decisions: DecisionLog;
  writes: PlannedWrites;
}

/** Plans one recipient's deliveries on the given channels. */
export async function planRecipient(job: PlanningJob, recipient: ScopedRecipient, prefs: Preferences, channels: Channel[], step: number) {
  const { db, env, ctx, now, out, decisions, earlier, pushTargets, openGroups, writes } = job;
  const { alert, spec } = ctx;
  const critical = alert.severity === "critical";
  const quietEnd = critical ? null : quietUntil(prefs.quietHours, now);
  const decide = (channel: Channel | null, outcome: "held" | "skipped", reason: Parameters<DecisionLog["add"]>[0]["reason"], detail = {}) =>
    decisions.add({ alertId: alert.id, userId: recipient.userId, channel, outcome, reason, detail });
  if (step === 0) {
    // Channels the user's preferences leave out for this severity: one line says so.
    const notOn = CHANNELS.filter((c) => !channels.includes(c));
    if (notOn.length) decide(null, "skipped", "preference", { severity: alert.severity, channels, notOn });
  }
  for (const channel of new Set(channels)) {
    if (channel === "inapp") {
      writes.inbox.push(...(await planInbox(env, ctx, recipient, step, now)));
      continue;
    }
    for (const target of channelTargets(pushTargets, recipient.userId, channel)) {
      const before = earlier.get(plannedKey(recipient.userId, channel, step, target));
      if (before) {
        resume(before, now, out);
        continue;
      }
      const digesting = step === 0 && !critical && prefs.digestMinutes > 0;
      // A digest: the user's non-critical alerts of a window, across vehicles, in one message.
      const digest = digesting ? await joinDigest(db, alert.tenantId, recipient.userId, channel, target, spec, now) : null;
      if (digest) {
        decide(channel, "held", "digest", { deliveryId: digest });
        continue;
      }
      // Grouping: non-critical alerts of one vehicle within the tenant's window share one message.
      if (step === 0 && !critical && !digesting) {
        const group = openGroups.get(plannedKey(recipient.userId, channel, 0, target));
        const grouped = group?.message as unknown as MessageSpec | undefined;
        if (group && grouped!.alerts.some((a) => a.id === alert.id)) {
          resume(group, now, out); // joined by an earlier run of this job
          continue;
        }
        if (group) {
          const message = { ...grouped, alerts: [...grouped!.alerts, ...spec.alerts] };
          // Only while nobody has claimed it: a group being sent is closed, this alert gets its own row.
          const joined = await db
            .update(deliveries)
            .set({ message: message as never, updatedAt: now })
            .where(and(eq(deliveries.id, group.id), eq(deliveries.status, "queued")))
            .returning({ id: deliveries.id });
          if (joined.length) {
            decide(channel, "held", "grouped", { deliveryId: group.id, until: isoAt(Math.max(group.dueAt ?? now, now)) });
            continue;
          }
        }
      }
      const unreachable =
        (channel === "sms" || channel === "voice") && !recipient.hasPhone ? "No phone number on the user's profile" : null;
      const holdMs = digesting ? prefs.digestMinutes * 60_000 : step === 0 && !critical ? ctx.groupWaitMs : 0;
      const dueAt = Math.max(now + holdMs, quietEnd ?? 0);
      const id = await deliveryId([alert.id, recipient.userId, channel, step, target]);
      // Why it waits: quiet hours when they end last, else the digest window or the grouping window.
      const why = quietEnd !== null && quietEnd >= now + holdMs ? "quiet_hours" : digesting ? "digest" : "grouped";
      writes.rows.push({
        row: {
          id,
          tenantId: alert.tenantId,
          alertId: alert.id,
          userId: recipient.userId,
          channel,
          step,
          target,
          status: unreachable ? "failed" : "queued",
          lastError: unreachable,
          dueAt,
          message: (digesting ? openingDigest(spec) : { ...spec, ...(step ? { escalationStep: step } : {}) }) as never,
          updatedAt: now,
        },
        sendable: !unreachable,
        held: dueAt > now ? { channel, reason: why } : null,
        userId: recipient.userId,
      });
    }
  }
}

/**
 * In-app: the live stream already showed it; the inbox keeps it until read. Never deferred. The
 * delivery row and the inbox item go into the job's one D1 batch (a transaction), the item only
 * when the row is new, so a retried job adds neither twice and never leaves one without the other.
 */
async function planInbox(env: Env, ctx: AlertContext, recipient: ScopedRecipient, step: number, now: number) {
  const id = await deliveryId([ctx.alert.id, recipient.userId, "inapp", step, null]);
  const message = renderMessage({ ...ctx.spec, ...(step ? { escalationStep: step } : {}) }, env.APP_URL);
  const tenantId = ctx.alert.tenantId;
  return inAppStatements(
    env.DB,
    {
      id,
      tenantId,
      alertId: ctx.alert.id,
      userId: recipient.userId,
      channel: "inapp",
      step,
      status: "sent",
      attempts: 1,
      sentAt: now,
      message: ctx.spec as never,
      updatedAt: now,
    },
    {
      id: newId(INBOX_ID_PREFIX, now),
      tenantId,
      userId: recipient.userId,
      alertId: ctx.alert.id,
      topic: null,
      title: message.title,
      body: message.body,
      url: message.url,
      createdAt: now,
    },
  );
}

/** What a planning job hands to sending: its deliveries, and what sending reads for those due now when the job's write read them. */
export interface Planning {
  planned: Planned[];
  reads?: SendReads;
}

/** Several jobs' planning together (raise-planning.ts, escalation-planning.ts), and the alerts not in D1 yet (their jobs are retried). */
export interface BatchPlanning extends Planning {
  missing: string[];
}

/** Records that a user was not told because the alert's vehicle is outside their (or the step's) groups. */
export function scopeDecision(decisions: DecisionLog, ctx: AlertContext, r: ScopedRecipient, extra: Record<string, unknown> = {}) {
  decisions.add({
    alertId: ctx.alert.id,
    userId: r.userId,
    channel: null,
    outcome: "skipped",
    reason: "group_scope",
    detail: { userGroups: r.groups, vehicleGroups: ctx.vehicleGroups, ...extra },
  });
}
