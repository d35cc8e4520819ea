/**
 * "Resolved is news too": when an alert resolves (by a person or automatically), those who were
 * told of it (a delivery sent, being sent or queued, on any channel or escalation step) hear of it
 * in their inbox and, if they take push for its severity or were pushed about it, by push; SMS,
 * voice and email only on the channels they opted into (`notifyResolved`). Quiet hours hold the
 * notice for non-critical alerts, as for the raise. Customer endpoints subscribed to
 * `alert.resolved` get it signed. Rows carry topic `alert.resolved` and ids derived from the
 * alert, the resolve time, the user, channel and target: a redelivered job sends nothing twice.
 */
import { and, eq, inArray, isNotNull, isNull } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { database, inTenant, type Db } from "../db/client";
import { placeholder, preparedBatchEach, type RowsOf } from "../db/prepared-batch";
import { deliveries, users, type Channel } from "../db/schema";
import { newId } from "../lib/ids";
import { namingAlert } from "./alert-deliveries";
import { enabledWebhooks, planAlertWebhooks } from "./alert-webhooks";
import { INBOX_ID_PREFIX, inAppStatements } from "./inbox-write";
import { deliveryId, renderMessage, type MessageSpec } from "./message";
import { alertContext, alertQuery, type AlertContext, type BatchPlanning } from "./planner";
import { newPlanPart, writePlans, type PlanPart } from "./planning-job";
import { preferencesFrom, preferencesQuery } from "./preferences";
import { quietUntil } from "./quiet-hours";
import { audienceQuery, channelTargets, pushTargetsFrom, pushTargetsQuery, recipientsFrom } from "./recipients";
import { RESOLVED_TOPIC } from "./resolved-topic";

/**
 * What a resolve's notices read, in one D1 batch, each statement built once: the alert, the
 * resolver's name, who was told of the alert and on which channels (the deliveries naming it,
 * sent, being sent or queued: alert-deliveries.ts), those users with their preferences and push
 * subscriptions, and the tenant's webhooks (seven sequential round trips before).
 */
function resolveReads(db: Db) {
  const tenantId = placeholder<string>("tenantId");
  const alertId = placeholder<string>("alertId");
  const d = alias(deliveries, "d");
  const naming = and(
    namingAlert(tenantId, alertId),
    isNotNull(d.userId),
    isNull(d.topic),
    inArray(d.status, ["sent", "sending", "queued"]),
  );
  const toldUsers = db.selectDistinct({ id: d.userId }).from(d).where(naming);
  return [
    alertQuery(db, tenantId, alertId),
    db
      .select({ name: users.name })
      .from(users)
      .where(inTenant(users, tenantId, eq(users.id, placeholder<string>("resolvedBy")))),
    db.selectDistinct({ userId: d.userId, channel: d.channel }).from(d).where(naming),
    audienceQuery(db, inTenant(users, tenantId, inArray(users.id, toldUsers))),
    preferencesQuery(db, toldUsers),
    pushTargetsQuery(db, tenantId, toldUsers),
    enabledWebhooks(db, tenantId),
  ] as const;
}

/** A resolve to tell of: the alert, when and by whom (null: automatically). */
export interface ResolveJob {
  alertId: string;
  resolvedAt: string;
  resolvedBy: string | null;
}

type Notices = PlanPart & { webhook: () => Promise<void> };

/**
 * The notices of a queue batch's resolves of one tenant: every job's reads in one D1 batch, every
 * notice's rows in one more (as raises: raise-planning.ts), then each alert's webhooks.
 */
export async function planResolutions(env: Env, tenantId: string, jobs: ResolveJob[], now = Date.now()): Promise<BatchPlanning> {
  const db = database(env.DB);
  const read = await preparedBatchEach(
    db,
    "planResolved",
    () => resolveReads(db),
    jobs.map((job) => ({ tenantId, alertId: job.alertId, resolvedBy: job.resolvedBy })),
  );
  const parts: Notices[] = [];
  const missing: string[] = [];
  for (const [i, job] of jobs.entries()) {
    const notices = await noticesOf(env, db, job, read[i]!, now);
    if (notices === null) missing.push(job.alertId);
    else if (notices) parts.push(notices);
  }
  const reads = await writePlans(db, tenantId, now, parts);
  for (const part of parts) await part.webhook();
  return { planned: parts.flatMap((p) => p.out), reads, missing };
}

/** One resolve's notices, not yet written: null while the alert is not in D1, undefined when the news is stale. */
async function noticesOf(
  env: Env,
  db: Db,
  job: ResolveJob,
  [alertRows, resolverRows, toldRows, recipientRows, prefRows, subRows, hooks]: RowsOf<ReturnType<typeof resolveReads>>,
  now: number,
): Promise<Notices | null | undefined> {
  const ctx = alertContext(alertRows[0]);
  if (!ctx) return null;
  // Reopened since (a new episode): the news is stale. Silenced alerts told no one.
  if (ctx.alert.status !== "resolved" || ctx.alert.silenced) return undefined;
  const resolvedAt = Date.parse(job.resolvedAt);
  const spec: MessageSpec = {
    ...ctx.spec,
    kind: "alert.resolved",
    resolvedAt,
    resolvedByName: job.resolvedBy ? (resolverRows[0]?.name ?? "a user") : null,
  };
  const told = new Map<string, Set<string>>();
  for (const r of toldRows) told.set(r.userId!, (told.get(r.userId!) ?? new Set()).add(r.channel));
  const recipients = recipientsFrom(recipientRows);
  const prefs = preferencesFrom(
    prefRows,
    recipients.map((r) => r.userId),
  );
  const pushTargets = pushTargetsFrom(subRows);
  const critical = ctx.alert.severity === "critical";
  const part = newPlanPart();
  for (const recipient of recipients) {
    const p = prefs.get(recipient.userId)!;
    const pushed = told.get(recipient.userId)!.has("push") || p.channels[ctx.alert.severity].includes("push");
    const channels: Channel[] = ["inapp", ...(pushed ? (["push"] as const) : []), ...p.notifyResolved];
    const dueAt = Math.max(now, critical ? 0 : (quietUntil(p.quietHours, now) ?? 0));
    for (const channel of channels) {
      if (channel === "inapp") {
        part.writes.inbox.push(...(await resolvedInbox(env, ctx, spec, recipient.userId, resolvedAt, now)));
        continue;
      }
      for (const target of channelTargets(pushTargets, recipient.userId, channel)) {
        const id = await deliveryId([RESOLVED_TOPIC, job.alertId, resolvedAt, recipient.userId, channel, target]);
        const unreachable =
          (channel === "sms" || channel === "voice") && !recipient.hasPhone ? "No phone number on the user's profile" : null;
        part.writes.rows.push({
          row: {
            id,
            tenantId: ctx.alert.tenantId,
            alertId: job.alertId,
            topic: RESOLVED_TOPIC,
            userId: recipient.userId,
            channel,
            step: 0,
            target,
            status: unreachable ? "failed" : "queued",
            lastError: unreachable,
            dueAt,
            message: spec as never,
            updatedAt: now,
          },
          sendable: !unreachable,
          held: null,
          userId: recipient.userId,
        });
      }
    }
  }
  const webhook = () => planAlertWebhooks(db, { alert: ctx.alert, spec }, hooks, "alert.resolved", String(resolvedAt), now, part.out);
  return { ...part, webhook };
}

async function resolvedInbox(env: Env, ctx: AlertContext, spec: MessageSpec, userId: string, resolvedAt: number, now: number) {
  const message = renderMessage(spec, env.APP_URL);
  return inAppStatements(
    env.DB,
    {
      id: await deliveryId([RESOLVED_TOPIC, ctx.alert.id, resolvedAt, userId, "inapp", null]),
      tenantId: ctx.alert.tenantId,
      alertId: ctx.alert.id,
      topic: RESOLVED_TOPIC,
      userId,
      channel: "inapp",
      step: 0,
      status: "sent",
      attempts: 1,
      sentAt: now,
      message: spec as never,
      updatedAt: now,
    },
    {
      id: newId(INBOX_ID_PREFIX, now),
      tenantId: ctx.alert.tenantId,
      userId,
      alertId: ctx.alert.id,
      topic: RESOLVED_TOPIC,
      title: message.title,
      body: message.body,
      url: message.url,
      createdAt: now,
    },
  );
}
