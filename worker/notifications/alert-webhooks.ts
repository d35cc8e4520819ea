/**
 * Customer webhooks about alerts: `alert.created`, `alert.updated` and `alert.resolved`, one
 * signed delivery per endpoint subscribed to the event. The payload is the alert as it is when
 * sent (./deliver.ts). Each delivery's id is its Standard Webhooks `webhook-id`: stable across
 * retries, and distinct per change (`key`: the resolve or update time), so a redelivered job sends
 * a change once while every real change is its own message.
 */
import { eq } from "drizzle-orm";
import { inTenant, type Db } from "../db/client";
import { deliveries, outboundWebhooks } from "../db/schema";
import { deliveryId, type MessageSpec } from "./message";
import { resumeExisting, type Planned } from "./resume";

export type AlertEvent = "alert.created" | "alert.updated" | "alert.resolved";

/** The tenant's enabled endpoints and their events (a raise reads them with its other inputs; work-order events too). */
export const enabledWebhooks = (db: Db, tenantId: string) =>
  db
    .select({ id: outboundWebhooks.id, events: outboundWebhooks.events })
    .from(outboundWebhooks)
    .where(inTenant(outboundWebhooks, tenantId, eq(outboundWebhooks.enabled, true)));

export type EnabledWebhook = Awaited<ReturnType<typeof enabledWebhooks>>[number];

export async function planAlertWebhooks(
  db: Db,
  ctx: { alert: { id: string; tenantId: string }; spec: MessageSpec },
  hooks: EnabledWebhook[],
  event: AlertEvent,
  key: string | null,
  now: number,
  out: Planned[],
) {
  for (const hook of hooks.filter((h) => h.events.includes(event))) {
    // `alert.created` keeps the id it always had (rows written before other events existed).
    const id =
      event === "alert.created"
        ? await deliveryId([ctx.alert.id, null, "webhook", 0, hook.id])
        : await deliveryId([ctx.alert.id, event, key, "webhook", hook.id]);
    const inserted = await db
      .insert(deliveries)
      .values({
        id,
        tenantId: ctx.alert.tenantId,
        alertId: ctx.alert.id,
        topic: event === "alert.created" ? null : event,
        userId: null,
        channel: "webhook",
        step: 0,
        target: hook.id,
        status: "queued",
        dueAt: now,
        message: { ...ctx.spec, event } as never,
        updatedAt: now,
      })
      .onConflictDoNothing()
      .returning({ id: deliveries.id });
    if (inserted.length) out.push({ id, dueAt: now });
    else await resumeExisting(db, id, now, out);
  }
}
