/**
 * "Resolved is news too": when an alert resolves (by a person or automatically), those who were
 * told of it (a delivery sent, being sent or queued, on any channel or escalation step) hear of it
 * in their inbox and, if they take push for its severity or were pushed about it, by push; SMS,
 * voice and email only on the channels they opted into (`notifyResolved`). Quiet hours hold the
 * notice for non-critical alerts, as for the raise. Customer endpoints subscribed to
 * `alert.resolved` get it signed. Rows carry topic `alert.resolved` and ids derived from the
 * alert, the resolve time, the user, channel and target: a redelivered job sends nothing twice.
 */
import { eq, sql } from "drizzle-orm";
import { database, inTenant, type Db } from "../db/client";
import { users, type Channel } from "../db/schema";
import { newId } from "../lib/ids";
import { namingAlert } from "./alert-deliveries";
import { enabledWebhooks, planAlertWebhooks } from "./alert-webhooks";
import { INBOX_ID_PREFIX, writeInAppDelivery } from "./inbox-write";
import { deliveryId, renderMessage, type MessageSpec } from "./message";
import { loadAlert, type AlertContext } from "./planner";
import { preferencesOf } from "./preferences";
import { quietUntil } from "./quiet-hours";
import { channelTargets, pushTargetsOf, usersByIds } from "./recipients";
import { RESOLVED_TOPIC } from "./resolved-topic";
import { writePlanned, type Planned } from "./resume";

/** Who was told of the alert, and on which channels: the deliveries naming it (sent, being sent or queued). */
async function toldOf(db: Db, tenantId: string, alertId: string) {
  const rows = await db.all<{ userId: string; channel: string }>(sql`
    SELECT DISTINCT d.user_id AS userId, d.channel AS channel FROM deliveries d
    WHERE ${namingAlert(tenantId, alertId)} AND d.user_id IS NOT NULL AND d.topic IS NULL AND d.status IN ('sent', 'sending', 'queued')`);
  const told = new Map<string, Set<string>>();
  for (const r of rows) told.set(r.userId, (told.get(r.userId) ?? new Set()).add(r.channel));
  return told;
}

async function resolverName(db: Db, tenantId: string, userId: string | null) {
  if (!userId) return null;
  const [row] = await db
    .select({ name: users.name })
    .from(users)
    .where(inTenant(users, tenantId, eq(users.id, userId)));
  return row?.name ?? "a user";
}

export async function planResolved(
  env: Env,
  job: { tenantId: string; alertId: string; resolvedAt: string; resolvedBy: string | null },
  now = Date.now(),
): Promise<Planned[] | null> {
  const db = database(env.DB);
  const ctx = await loadAlert(db, job.tenantId, job.alertId);
  if (!ctx) return null;
  const out: Planned[] = [];
  // Reopened since (a new episode): the news is stale. Silenced alerts told no one.
  if (ctx.alert.status !== "resolved" || ctx.alert.silenced) return out;
  const resolvedAt = Date.parse(job.resolvedAt);
  const spec: MessageSpec = {
    ...ctx.spec,
    kind: "alert.resolved",
    resolvedAt,
    resolvedByName: await resolverName(db, job.tenantId, job.resolvedBy),
  };
  const told = await toldOf(db, job.tenantId, job.alertId);
  const recipients = await usersByIds(db, job.tenantId, [...told.keys()]);
  const prefs = await preferencesOf(
    db,
    recipients.map((r) => r.userId),
  );
  const pushTargets = await pushTargetsOf(
    db,
    job.tenantId,
    recipients.map((r) => r.userId),
  );
  const critical = ctx.alert.severity === "critical";
  for (const recipient of recipients) {
    const p = prefs.get(recipient.userId)!;
    const pushed = told.get(recipient.userId)!.has("push") || p.channels[ctx.alert.severity].includes("push");
    const channels: Channel[] = ["inapp", ...(pushed ? (["push"] as const) : []), ...p.notifyResolved];
    const dueAt = Math.max(now, critical ? 0 : (quietUntil(p.quietHours, now) ?? 0));
    for (const channel of channels) {
      if (channel === "inapp") {
        await resolvedInbox(env, ctx, spec, recipient.userId, resolvedAt, now);
        continue;
      }
      for (const target of channelTargets(pushTargets, recipient.userId, channel)) {
        const id = await deliveryId([RESOLVED_TOPIC, job.alertId, resolvedAt, recipient.userId, channel, target]);
        const unreachable =
          (channel === "sms" || channel === "voice") && !recipient.hasPhone ? "No phone number on the user's profile" : null;
        await writePlanned(
          db,
          {
            id,
            tenantId: job.tenantId,
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
          now,
          out,
        );
      }
    }
  }
  await planAlertWebhooks(
    db,
    { alert: ctx.alert, spec },
    await enabledWebhooks(db, job.tenantId),
    "alert.resolved",
    String(resolvedAt),
    now,
    out,
  );
  return out;
}

async function resolvedInbox(env: Env, ctx: AlertContext, spec: MessageSpec, userId: string, resolvedAt: number, now: number) {
  const message = renderMessage(spec, env.APP_URL);
  await writeInAppDelivery(
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
