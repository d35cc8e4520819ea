import { desc, eq, inArray, isNull } from "drizzle-orm";
import { inTenant, pastCursor, type Db } from "../db/client";
import {
  deliveries,
  escalationPolicies,
  inboxItems,
  pushSubscriptions,
  silences,
  tenants,
  userPreferences,
  type Delivery,
  type EscalationStep,
  type Severity,
} from "../db/schema";
import { newId } from "../lib/ids";
import { AppError } from "../lib/problem";
import { iso, isoOrNull } from "../lib/time";
import { cancelSilencedDeliveries } from "../notifications/cancellation";
import { preferencesOf, type Preferences } from "../notifications/preferences";
import type { ActiveSilence } from "../domain/silence";
import { oneReference, requireReferences } from "./references";
import { resolveSilenceGroups } from "./vehicle-groups";
import { logError } from "../lib/logger";

export async function getPreferences(db: Db, userId: string) {
  return (await preferencesOf(db, [userId])).get(userId)!;
}

export async function putPreferences(
  db: Db,
  tenantId: string,
  userId: string,
  body: Omit<Preferences, "notifyResolved"> & Partial<Preferences>,
) {
  const now = Date.now();
  // A full replacement: an omitted `notifyResolved` means none.
  const prefs: Preferences = { ...body, notifyResolved: body.notifyResolved ?? [] };
  await db
    .insert(userPreferences)
    .values({ userId, tenantId, ...prefs, updatedAt: now })
    .onConflictDoUpdate({ target: userPreferences.userId, set: { ...prefs, updatedAt: now } });
  return prefs;
}

/** Saves a browser's push subscription for the caller (re-subscribing the same endpoint moves it to them). */
export async function savePushSubscription(
  db: Db,
  tenantId: string,
  userId: string,
  sub: { endpoint: string; expirationTime?: number | null; keys: { p256dh: string; auth: string } },
) {
  const values = {
    tenantId,
    userId,
    endpoint: sub.endpoint,
    p256dh: sub.keys.p256dh,
    auth: sub.keys.auth,
    expirationTime: sub.expirationTime ?? null,
  };
  const [row] = await db
    .insert(pushSubscriptions)
    .values({ id: newId("psb"), ...values })
    .onConflictDoUpdate({ target: [pushSubscriptions.tenantId, pushSubscriptions.userId, pushSubscriptions.endpoint], set: values })
    .returning();
  return row!;
}

export async function deletePushSubscription(db: Db, tenantId: string, userId: string, endpoint: string) {
  const removed = await db
    .delete(pushSubscriptions)
    .where(inTenant(pushSubscriptions, tenantId, eq(pushSubscriptions.userId, userId), eq(pushSubscriptions.endpoint, endpoint)))
    .returning({ id: pushSubscriptions.id });
  if (!removed.length) throw new AppError("not_found", "No such subscription for you.");
}

export const publicDelivery = (d: Delivery) => ({
  id: d.id,
  alertId: d.alertId,
  topic: d.topic,
  userId: d.userId,
  channel: d.channel,
  step: d.step,
  status: d.status === "sending" ? ("queued" as const) : d.status, // `sending` is internal: not sent yet
  attempts: d.attempts,
  lastError: d.lastError,
  dueAt: isoOrNull(d.dueAt),
  sentAt: isoOrNull(d.sentAt),
  createdAt: iso(d.createdAt),
  fallbackOf: d.fallbackOf,
  fallbackReason: d.fallbackReason as "circuit_open" | "dead" | null,
});

export function listDeliveries(
  db: Db,
  tenantId: string,
  f: { alertId?: string; topic?: string; userId?: string; channel?: Delivery["channel"]; status?: Delivery["status"]; target?: string },
  limit: number,
  after?: [number, string],
) {
  return db
    .select()
    .from(deliveries)
    .where(
      inTenant(
        deliveries,
        tenantId,
        f.alertId ? eq(deliveries.alertId, f.alertId) : undefined,
        f.topic ? eq(deliveries.topic, f.topic) : undefined,
        f.userId ? eq(deliveries.userId, f.userId) : undefined,
        f.channel ? eq(deliveries.channel, f.channel) : undefined,
        f.target ? eq(deliveries.target, f.target) : undefined,
        f.status
          ? f.status === "queued"
            ? inArray(deliveries.status, ["queued", "sending"])
            : eq(deliveries.status, f.status)
          : undefined,
        pastCursor(deliveries.createdAt, deliveries.id, after, "desc"),
      ),
    )
    .orderBy(desc(deliveries.createdAt), desc(deliveries.id))
    .limit(limit + 1);
}

export const publicSilence = (s: typeof silences.$inferSelect) => ({
  id: s.id,
  matchers: s.matchers as Record<string, string>,
  startsAt: iso(s.startsAt),
  endsAt: iso(s.endsAt),
  comment: s.comment,
  createdBy: s.createdBy,
  createdAt: iso(s.createdAt),
  groups: s.groups,
});

export async function createSilence(
  db: Db,
  tenantId: string,
  createdBy: string,
  body: { matchers: Record<string, string | undefined>; startsAt: string; endsAt: string; comment: string; groups?: string[] },
  hub?: SilenceAwareHub,
) {
  const { vehicleId, ruleId } = body.matchers;
  // Built-in rules (driving anomalies, predictive models) have no row; their ids start with `builtin:`.
  const tenantRuleId = ruleId?.startsWith("builtin:") ? undefined : ruleId;
  await requireReferences(db, tenantId, {
    vehicle: oneReference("matchers.vehicleId", vehicleId),
    rule: oneReference("matchers.ruleId", tenantRuleId),
  });
  const [row] = await db
    .insert(silences)
    .values({
      id: newId("sil"),
      tenantId,
      createdBy,
      matchers: body.matchers as never,
      startsAt: Date.parse(body.startsAt),
      endsAt: Date.parse(body.endsAt),
      comment: body.comment,
      groups: body.groups ?? [],
    })
    .returning();
  await cancelSilencedDeliveries(db, tenantId); // held deliveries it covers are never sent
  // Pending escalation steps live in the tenant's object. If this call fails, the alarm still
  // checks silences before it fires a step, so none fires either way; this only drops them now.
  try {
    // A group-scoped silence reaches the object as one plain silence per vehicle of its groups.
    for (const silence of await resolveSilenceGroups(db, tenantId, [row!])) await hub?.cancelSilencedEscalations(tenantId, silence);
  } catch (error) {
    logError({ job: "silence.cancelEscalations", tenantId }, error);
  }
  return row!;
}

/** The tenant object's part of a new silence (durable-objects/tenant-hub.ts). */
export interface SilenceAwareHub {
  cancelSilencedEscalations(tenantId: string, silence: ActiveSilence): Promise<number>;
}

export const listSilences = (db: Db, tenantId: string) =>
  db.select().from(silences).where(inTenant(silences, tenantId)).orderBy(desc(silences.endsAt));

export async function deleteSilence(db: Db, tenantId: string, id: string) {
  const removed = await db
    .delete(silences)
    .where(inTenant(silences, tenantId, eq(silences.id, id)))
    .returning({ id: silences.id });
  if (!removed.length) throw new AppError("not_found", "No such silence.");
}

export const listPolicies = (db: Db, tenantId: string) =>
  db.select().from(escalationPolicies).where(inTenant(escalationPolicies, tenantId));

export async function putPolicy(db: Db, tenantId: string, severity: Severity, steps: EscalationStep[]) {
  const now = Date.now();
  await db
    .insert(escalationPolicies)
    .values({ tenantId, severity, steps, updatedAt: now })
    .onConflictDoUpdate({ target: [escalationPolicies.tenantId, escalationPolicies.severity], set: { steps, updatedAt: now } });
  return { severity, steps, updatedAt: iso(now) };
}

export interface TenantSettings {
  groupWaitSeconds: number;
  fallbackChannels: boolean;
}

export async function getSettings(db: Db, tenantId: string): Promise<TenantSettings> {
  const [row] = await db
    .select({ groupWaitSeconds: tenants.groupWaitSeconds, fallbackChannels: tenants.fallbackChannels })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  return row!;
}

/** Changes the settings named in `change` (others are kept); answers all of them. */
export async function putSettings(db: Db, tenantId: string, change: Partial<TenantSettings>) {
  const [row] = await db
    .update(tenants)
    .set(change)
    .where(eq(tenants.id, tenantId))
    .returning({ groupWaitSeconds: tenants.groupWaitSeconds, fallbackChannels: tenants.fallbackChannels });
  return row!;
}

export function listInbox(db: Db, tenantId: string, userId: string, limit: number, unreadOnly: boolean) {
  return db
    .select()
    .from(inboxItems)
    .where(inTenant(inboxItems, tenantId, eq(inboxItems.userId, userId), unreadOnly ? isNull(inboxItems.readAt) : undefined))
    .orderBy(desc(inboxItems.id)) // newest first: ids begin with their creation time (the table's key)
    .limit(limit);
}

export async function markInboxRead(db: Db, tenantId: string, userId: string, id: string) {
  const [row] = await db
    .update(inboxItems)
    .set({ readAt: Date.now() })
    .where(inTenant(inboxItems, tenantId, eq(inboxItems.userId, userId), eq(inboxItems.id, id)))
    .returning();
  if (!row) throw new AppError("not_found", "No such inbox item.");
  return row;
}
