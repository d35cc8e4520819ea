/**
 * The notification queue's consumer: plans deliveries for raised and escalated alerts, sends
 * due deliveries, and reschedules what is not due or must be retried through the queue's own
 * delay. A job that fails unexpectedly is retried by the queue and, after `max_retries`, lands in
 * the dead-letter queue, whose consumer marks its delivery `dead`.
 */
import { and, eq } from "drizzle-orm";
import { database } from "../db/client";
import { deliveries } from "../db/schema";
import { deliver } from "./deliver";
import { NotificationJob } from "./jobs";
import { planEscalation, planRaised, type Planned } from "./planner";

/** Cloudflare Queues accept delays up to 12 h; longer waits are re-checked when they come due. */
const MAX_DELAY_S = 43_200;
const delaySeconds = (ms: number) => Math.min(MAX_DELAY_S, Math.max(0, Math.ceil(ms / 1000)));

async function enqueueDeliveries(env: Env, tenantId: string, planned: Planned[], now: number) {
  const messages = planned.map((p) => ({ body: { type: "deliver", tenantId, deliveryId: p.id } satisfies NotificationJob, delaySeconds: delaySeconds(p.dueAt - now) }));
  for (let i = 0; i < messages.length; i += 100) await env.NOTIFY_QUEUE.sendBatch(messages.slice(i, i + 100));
}

export async function runJob(env: Env, job: NotificationJob, now = Date.now()) {
  if (job.type === "alert.raised" || job.type === "alert.escalated") {
    const planned = job.type === "alert.raised" ? await planRaised(env, job.tenantId, job.alertId, now) : await planEscalation(env, job, now);
    // The object syncs an alert to D1 before it queues the job, so a missing row is a transient read.
    if (planned === null) throw new Error(`alert ${job.alertId} not found yet`);
    await enqueueDeliveries(env, job.tenantId, planned, now);
    return;
  }
  const outcome = await deliver(env, job.tenantId, job.deliveryId, now);
  if (outcome.kind === "later" || outcome.kind === "retry") await env.NOTIFY_QUEUE.send(job, { delaySeconds: delaySeconds(outcome.delayMs) });
  if (outcome.kind === "dead") await env.NOTIFY_DLQ.send(job);
}

export async function handleNotificationBatch(batch: MessageBatch<unknown>, env: Env) {
  for (const message of batch.messages) {
    const parsed = NotificationJob.safeParse(message.body);
    if (!parsed.success) {
      console.error(JSON.stringify({ level: "error", job: "notify", error: "malformed job", body: message.body }));
      await env.NOTIFY_DLQ.send(message.body);
      message.ack();
      continue;
    }
    try {
      await runJob(env, parsed.data);
      message.ack();
    } catch (error) {
      console.error(JSON.stringify({ level: "error", job: parsed.data.type, error: String(error) }));
      message.retry({ delaySeconds: Math.min(300, 2 ** message.attempts) });
    }
  }
}

/** Dead letters: a delivery job that could not complete is marked `dead` (visible in the API). */
export async function handleDeadLetters(batch: MessageBatch<unknown>, env: Env) {
  const db = database(env.DB);
  for (const message of batch.messages) {
    const parsed = NotificationJob.safeParse(message.body);
    if (parsed.success && parsed.data.type === "deliver") {
      await db
        .update(deliveries)
        .set({ status: "dead", lastError: "Gave up: the job kept failing", updatedAt: Date.now() })
        .where(and(eq(deliveries.id, parsed.data.deliveryId), eq(deliveries.status, "queued")));
    }
    console.error(JSON.stringify({ level: "warn", job: "dead-letter", body: message.body }));
    message.ack();
  }
}
