/**
 * The notification queue's consumer: plans deliveries for raised, escalated, updated and
 * resolved alerts and for maintenance reminders, sends
 * due deliveries, and reschedules what is not due or must be retried through the queue's own
 * delay. A job that fails unexpectedly is retried by the queue and, after `max_retries`, lands in
 * the dead-letter queue, whose consumer records it (./dead-jobs.ts). Planning is resumable: a
 * retried planning job sends the rows an earlier run wrote that are still `queued`.
 */
import { yieldTurn } from "../lib/yield-turn";
import { database } from "../db/client";
import { recordDeadJob } from "./dead-jobs";
import { deliver, type DeliverOutcome } from "./deliver";
import { readForSending, type SendReads } from "./send-reads";
import { NotificationJob } from "../domain/notifications";
import type { BatchPlanning, Planned } from "./planner";
import { planSteps } from "./escalation-planning";
import { planRaises } from "./raise-planning";
import { planReminders } from "./reminders";
import { planResolutions } from "./resolved";
import { planUpdated } from "./updated";
import { logError, logWarn } from "../lib/logger";

/** Cloudflare Queues accept delays up to 12 h; longer waits are re-checked when they come due. */
const MAX_DELAY_S = 43_200;
const delaySeconds = (ms: number) => Math.min(MAX_DELAY_S, Math.max(0, Math.ceil(ms / 1000)));

/** Re-queues a delivery job after `delayMs` (not due yet, or a retry), or parks it in the DLQ. */
async function followUp(env: Env, job: Extract<NotificationJob, { type: "deliver" }>, outcome: DeliverOutcome) {
  if (outcome.kind === "later" || outcome.kind === "retry")
    await env.NOTIFY_QUEUE.send(job, { delaySeconds: delaySeconds(outcome.delayMs) });
  if (outcome.kind === "dead") await env.NOTIFY_DLQ.send(job);
}

/**
 * Deliveries due now are sent right here, in parallel — one queue hop from alert to provider;
 * deferred ones (quiet hours, grouping) go back on the queue with their delay.
 */
async function dispatch(env: Env, tenantId: string, planned: Planned[], now: number, known?: SendReads) {
  const jobs = planned.map((p) => ({ plan: p, job: { type: "deliver", tenantId, deliveryId: p.id } as const }));
  const later = jobs.filter(({ plan }) => plan.dueAt > now);
  for (let i = 0; i < later.length; i += 100) {
    await env.NOTIFY_QUEUE.sendBatch(
      later.slice(i, i + 100).map(({ plan, job }) => ({ body: job, delaySeconds: delaySeconds(plan.dueAt - now) })),
    );
  }
  const dueNow = jobs.filter(({ plan }) => plan.dueAt <= now);
  if (!dueNow.length) return;
  const ids = dueNow.map(({ job }) => job.deliveryId);
  // The planning job's write batch read what its own rows need; anything else due (a webhook, a
  // resumed row) is read here, all together.
  const reads = known && ids.every((id) => known.ids.has(id)) ? known : await readForSending(database(env.DB), tenantId, ids, now);
  await Promise.all(
    dueNow.map(async ({ job }) => {
      // A send that throws is handed to the queue as its own job; if even that fails, the
      // planning job is retried and sends the row again (the claim keeps it to one send).
      const outcome = await deliver(env, tenantId, job.deliveryId, now, reads).catch((error): DeliverOutcome => {
        logError({ job: "deliver", deliveryId: job.deliveryId }, error);
        return { kind: "retry", delayMs: 1000 };
      });
      await followUp(env, job, outcome);
    }),
  );
}

type PlannedKind = "alert.raised" | "alert.escalated" | "alert.resolved" | "maintenance.reminder";
type JobOf<T extends NotificationJob["type"]> = Extract<NotificationJob, { type: T }>;
/** A planning job, and whether the queue delivered it before (an earlier run may have planned part of it). */
type Planning<T extends PlannedKind> = { job: JobOf<T>; retried: boolean };

/** Each kind's planner: any number of one tenant's jobs of that kind planned together (one job alone is a batch of one). */
const PLANNERS: { [T in PlannedKind]: (env: Env, tenantId: string, jobs: Planning<T>[], now: number) => Promise<BatchPlanning> } = {
  "alert.raised": (env, tenantId, jobs, now) =>
    planRaises(
      env,
      tenantId,
      jobs.map(({ job, retried }) => ({ alertId: job.alertId, retried })),
      now,
    ),
  "alert.escalated": (env, tenantId, jobs, now) =>
    planSteps(
      env,
      tenantId,
      jobs.map(({ job, retried }) => ({ ...job, retried })),
      now,
    ),
  "alert.resolved": (env, tenantId, jobs, now) =>
    planResolutions(
      env,
      tenantId,
      jobs.map(({ job }) => job),
      now,
    ),
  "maintenance.reminder": (env, tenantId, jobs, now) =>
    planReminders(
      env,
      tenantId,
      jobs.map(({ job }) => job.reminder),
      now,
    ),
};

const isPlanned = (job: NotificationJob): job is JobOf<PlannedKind> => job.type in PLANNERS;

/** Plans one tenant's jobs of one kind together. */
const planTogether = (env: Env, tenantId: string, jobs: Planning<PlannedKind>[], now: number) =>
  PLANNERS[jobs[0]!.job.type](env, tenantId, jobs as never, now);

/** `attempts`: the queue's count for this message (above 1, an earlier run may have planned part of it). */
export async function runJob(env: Env, job: NotificationJob, now = Date.now(), attempts = 1) {
  if (isPlanned(job)) {
    const planning = await planTogether(env, job.tenantId, [{ job, retried: attempts > 1 }], now);
    // The object syncs an alert to D1 before it queues the job, so a missing row is a transient read.
    if (planning.missing.length) throw new Error(`alert ${planning.missing[0]} not found yet`);
    await dispatch(env, job.tenantId, planning.planned, now, planning.reads);
    return;
  }
  if (job.type === "alert.updated") {
    const planned = await planUpdated(env, job, now);
    if (planned === null) throw new Error(`alert ${job.alertId} not found yet`);
    await dispatch(env, job.tenantId, planned, now);
    return;
  }
  await followUp(env, job, await deliver(env, job.tenantId, job.deliveryId, now));
}

type Parsed<J extends NotificationJob = NotificationJob> = { message: Message<unknown>; job: J };
type Send = Parsed<JobOf<"deliver">>;

/** The queue's retry of a failed job, later with each attempt. */
const retryLater = (message: Message<unknown>) => message.retry({ delaySeconds: Math.min(300, 2 ** message.attempts) });

/** Runs a job's work: acked when it ends, retried by the queue when it throws. */
async function settle(message: Message<unknown>, type: string, work: () => Promise<unknown>) {
  try {
    await work();
    message.ack();
  } catch (error) {
    logError({ job: type }, error);
    retryLater(message);
  }
}

const runMessage = ({ message, job }: Parsed, env: Env) => settle(message, job.type, () => runJob(env, job, Date.now(), message.attempts));

/**
 * A batch's sends of one tenant: what they need is read once for all (send-reads.ts; a read per
 * send before), then each is claimed and sent in turn, as on its own. If that read fails, each
 * reads its own.
 */
async function runSends(tenantId: string, sends: Send[], env: Env) {
  const now = Date.now();
  const ids = sends.map(({ job }) => job.deliveryId);
  const reads = await readForSending(database(env.DB), tenantId, ids, now).catch((error) => {
    logError({ job: "deliver", tenantId, note: "reading the batch's sends together failed; each reads its own" }, error);
    return undefined;
  });
  for (const { message, job } of sends) {
    await yieldTurn();
    await settle(message, job.type, async () => followUp(env, job, await deliver(env, tenantId, job.deliveryId, Date.now(), reads)));
  }
}

/**
 * A tenant's planning jobs of one kind from one batch (new alerts, escalation steps, resolves'
 * notices, reminders), planned together and sent in one dispatch. If that fails, each runs on its
 * own, so one job's failure never holds the others back (the rows written so far are found
 * again: planning is resumable).
 */
async function runTogether(tenantId: string, parsed: Parsed<JobOf<PlannedKind>>[], env: Env) {
  const now = Date.now();
  try {
    const planning = await planTogether(
      env,
      tenantId,
      parsed.map(({ message, job }) => ({ job, retried: message.attempts > 1 })),
      now,
    );
    await dispatch(env, tenantId, planning.planned, now, planning.reads);
    const missing = new Set(planning.missing);
    for (const { message, job } of parsed) {
      // The object syncs an alert to D1 before it queues the job, so a missing row is a transient read.
      if ("alertId" in job && missing.has(job.alertId)) retryLater(message);
      else message.ack();
    }
  } catch (error) {
    const type = parsed[0]!.job.type;
    logError({ job: type, tenantId, note: "planning the batch's jobs together failed; each runs on its own" }, error);
    for (const p of parsed) await runMessage(p, env);
  }
}

/**
 * A batch's jobs run in this order: new alerts, escalation steps, sends, resolves' notices,
 * reminders, then the rest (updates, any new kind), so a critical page never waits behind the
 * news that another alert resolved or changed. Each tenant's jobs of one of those kinds run
 * together (planning, or sending's reads: fewer D1 round trips); the rest one by one.
 */
export async function handleNotificationBatch(batch: MessageBatch<unknown>, env: Env) {
  const parsed: Parsed[] = [];
  for (const message of batch.messages) {
    const job = NotificationJob.safeParse(message.body);
    if (job.success) parsed.push({ message, job: job.data });
    else {
      logError({ job: "notify", note: "malformed job", body: message.body });
      await env.NOTIFY_DLQ.send(message.body);
      message.ack();
    }
  }
  for (const kind of ORDER) {
    for (const [tenantId, jobs] of byTenant(ofType(parsed, kind))) {
      await yieldTurn(); // a batch of jobs must not hold back the webhooks waiting for this isolate
      if (kind === "deliver") await runSends(tenantId, jobs as Send[], env);
      else await runTogether(tenantId, jobs as Parsed<JobOf<PlannedKind>>[], env);
    }
  }
  for (const p of parsed.filter(({ job }) => !(ORDER as readonly string[]).includes(job.type))) {
    await yieldTurn();
    await runMessage(p, env);
  }
}

/** The kinds run together, in this order; every other job runs on its own, after them. */
const ORDER = ["alert.raised", "alert.escalated", "deliver", "alert.resolved", "maintenance.reminder"] as const;

function ofType<T extends NotificationJob["type"]>(parsed: Parsed[], type: T) {
  return parsed.filter((p): p is Parsed<JobOf<T>> => p.job.type === type);
}

function byTenant<P extends Parsed>(jobs: P[]): Map<string, P[]> {
  const by = new Map<string, P[]>();
  for (const p of jobs) by.set(p.job.tenantId, [...(by.get(p.job.tenantId) ?? []), p]);
  return by;
}

/** Dead letters: a `deliver` job's row turns `dead`; any other job is recorded in `dead_jobs` for re-driving. */
export async function handleDeadLetters(batch: MessageBatch<unknown>, env: Env) {
  const db = database(env.DB);
  for (const message of batch.messages) {
    const parsed = NotificationJob.safeParse(message.body);
    logWarn({ job: "dead-letter", body: message.body });
    if (!parsed.success) {
      message.ack(); // malformed: nothing to re-drive, the log keeps it
      continue;
    }
    try {
      await recordDeadJob(db, parsed.data, Date.now());
      message.ack();
    } catch (error) {
      logError({ job: "dead-letter" }, error);
      message.retry();
    }
  }
}
