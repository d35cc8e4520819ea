/**
 * Customers' outbound webhook endpoints (`/api/integrations/webhooks`): create, list, update,
 * delete, rotate the signing secret (the previous one keeps signing for 24 h: every message
 * carries one signature per secret), re-enable after a 410, and each endpoint's delivery log.
 * Secrets are stored encrypted and shown only when created or rotated.
 */
import { desc, eq } from "drizzle-orm";
import { inTenant, type Db } from "../db/client";
import { type deliveries, outboundWebhooks, type DeliveryState } from "../db/schema";
import { encryptSecret, newWebhookSecret } from "../lib/crypto";
import type { Keyring } from "../lib/keyring";
import { sealedAt } from "../lib/sealed-fields";
import { newId } from "../lib/ids";
import { AppError } from "../lib/problem";
import { iso, isoOrNull } from "../lib/time";
import { listDeliveries, publicDelivery } from "./notification-settings";

/** How long the secret before a rotation still signs. */
export const PREVIOUS_SECRET_OVERLAP_MS = 24 * 3600_000;

type WebhookRow = typeof outboundWebhooks.$inferSelect;

export const publicWebhook = (w: WebhookRow, now = Date.now()) => ({
  id: w.id,
  url: w.url,
  events: w.events,
  enabled: w.enabled,
  disabledReason: w.enabled ? null : w.disabledReason,
  disabledAt: w.enabled ? null : isoOrNull(w.disabledAt),
  previousSecretValidUntil: (w.previousSecretValidUntil ?? 0) > now ? isoOrNull(w.previousSecretValidUntil) : null,
  createdAt: iso(w.createdAt),
  updatedAt: iso(w.updatedAt ?? w.createdAt),
});

async function found(db: Db, tenantId: string, id: string) {
  const [row] = await db
    .select()
    .from(outboundWebhooks)
    .where(inTenant(outboundWebhooks, tenantId, eq(outboundWebhooks.id, id)));
  if (!row) throw new AppError("not_found", "No such webhook endpoint.");
  return row;
}

/** Registers a customer endpoint; its `whsec_` signing secret is returned once. */
export async function createOutboundWebhook(db: Db, keyring: Keyring, tenantId: string, body: { url: string; events: string[] }) {
  const secret = newWebhookSecret();
  const now = Date.now();
  const id = newId("owh");
  const [row] = await db
    .insert(outboundWebhooks)
    .values({
      id,
      tenantId,
      url: body.url,
      events: body.events,
      secretEnc: await encryptSecret(secret, keyring, sealedAt.outboundWebhookSecret(tenantId, id)),
      updatedAt: now,
    })
    .returning();
  return { ...publicWebhook(row!, now), secret };
}

export async function listOutboundWebhooks(db: Db, tenantId: string) {
  const rows = await db
    .select()
    .from(outboundWebhooks)
    .where(inTenant(outboundWebhooks, tenantId))
    .orderBy(desc(outboundWebhooks.createdAt), desc(outboundWebhooks.id));
  const now = Date.now();
  return rows.map((r) => publicWebhook(r, now));
}

/** Changes url, events or enabled. Enabling clears the reason it was disabled (a 410, say). */
export async function updateOutboundWebhook(
  db: Db,
  tenantId: string,
  id: string,
  patch: { url?: string; events?: string[]; enabled?: boolean },
) {
  const before = await found(db, tenantId, id);
  const now = Date.now();
  const enabling = patch.enabled === true && !before.enabled;
  const disabling = patch.enabled === false && before.enabled;
  const [row] = await db
    .update(outboundWebhooks)
    .set({
      ...(patch.url !== undefined ? { url: patch.url } : {}),
      ...(patch.events !== undefined ? { events: patch.events } : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
      ...(enabling ? { disabledReason: null, disabledAt: null } : {}),
      ...(disabling ? { disabledReason: "Disabled by an admin", disabledAt: now } : {}),
      updatedAt: now,
    })
    .where(inTenant(outboundWebhooks, tenantId, eq(outboundWebhooks.id, id)))
    .returning();
  return publicWebhook(row!, now);
}

/** Removes the endpoint; its delivery rows stay (unsent ones fail: "removed or disabled"). */
export async function deleteOutboundWebhook(db: Db, tenantId: string, id: string) {
  const removed = await db
    .delete(outboundWebhooks)
    .where(inTenant(outboundWebhooks, tenantId, eq(outboundWebhooks.id, id)))
    .returning({ id: outboundWebhooks.id });
  if (!removed.length) throw new AppError("not_found", "No such webhook endpoint.");
}

/**
 * A new secret, shown once; the current one becomes the previous one and keeps signing for 24 h
 * (a rotation during an overlap ends the older overlap: at most two secrets sign).
 */
export async function rotateOutboundWebhookSecret(db: Db, keyring: Keyring, tenantId: string, id: string, now = Date.now()) {
  const before = await found(db, tenantId, id);
  const secret = newWebhookSecret();
  const [row] = await db
    .update(outboundWebhooks)
    .set({
      secretEnc: await encryptSecret(secret, keyring, sealedAt.outboundWebhookSecret(tenantId, id)),
      previousSecretEnc: before.secretEnc,
      previousSecretValidUntil: now + PREVIOUS_SECRET_OVERLAP_MS,
      updatedAt: now,
    })
    .where(inTenant(outboundWebhooks, tenantId, eq(outboundWebhooks.id, id)))
    .returning();
  return { ...publicWebhook(row!, now), secret };
}

/** The endpoint's deliveries, newest first (each one message; its id is the `webhook-id`). */
export async function listWebhookDeliveries(
  db: Db,
  tenantId: string,
  id: string,
  f: { status?: Exclude<DeliveryState, "sending"> },
  limit: number,
  after?: [number, string],
) {
  await found(db, tenantId, id);
  return listDeliveries(db, tenantId, { ...f, channel: "webhook", target: id }, limit, after);
}

export const publicWebhookDelivery = (d: typeof deliveries.$inferSelect) => ({
  ...publicDelivery(d),
  event: String((d.message as { event?: unknown }).event ?? "alert.created"),
});
