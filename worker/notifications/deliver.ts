/**
 * Sends one delivery row — about an alert (`alertId`) or another topic (a maintenance reminder, a
 * work-order webhook event). The row is the source of truth: only a `queued` row is ever claimed
 * and sent, so a row sending, sent, failed, dead or cancelled is never sent again, whatever the
 * queue redelivers (states: ./delivery-state.ts).
 */
import { and, eq } from "drizzle-orm";
import { database, inTenant, type Db } from "../db/client";
import { alerts, deliveries, outboundWebhooks, pushSubscriptions, type Delivery } from "../db/schema";
import { decryptSecret } from "../lib/crypto";
import { keyringOf } from "../lib/keyring";
import { sealedAt } from "../lib/sealed-fields";
import { describeError, logError } from "../lib/logger";
import { openUser } from "../services/users";
import { CHANNELS } from "./channels";
import type { ChannelName, SendContext, SendResult } from "./channels/types";
import { cancel, claim, markSent, release, settle } from "./delivery-state";
import { stillWanted } from "./cancellation";
import { readForSending, type SendReads } from "./send-reads";
import { openFor, providerOf, recordOutcome } from "./circuit-breaker";
import { renderSpec, type DeliverySpec } from "./message";
import { publicAlert } from "../services/alerts";
import { RESOLVED_TOPIC } from "./resolved-topic";
import { voiceAckUrl } from "./voice-ack";
import { DecisionLog, isoAt } from "./decisions";
import { canFallBack, fallBack, giveWay } from "./fallback";

export type DeliverOutcome =
  | { kind: "done" }
  /** Not yet due (quiet hours, grouping, snooze): check again after `delayMs`, no attempt used. */
  | { kind: "later"; delayMs: number }
  /** A retryable failure with attempts left. */
  | { kind: "retry"; delayMs: number }
  /** Out of attempts: the row is `dead`; the job goes to the dead-letter queue. */
  | { kind: "dead" };

export const retryDelays = (env: Env) =>
  (env.NOTIFY_RETRY_DELAYS ?? "5,30,120,600,1800")
    .split(",")
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isFinite(n) && n >= 0);

async function sendContext(db: Db, env: Env, row: Delivery, reads: SendReads, now: number): Promise<SendContext | string> {
  if (row.channel === "webhook") {
    const [hook] = await db
      .select()
      .from(outboundWebhooks)
      .where(inTenant(outboundWebhooks, row.tenantId, eq(outboundWebhooks.id, row.target ?? "")));
    if (!hook?.enabled) return "The webhook endpoint was removed or disabled";
    const stored = row.message as { event?: string; data?: unknown };
    // An alert's payload is read at send time (its latest state, as the API shows it); other events carry their snapshot.
    const [alert] = row.alertId ? await db.select().from(alerts).where(eq(alerts.id, row.alertId)) : [];
    const data = row.alertId ? (alert ? publicAlert(alert) : { id: row.alertId }) : stored.data;
    return {
      env,
      message: {
        title: stored.event ?? "alert.created",
        body: "",
        url: "",
        alertId: row.alertId ?? row.topic ?? "",
        alertIds: [],
        severity: "low",
      },
      recipient: { userId: "", name: "", email: "", phone: null },
      webhook: {
        id: row.id,
        url: hook.url,
        ...(await signingSecrets(env, hook, now)),
        event: stored.event ?? "alert.created",
        data,
      },
    };
  }
  const user = reads.users.get(row.userId ?? "");
  if (!user) return "The recipient no longer exists";
  const message = renderSpec(row.message as unknown as DeliverySpec, env.APP_URL);
  const { email, phone } = await openUser(keyringOf(env), user); // the only place an address is opened to send
  const ctx: SendContext = { env, message, recipient: { userId: user.id, name: user.name, email, phone } };
  if (row.channel === "push") {
    const sub = reads.subscriptions.get(row.target ?? "");
    if (!sub) return "The push subscription was removed";
    ctx.subscription = { endpoint: sub.endpoint, p256dh: sub.p256dh, auth: sub.auth };
  }
  if (row.channel === "voice") {
    // A call asks the callee to press 1 to acknowledge: only an alert can be acknowledged.
    if (!row.alertId) return "Voice calls are only made for alerts";
    ctx.voiceAckUrl = await voiceAckUrl(env, row.tenantId, row.alertId, user.id);
  }
  return ctx;
}

/** The current secret, and the previous one while its 24 h overlap after a rotation lasts. */
async function signingSecrets(env: Env, hook: typeof outboundWebhooks.$inferSelect, now: number) {
  const at = sealedAt.outboundWebhookSecret(hook.tenantId, hook.id);
  const secret = await decryptSecret(hook.secretEnc, keyringOf(env), at);
  const overlapping = hook.previousSecretEnc && (hook.previousSecretValidUntil ?? 0) > now;
  return { secret, previousSecret: overlapping ? await decryptSecret(hook.previousSecretEnc!, keyringOf(env), at) : null };
}

/**
 * Forgets what the provider says no longer exists: a push subscription is removed; a customer
 * endpoint is disabled with the reason shown, until an admin re-enables it.
 */
async function forgetTarget(db: Db, row: Delivery, reason: string, now: number) {
  if (row.channel === "push")
    await db.delete(pushSubscriptions).where(and(eq(pushSubscriptions.tenantId, row.tenantId), eq(pushSubscriptions.id, row.target ?? "")));
  if (row.channel === "webhook")
    await db
      .update(outboundWebhooks)
      .set({ enabled: false, disabledReason: reason, disabledAt: now, updatedAt: now })
      .where(and(eq(outboundWebhooks.tenantId, row.tenantId), eq(outboundWebhooks.id, row.target ?? "")));
}

/**
 * Sends one row if it is still `queued`, due, and wanted: the claim (`queued → sending`, attempt
 * counted) is taken right before the provider request, so a redelivered or concurrent job finds
 * the row claimed and never calls the provider again. `reads`: what ./send-reads.ts read for
 * this row among others (a planning job's deliveries); read here for this row alone without it.
 */
export async function deliver(env: Env, tenantId: string, id: string, now = Date.now(), reads?: SendReads): Promise<DeliverOutcome> {
  const db = database(env.DB);
  const known = reads ?? (await readForSending(db, tenantId, [id], now));
  const found = known.rows.get(id);
  if (found?.status !== "queued") return { kind: "done" };
  if ((found.dueAt ?? 0) > now + 500) return { kind: "later", delayMs: found.dueAt! - now };
  // Held or retried rows may outlive their alert: acknowledged, resolved or silenced → never sent.
  const verdict = stillWanted(found, known.alerts, known.silences, now);
  if (!verdict.keep) {
    await cancel(db, id, verdict.reason, now);
    return { kind: "done" };
  }
  const row = verdict.spec ? { ...found, message: verdict.spec as unknown as Delivery["message"] } : found;
  if (verdict.spec)
    await db
      .update(deliveries)
      .set({ message: row.message, updatedAt: now })
      .where(and(eq(deliveries.id, id), eq(deliveries.status, "queued")));
  const alert = row.alertId ? known.alerts.get(row.alertId) : undefined;
  // A snooze defers pages about the alert, not events and not the news that it resolved.
  if (row.channel !== "webhook" && row.topic !== RESOLVED_TOPIC && (alert?.snoozedUntil ?? 0) > now) {
    await recordSnoozed(db, row, alert!.snoozedUntil!, now);
    await db
      .update(deliveries)
      .set({ dueAt: alert!.snoozedUntil, updatedAt: now })
      .where(and(eq(deliveries.id, id), eq(deliveries.status, "queued")));
    return { kind: "later", delayMs: alert!.snoozedUntil! - now };
  }

  const ctx = await sendContext(db, env, row, known, now);
  const provider = providerOf(row.channel, typeof ctx === "string" ? undefined : (ctx.subscription?.endpoint ?? ctx.webhook?.url));
  const cooling = openFor(provider, now);
  if (cooling > 0 && (await canFallBack(db, row, now)) && (await giveWay(db, id, provider, now)).length) {
    // The provider keeps failing and the tenant wants the next channel instead of waiting.
    await fallBack(env, db, row, "circuit_open", now);
    return { kind: "done" };
  }
  if (cooling > 0) {
    // The provider keeps failing: wait for it instead of hammering it; no attempt is used.
    await db
      .update(deliveries)
      .set({ lastError: `Circuit open for ${provider}; retrying later`, dueAt: now + cooling, updatedAt: now })
      .where(and(eq(deliveries.id, id), eq(deliveries.status, "queued")));
    return { kind: "later", delayMs: cooling };
  }
  const attempts = await claim(db, id, now);
  if (attempts === null) return { kind: "done" }; // another sender holds it, or it was cancelled meanwhile
  const result: SendResult =
    typeof ctx === "string" ? { ok: false, retryable: false, error: ctx } : await CHANNELS[row.channel as ChannelName](ctx);
  if (typeof ctx !== "string") recordOutcome(provider, result.ok ? "success" : result.retryable ? "retryable" : "other");

  if (result.ok) {
    await recordSent(db, id, result.providerId);
    return { kind: "done" };
  }
  if (result.gone) await forgetTarget(db, row, result.error, now);
  const delays = retryDelays(env);
  if (result.retryable && attempts <= delays.length) {
    const base = delays[attempts - 1]! * 1000;
    const delayMs = base + Math.floor(Math.random() * base * 0.2);
    await release(db, id, Date.now() + delayMs, result.error, Date.now());
    return { kind: "retry", delayMs };
  }
  const status = result.retryable ? "dead" : "failed";
  await settle(db, id, status, result.error, Date.now());
  // A critical page that could not get through goes out on the user's next channel (if the tenant wants).
  if (status === "dead") await fallBack(env, db, row, "dead", Date.now());
  return status === "dead" ? { kind: "dead" } : { kind: "done" };
}

/**
 * The provider accepted: record it, trying twice. If D1 still fails the row stays `sending`
 * (never re-sent by a redelivery; the sweep decides, see docs/notifications-pipeline.md).
 */
async function recordSent(db: Db, id: string, providerId: string | undefined) {
  try {
    await markSent(db, id, Date.now());
  } catch (first) {
    try {
      await markSent(db, id, Date.now());
    } catch (error) {
      logError({ job: "deliver", deliveryId: id, providerId, note: "sent but not recorded", first: describeError(first) }, error);
      throw error;
    }
  }
}

/** A snooze held this page: recorded for each alert it names (once per snooze end). */
async function recordSnoozed(db: Db, row: Delivery, until: number, now: number) {
  if (!row.userId || row.topic !== null) return;
  const log = new DecisionLog();
  for (const a of (row.message as { alerts?: { id: string }[] }).alerts ?? [])
    log.add({
      alertId: a.id,
      userId: row.userId,
      channel: row.channel,
      outcome: "held",
      reason: "snoozed",
      detail: { deliveryId: row.id, until: isoAt(until) },
    });
  await log.write(db, row.tenantId, now);
}
