/**
 * Drives the tenant object's alarm and the notification queues from the test, so a test says
 * when time-based work happens instead of polling for it. A file opts in with `driveTime()`:
 *
 *   - the runtime's own firing of a TenantHub alarm does nothing; `runHubAlarm(tenantId)` runs it
 *     (via `runDurableObjectAlarm`, the same body the runtime would call);
 *   - messages sent to NOTIFY_QUEUE / NOTIFY_URGENT_QUEUE / NOTIFY_DLQ are kept here instead of reaching the queue, and
 *     `drainQueue()` hands them to the Worker's `queue()` handler with `createMessageBatch`,
 *     reading the ack/retry outcome with `getQueueResult`, until nothing due is left.
 *
 * Test files run in their own isolate, and the Worker and its Durable Objects run in the test's
 * isolate, so patching the class and the bindings here reaches the code under test.
 */
import { createExecutionContext, createMessageBatch, getQueueResult, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, afterEach, beforeAll, onTestFinished, vi } from "vitest";
import { SETTLE_MS } from "../../durable-objects/deferred-writes";
import { TenantHub } from "../../worker/hub/tenant-hub";
import worker from "../../worker/index";

const NOTIFY = "fleetpulse-notify";
export const URGENT = "fleetpulse-notify-urgent";
const DLQ = "fleetpulse-notify-dlq";
/** wrangler.toml: the notify queues' `max_retries`, after which a message goes to their DLQ. */
const MAX_RETRIES = 5;

interface Held {
  queue: string;
  body: unknown;
  attempts: number;
  /** When the queue would deliver it: sent time plus its `delaySeconds`. */
  dueAt: number;
}

const held: Held[] = [];
let messageCount = 0;
/** Objects whose next `alarm()` call comes from the test, not the runtime. */
const alarmRequested = new Set<string>();
/** Real alarm runs in flight, by object id, so a driver can wait for the one it asked for. */
const alarmRuns = new Map<string, Promise<void>>();

const hubOf = (tenantId: string) => env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenantId));
const idOf = (hub: TenantHub) => (hub as unknown as { ctx: DurableObjectState }).ctx.id.toString();

function holdAlarms() {
  const realAlarm = TenantHub.prototype.alarm;
  vi.spyOn(TenantHub.prototype, "alarm").mockImplementation(function (this: TenantHub) {
    const id = idOf(this);
    if (!alarmRequested.delete(id)) return Promise.resolve(); // the runtime's own firing: the test decides when
    const run = realAlarm.call(this);
    alarmRuns.set(id, run);
    return run;
  });
}

function holdQueue(queue: Queue, name: string) {
  const keep = (body: unknown, delaySeconds = 0) =>
    held.push({ queue: name, body: structuredClone(body), attempts: 1, dueAt: Date.now() + delaySeconds * 1000 });
  // The product ignores what send() resolves to; an empty answer is enough.
  vi.spyOn(queue, "send").mockImplementation(async (body, options) => {
    keep(body, options?.delaySeconds);
    return {} as QueueSendResponse;
  });
  vi.spyOn(queue, "sendBatch").mockImplementation(async (messages, options) => {
    for (const m of messages) keep(m.body, m.delaySeconds ?? options?.delaySeconds);
    return {} as QueueSendBatchResponse;
  });
}

/** Call once at the top of a test file: alarms and queue messages then wait for the test. */
export function driveTime() {
  beforeAll(() => {
    holdAlarms();
    holdQueue(env.NOTIFY_QUEUE, NOTIFY);
    holdQueue(env.NOTIFY_URGENT_QUEUE, URGENT);
    holdQueue(env.NOTIFY_DLQ, DLQ);
  });
  // Each test starts with an empty queue: what one test left deferred is not another's to deliver.
  afterEach(() => {
    held.length = 0;
  });
  afterAll(() => vi.restoreAllMocks());
}

/**
 * Runs the tenant's alarm now, as the runtime would: D1 sync, notification jobs, due escalation
 * steps, the Geotab poll. If the runtime already took a due alarm (and, patched, did nothing),
 * the same body runs directly: every step of it is idempotent.
 */
export async function runHubAlarm(tenantId: string) {
  const hub = hubOf(tenantId);
  const id = hub.id.toString();
  alarmRequested.add(id);
  try {
    if (!(await runDurableObjectAlarm(hub))) await runInDurableObject(hub, (instance) => instance.alarm());
  } finally {
    alarmRequested.delete(id);
  }
  await alarmRuns.get(id);
}

/**
 * The tenant's messages still held (not due yet, or not drained), for assertions: on `queue`, or
 * on both notification queues (the normal one and the urgent one) when none is named.
 */
export const heldMessages = (tenantId: string, queue?: string) =>
  held
    .filter((m) => (queue ? m.queue === queue : m.queue !== DLQ) && (m.body as { tenantId?: string }).tenantId === tenantId)
    .map((m) => m.body);

/**
 * Delivers held messages to the Worker's queue consumer in the order the queue would, until none
 * is due by `until`. Messages the consumer sends meanwhile (deferred deliveries, retries, dead
 * letters) join in. When `until` is later than now, the clock moves forward to each message's
 * due time while it runs (Date only; timers stay real), and is real again afterwards (unless the
 * test had frozen it: then it stays frozen at the time it moved to).
 * Returns how many messages were delivered.
 */
export async function drainQueue({ until = Date.now() }: { until?: number } = {}) {
  let delivered = 0;
  // A clock the test froze stays frozen (where the queue moved it); only one frozen here is released.
  const frozenByCaller = vi.isFakeTimers();
  try {
    for (;;) {
      held.sort((a, b) => a.dueAt - b.dueAt);
      const next = held[0];
      if (!next || next.dueAt > Math.max(until, Date.now())) return delivered;
      if (next.dueAt > Date.now()) {
        vi.useFakeTimers({ toFake: ["Date"] });
        vi.setSystemTime(next.dueAt);
      }
      // One batch: everything of that queue due by then, as the queue would group it.
      const now = Date.now();
      const due = held.filter((m) => m.queue === next.queue && m.dueAt <= now).slice(0, 25);
      for (const m of due) held.splice(held.indexOf(m), 1);
      await deliverBatch(next.queue, due);
      delivered += due.length;
    }
  } finally {
    if (!frozenByCaller) vi.useRealTimers();
  }
}

async function deliverBatch(queue: string, messages: Held[]) {
  const batch = createMessageBatch(
    queue,
    messages.map((m) => ({ id: `msg-${++messageCount}`, timestamp: new Date(), attempts: m.attempts, body: m.body })),
  );
  const ctx = createExecutionContext();
  await (worker as ExportedHandler<Env>).queue!(batch, env, ctx);
  const result = await getQueueResult(batch, ctx);
  const retried = new Set(result.retryMessages.map((r: { msgId: string }) => r.msgId));
  batch.messages.forEach((message, i) => {
    if (!retried.has(message.id) && !result.retryBatch.retry) return;
    const m = messages[i]!;
    // The queue redelivers a retried message, and parks it in the DLQ after `max_retries`.
    if (queue !== DLQ && m.attempts > MAX_RETRIES) held.push({ ...m, queue: DLQ, attempts: 1, dueAt: Date.now() });
    else held.push({ ...m, attempts: m.attempts + 1, dueAt: Date.now() });
  });
}
/**
 * Stops `Date` at `at` for the rest of the current test (timers stay real), so a check at an exact
 * tolerance edge means the same thing however long the requests before it took. The Worker and
 * its Durable Objects share the test's isolate, so they read the same clock. Returns `at`.
 */
export function freezeClock(at = Date.now()) {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(at);
  onTestFinished(() => {
    vi.useRealTimers();
  });
  return at;
}

/**
 * The tenant's alarm once every deferred write is due (deferred-writes.ts: SETTLE_MS after the
 * first change): the readings buffer written and the state journal settled into `vehicle_state_pages`.
 * The clock moves SETTLE_MS forward, frozen for the rest of the test.
 */
export async function runHubAlarmSettled(tenantId: string) {
  if (!vi.isFakeTimers()) freezeClock();
  advanceClock(SETTLE_MS);
  await runHubAlarm(tenantId);
}

/** The vehicles' settled states as the object stored them (pages of many vehicles, vehicle-states.ts), by vehicle id. */
export function settledStates(sql: SqlStorage): Record<string, Record<string, unknown>> {
  const pages = sql.exec<{ data: string }>("SELECT data FROM vehicle_state_pages").toArray();
  return Object.assign({}, ...pages.map((page) => JSON.parse(page.data) as Record<string, Record<string, unknown>>));
}

/** Journal entries not yet settled: batches' own journals past the settle cursor and journal rows (vehicle-states.ts). */
export function unsettledJournal(sql: SqlStorage): { batches: number; rows: number } {
  const through = Number(sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'journalThrough'").toArray()[0]?.value ?? 0);
  const batches = sql
    .exec<{ n: number }>("SELECT count(*) AS n FROM ingested_batches WHERE rowid > ? AND journal IS NOT NULL", through)
    .one().n;
  const rows = sql.exec<{ n: number }>("SELECT count(*) AS n FROM vehicle_state_journal").one().n;
  return { batches, rows };
}

/** Moves a frozen clock forward by `ms`. */
export function advanceClock(ms: number) {
  vi.setSystemTime(Date.now() + ms);
}

/** The tenant's alarm, then every notification job it queued that is due: the usual "and then time passes". */
export async function settleTenant(tenantId: string, options?: { until?: number }) {
  await runHubAlarm(tenantId);
  return drainQueue(options);
}
