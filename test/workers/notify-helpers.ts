/// <reference path="../stand-ins/env.d.ts" />
/** Fault injection and direct drivers for the delivery state-machine tests (notify-*.test.ts). */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { database } from "../../worker/db/client";
import { alerts, deliveries } from "../../worker/db/schema";
import { handleNotificationBatch } from "../../worker/notifications/consumer";
import type { NotificationJob } from "../../worker/domain/notifications";
import { app } from "../../worker/app";

/** A D1 whose statements matching `fails` reject (as a D1 outage would); everything else is real. */
export function faultyD1(real: D1Database, fails: (sql: string) => boolean): D1Database {
  const broken = (sql: string) => {
    const reject = () => Promise.reject(new Error(`D1_ERROR: injected fault for: ${sql.slice(0, 80)}`));
    const stmt = { broken: true, bind: () => stmt, all: reject, run: reject, raw: reject, first: reject };
    return stmt;
  };
  return new Proxy(real, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => (fails(sql) ? broken(sql) : target.prepare(sql));
      if (prop === "batch") {
        return (stmts: { broken?: boolean }[]) =>
          stmts.some((s) => s.broken)
            ? Promise.reject(new Error("D1_ERROR: injected fault in batch"))
            : target.batch(stmts as D1PreparedStatement[]);
      }
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** A queue that only records what is sent (so a test decides when the jobs run). */
export function recordingQueue() {
  const jobs: NotificationJob[] = [];
  const queue = {
    send: async (body: NotificationJob) => void jobs.push(body),
    sendBatch: async (messages: { body: NotificationJob }[]) => void jobs.push(...messages.map((m) => m.body)),
  } as unknown as Queue;
  return { queue, jobs };
}

export const withBindings = (overrides: Partial<Env>): Env => ({ ...env, ...overrides }) as Env;

let messageCounter = 0;
/** Runs jobs through the real queue consumer, as one batch; returns the batch's ack/retry result. */
export async function consume(jobs: unknown[], bindings: Env = env, queue = "fleetpulse-notify") {
  const batch = createMessageBatch(
    queue,
    jobs.map((body) => ({ id: `msg-${++messageCounter}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  if (queue.endsWith("-dlq")) {
    const { handleDeadLetters } = await import("../../worker/notifications/consumer");
    await handleDeadLetters(batch, bindings);
  } else await handleNotificationBatch(batch, bindings);
  return getQueueResult(batch, ctx);
}

/** An open alert written straight to D1 (planning reads D1 only), so no object alarm plans it meanwhile. */
export async function openAlert(tenantId: string, vehicleId: string, severity: "critical" | "high" = "critical") {
  const id = `alr_t${Date.now().toString(36)}${(++messageCounter).toString(36)}`;
  const now = Date.now();
  await database(env.DB).insert(alerts).values({
    id,
    tenantId,
    seq: 1,
    vehicleId,
    ruleId: null,
    type: "oil_pressure",
    severity,
    status: "open",
    message: "Oil pressure 60 kPa < 100",
    value: 60,
    occurrences: 1,
    createdAt: now,
    lastSeenAt: now,
  });
  return id;
}

/** A queued SMS delivery row for `alertId` to `userId`, due at `dueAt`. */
export async function queuedSms(tenantId: string, alertId: string, userId: string, fields: Partial<typeof deliveries.$inferInsert> = {}) {
  const id = `dlv_t${Date.now().toString(36)}${(++messageCounter).toString(36)}`;
  const now = Date.now();
  const message = {
    vehicleId: "v",
    vehicleName: "Unit T",
    severity: "critical",
    alerts: [{ id: alertId, ruleName: "Low oil pressure", message: "Oil pressure 60 kPa < 100" }],
  };
  await database(env.DB)
    .insert(deliveries)
    .values({ id, tenantId, alertId, userId, channel: "sms", step: 0, status: "queued", dueAt: now, message, updatedAt: now, ...fields });
  return id;
}

export const deliveryRow = async (id: string) => (await database(env.DB).select().from(deliveries).where(eq(deliveries.id, id)))[0]!;

/** Calls the real app with chosen bindings (a fault-injecting queue, say). */
export const adminCall = (method: string, path: string, token: string, bindings: Env = env) =>
  app.request(`http://fleetpulse.test${path}`, { method, headers: { authorization: `Bearer ${token}` } }, bindings);
