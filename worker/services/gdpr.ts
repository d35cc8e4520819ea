import { and, desc, eq, or, sql } from "drizzle-orm";
import { inTenant, type Db } from "../db/client";
import { alertComments, alerts, auditLog, inboxItems, pushSubscriptions, userPreferences, users } from "../db/schema";
import type { Keyring } from "../lib/keyring";
import { randomBytes, toBase64 } from "../lib/encoding";
import { AppError } from "../lib/problem";
import { forgetSessions } from "./sessions";
import { findUser, openUser, publicUser, sealEmail } from "./users";

/**
 * GDPR access (art. 15) and erasure (art. 17) for one person of a tenant, by its admin
 * (docs/security.md, "Personal data"). Export gathers what the tenant holds about the person;
 * erasure removes what identifies them and keeps what the fleet's history needs under the same
 * pseudonymous id (acknowledgements, comments, work orders stay, attributed to "Erased user").
 */
const EXPORT_LIMIT = 5_000;

export async function exportPerson(db: Db, keyring: Keyring, tenantId: string, userId: string) {
  const row = await findUser(db, tenantId, userId);
  if (!row) throw new AppError("not_found", "No such user.");
  const user = await openUser(keyring, row);
  const [comments, acknowledged, audit, subscriptions, preferences, inbox] = await Promise.all([
    db
      .select({ id: alertComments.id, alertId: alertComments.alertId, body: alertComments.body, createdAt: alertComments.createdAt })
      .from(alertComments)
      .where(inTenant(alertComments, tenantId, eq(alertComments.authorId, userId)))
      .orderBy(desc(alertComments.createdAt))
      .limit(EXPORT_LIMIT),
    db
      .select({ id: alerts.id, acknowledgedAt: alerts.acknowledgedAt })
      .from(alerts)
      .where(inTenant(alerts, tenantId, eq(alerts.acknowledgedBy, userId)))
      .limit(EXPORT_LIMIT),
    db
      .select()
      .from(auditLog)
      .where(
        inTenant(auditLog, tenantId, or(eq(auditLog.actorId, userId), and(eq(auditLog.targetType, "user"), eq(auditLog.targetId, userId)))),
      )
      .orderBy(desc(auditLog.createdAt))
      .limit(EXPORT_LIMIT),
    db
      .select({ id: pushSubscriptions.id, endpoint: pushSubscriptions.endpoint, createdAt: pushSubscriptions.createdAt })
      .from(pushSubscriptions)
      .where(inTenant(pushSubscriptions, tenantId, eq(pushSubscriptions.userId, userId))),
    db
      .select()
      .from(userPreferences)
      .where(inTenant(userPreferences, tenantId, eq(userPreferences.userId, userId))),
    db
      .select({ id: inboxItems.id, title: inboxItems.title, createdAt: inboxItems.createdAt, readAt: inboxItems.readAt })
      .from(inboxItems)
      .where(inTenant(inboxItems, tenantId, eq(inboxItems.userId, userId)))
      .orderBy(desc(inboxItems.id))
      .limit(EXPORT_LIMIT),
  ]);
  const iso = (ms: number | null) => (ms == null ? null : new Date(ms).toISOString());
  return {
    exportedAt: new Date().toISOString(),
    user: { ...publicUser(user), createdAt: iso(user.createdAt) },
    alertComments: comments.map((c) => ({ ...c, createdAt: iso(c.createdAt) })),
    alertsAcknowledged: acknowledged.map((a) => ({ alertId: a.id, acknowledgedAt: iso(a.acknowledgedAt) })),
    auditLog: audit.map((a) => ({
      id: a.id,
      action: a.action,
      actorId: a.actorId,
      targetType: a.targetType,
      targetId: a.targetId,
      ip: a.ip,
      userAgent: a.userAgent,
      detail: a.detail,
      createdAt: iso(a.createdAt),
    })),
    pushSubscriptions: subscriptions.map((s) => ({ ...s, createdAt: iso(s.createdAt) })),
    notificationPreferences: preferences[0] ? { ...preferences[0], updatedAt: iso(preferences[0].updatedAt) } : null,
    inbox: inbox.map((i) => ({ ...i, createdAt: iso(i.createdAt), readAt: iso(i.readAt) })),
  };
}

export const ERASED_NAME = "Erased user";

/**
 * Erases a person: name, email and phone replaced (the email by an unreachable placeholder with
 * a blind index of its own, so the address can be registered again), password made unusable,
 * deactivated with every token revoked, push subscriptions, preferences and inbox removed, and
 * the IP addresses and browsers of the person's audit rows blanked. One D1 batch.
 */
export async function erasePerson(db: Db, keyring: Keyring, tenantId: string, userId: string) {
  const row = await findUser(db, tenantId, userId);
  if (!row) throw new AppError("not_found", "No such user.");
  const placeholder = `erased-${userId}@erased.invalid`;
  const sealed = await sealEmail(keyring, tenantId, userId, placeholder);
  const unusable = `erased$${toBase64(randomBytes(24))}`; // not a pbkdf2 hash: no password matches
  const [, subs] = await db.batch([
    db
      .update(users)
      .set({
        ...sealed,
        name: ERASED_NAME,
        phoneEnc: null,
        legacyPhone: null,
        passwordHash: unusable,
        active: false,
        groups: [],
        tokenVersion: sql`${users.tokenVersion} + 1`,
      })
      .where(inTenant(users, tenantId, eq(users.id, userId))),
    db
      .delete(pushSubscriptions)
      .where(inTenant(pushSubscriptions, tenantId, eq(pushSubscriptions.userId, userId)))
      .returning({ id: pushSubscriptions.id }),
    db.delete(userPreferences).where(inTenant(userPreferences, tenantId, eq(userPreferences.userId, userId))),
    db.delete(inboxItems).where(inTenant(inboxItems, tenantId, eq(inboxItems.userId, userId))),
    db
      .update(auditLog)
      .set({ ip: null, userAgent: null })
      .where(inTenant(auditLog, tenantId, eq(auditLog.actorId, userId))),
  ]);
  forgetSessions(userId);
  return { pushSubscriptionsRemoved: (subs as unknown[]).length };
}
