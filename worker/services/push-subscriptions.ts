import { and, desc, eq, inArray, ne } from "drizzle-orm";
import { inTenant, type Db } from "../db/client";
import { pushSubscriptions } from "../db/schema";
import { savePushSubscription } from "./notification-settings";

/** Subscriptions one user may keep (browsers and devices); the oldest beyond it are dropped. */
export const MAX_PUSH_SUBSCRIPTIONS_PER_USER = 10;

/**
 * Registers a browser's subscription for the caller, bound to its tenant (docs/security.md): the
 * same endpoint of another user of the tenant moves to the caller (the device changed hands),
 * another tenant's rows are never touched, and the user keeps at most the newest
 * MAX_PUSH_SUBSCRIPTIONS_PER_USER.
 */
export async function subscribePush(db: Db, tenantId: string, userId: string, sub: Parameters<typeof savePushSubscription>[3]) {
  await db
    .delete(pushSubscriptions)
    .where(inTenant(pushSubscriptions, tenantId, eq(pushSubscriptions.endpoint, sub.endpoint), ne(pushSubscriptions.userId, userId)));
  const row = await savePushSubscription(db, tenantId, userId, sub);
  const newestFirst = await db
    .select({ id: pushSubscriptions.id })
    .from(pushSubscriptions)
    .where(inTenant(pushSubscriptions, tenantId, eq(pushSubscriptions.userId, userId)))
    .orderBy(desc(pushSubscriptions.createdAt), desc(pushSubscriptions.id));
  const others = newestFirst.map((s) => s.id).filter((id) => id !== row.id);
  const drop = others.slice(MAX_PUSH_SUBSCRIPTIONS_PER_USER - 1);
  if (drop.length)
    await db.delete(pushSubscriptions).where(and(eq(pushSubscriptions.tenantId, tenantId), inArray(pushSubscriptions.id, drop)));
  return row;
}
