/**
 * `workorder.created` / `workorder.updated` for customer endpoints (ERP/CMMS sync): one signed
 * webhook delivery per (work order state, endpoint subscribed to the event), sent through the
 * same channel, retries, circuit breaker and 410 handling as `alert.created`. The payload is the
 * work order as the API shows it at the time of the change, history included.
 */
import { database } from "../db/client";
import { deliveries } from "../db/schema";
import { enabledWebhooks, type EnabledWebhook } from "./alert-webhooks";
import type { NotificationJob } from "../domain/notifications";
import { deliveryId } from "./message";
import { logError } from "../lib/logger";

export type WorkOrderEvent = "workorder.created" | "workorder.updated";

/** The topic of a work order's webhook deliveries (filter `GET /api/notifications?topic=`). */
export const workOrderTopic = (workOrderId: string) => `workorder:${workOrderId}`;

/**
 * Records the deliveries first, then queues them; a failed enqueue is not lost, the rows stay
 * `queued` for the stale sweep. The delivery id hashes the event and the payload, so
 * publishing the same state twice sends once, while every real change (its `updatedAt` and
 * fields differ) is its own message with its own `webhook-id`. `known`: the tenant's enabled
 * endpoints when the caller read them already (with its own writes, in one batch).
 */
export async function queueWorkOrderWebhooks(
  env: Env,
  tenantId: string,
  event: WorkOrderEvent,
  list: ({ id: unknown } & Record<string, unknown>)[],
  known?: EnabledWebhook[],
) {
  if (!list.length) return;
  const now = Date.now();
  const db = database(env.DB);
  const hooks = (known ?? (await enabledWebhooks(db, tenantId))).filter((h) => h.events.includes(event));
  if (!hooks.length) return;
  const rows = [];
  for (const workOrder of list) {
    const topic = workOrderTopic(String(workOrder.id));
    for (const hook of hooks) {
      const id = await deliveryId([topic, event, JSON.stringify(workOrder), "webhook", hook.id]);
      rows.push({
        id,
        tenantId,
        alertId: null,
        topic,
        userId: null,
        channel: "webhook" as const,
        step: 0,
        target: hook.id,
        status: "queued" as const,
        dueAt: now,
        message: { event, data: workOrder },
        updatedAt: now,
      });
    }
  }
  // One D1 round trip per 50 rows: the auto-scheduler may book thousands at once.
  const jobs: NotificationJob[] = [];
  for (let i = 0; i < rows.length; i += 50) {
    const inserts = rows
      .slice(i, i + 50)
      .map((row) => db.insert(deliveries).values(row).onConflictDoNothing().returning({ id: deliveries.id }));
    const results = await db.batch(inserts as [(typeof inserts)[number], ...typeof inserts]);
    for (const inserted of results) for (const { id } of inserted) jobs.push({ type: "deliver", tenantId, deliveryId: id });
  }
  try {
    for (let i = 0; i < jobs.length; i += 100) await env.NOTIFY_QUEUE.sendBatch(jobs.slice(i, i + 100).map((body) => ({ body })));
  } catch (error) {
    // The rows are written and `queued`: the stale sweep (./sweep.ts) enqueues them later.
    logError({ job: "workorder.webhooks", tenantId, event, note: "enqueue failed, left for the sweep" }, error);
  }
}
