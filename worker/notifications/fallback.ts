/**
 * Fallback channels: when a provider keeps failing (its circuit is open) or a critical delivery
 * is dead, the same message goes out on the user's next channel — SMS → voice → email, push →
 * SMS — skipping channels the user cannot be reached on or whose provider is failing too. The
 * new row names the one it stands in for (`fallbackOf`, `fallbackReason`) in the delivery log.
 * A per-tenant setting (`PUT /api/settings {fallbackChannels}`), off by default.
 */
import { and, eq, sql } from "drizzle-orm";
import { inTenant, type Db } from "../db/client";
import { deliveries, tenants, users, type Channel, type Delivery } from "../db/schema";
import { openFor, providerOf } from "./circuit-breaker";
import { deliveryId } from "./message";

/** A phone number's presence (sealed, or plain before migration 0023's backfill): all fallback needs; deliver.ts opens it. */
const hasPhone = sql<string | null>`coalesce(${users.phoneEnc}, ${users.legacyPhone})`;

export type FallbackReason = "circuit_open" | "dead";

const NEXT: Partial<Record<Delivery["channel"], Channel>> = { sms: "voice", voice: "email", push: "sms" };

/** The first channel after `channel` on which the user can be reached and whose provider is not cooling down. */
function nextChannel(channel: Delivery["channel"], phone: string | null, now: number): Channel | null {
  for (let next = NEXT[channel]; next; next = NEXT[next]) {
    if ((next === "sms" || next === "voice") && !phone) continue;
    if (openFor(providerOf(next), now) > 0) continue;
    return next;
  }
  return null;
}

/** Only alert pages to people fall back (not webhooks, reminders or "resolved" notices). */
const eligible = (row: Delivery) => row.alertId !== null && row.userId !== null && row.topic === null && row.channel in NEXT;

/**
 * Writes the fallback row for `row` (once: its id derives from the original and the channel) and
 * queues its send. Returns the new row's id, or null when the tenant has fallback off or no
 * channel is left. The caller has already settled the original row, so only one of them is sent.
 */
export async function fallBack(env: Env, db: Db, row: Delivery, reason: FallbackReason, now: number): Promise<string | null> {
  if (!eligible(row)) return null;
  if (reason === "dead" && (row.message as { severity?: string }).severity !== "critical") return null;
  const [tenant] = await db.select({ on: tenants.fallbackChannels }).from(tenants).where(eq(tenants.id, row.tenantId));
  if (!tenant?.on) return null;
  const [user] = await db
    .select({ phone: hasPhone })
    .from(users)
    .where(inTenant(users, row.tenantId, eq(users.id, row.userId!)));
  if (!user) return null;
  const channel = nextChannel(row.channel, user.phone, now);
  if (!channel) return null;
  const id = await deliveryId([row.id, "fallback", channel]);
  const inserted = await db
    .insert(deliveries)
    .values({
      id,
      tenantId: row.tenantId,
      alertId: row.alertId,
      userId: row.userId,
      channel,
      step: row.step,
      target: null,
      status: "queued",
      dueAt: now,
      message: row.message,
      updatedAt: now,
      fallbackOf: row.id,
      fallbackReason: reason,
    })
    .onConflictDoNothing()
    .returning({ id: deliveries.id });
  if (inserted.length) await env.NOTIFY_QUEUE.send({ type: "deliver", tenantId: row.tenantId, deliveryId: id });
  return id;
}

/** Whether the tenant would fall back from this row now (checked before giving up on a cooling provider). */
export async function canFallBack(db: Db, row: Delivery, now: number): Promise<boolean> {
  if (!eligible(row)) return false;
  const [found] = await db
    .select({ on: tenants.fallbackChannels, phone: hasPhone })
    .from(users)
    .innerJoin(tenants, eq(tenants.id, users.tenantId))
    .where(and(eq(users.tenantId, row.tenantId), eq(users.id, row.userId!)));
  return !!found?.on && nextChannel(row.channel, found.phone, now) !== null;
}

/** A queued row whose provider is cooling down gives way to its fallback: `failed`, saying so. */
export const giveWay = (db: Db, id: string, provider: string, now: number) =>
  db
    .update(deliveries)
    .set({ status: "failed", lastError: `Circuit open for ${provider}; sent on the next channel instead`, updatedAt: now })
    .where(and(eq(deliveries.id, id), eq(deliveries.status, "queued")))
    .returning({ id: deliveries.id });
