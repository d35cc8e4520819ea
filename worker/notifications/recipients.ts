import { and, eq, inArray, or, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { inTenant, type Db } from "../db/client";
import { alerts, pushSubscriptions, users, vehicles, type Channel } from "../db/schema";
import { inScope as inGroups } from "../domain/groups";
import type { Recipient } from "./channels/types";

/**
 * A recipient with the groups it is scoped to (empty = all), for routing by group. Planning needs
 * only whether a phone number exists; the addresses stay sealed until deliver.ts sends.
 */
export type ScopedRecipient = Omit<Recipient, "email" | "phone"> & { hasPhone: boolean; groups: string[] };

/**
 * What routing reads of a user: the id, name and groups, and whether a phone is on file (sealed
 * or from before sealing; an empty one counts as none). Not the sealed contact details or the
 * credentials `select()` would bring along: every planning job reads its whole audience.
 */
const recipientColumns = {
  id: users.id,
  name: users.name,
  groups: users.groups,
  hasPhone: sql<number>`coalesce(${users.phoneEnc}, ${users.legacyPhone}, '') != ''`.as("has_phone"),
};
type RecipientRow = { id: string; name: string; groups: string[]; hasPhone: number };

const toRecipient = (u: RecipientRow): ScopedRecipient => ({
  userId: u.id,
  name: u.name,
  hasPhone: !!u.hasPhone,
  groups: u.groups ?? [],
});

/**
 * Routing by group: a user scoped to groups is told only of alerts of vehicles in one of them
 * (the depot's own manager, not every manager). The vehicle's own driver is always in scope.
 */
export function splitByScope(audience: ScopedRecipient[], vehicleGroups: string[], driverId: string | null) {
  const inScope: ScopedRecipient[] = [];
  const outOfScope: ScopedRecipient[] = [];
  for (const r of audience) (r.userId === driverId || inGroups(r.groups, vehicleGroups) ? inScope : outOfScope).push(r);
  return { inScope, outOfScope };
}

/**
 * Who a planning job tells, as a condition on `users`: the users, their preferences and push
 * subscriptions are then read in one D1 round trip with the job's other inputs (planning-job.ts).
 */
export type Audience = SQL;

/**
 * Everyone allowed to see an alert: the tenant's admins and managers, and the driver of the
 * alert's vehicle (read in the same statement, not first).
 */
export const alertAudience = (db: Db, tenantId: string, alertId: string): Audience => {
  const driver = db
    .select({ driverId: vehicles.driverId })
    .from(vehicles)
    .innerJoin(alerts, and(eq(alerts.vehicleId, vehicles.id), eq(alerts.tenantId, vehicles.tenantId)))
    .where(inTenant(alerts, tenantId, eq(alerts.id, alertId)));
  return inTenant(users, tenantId, or(inArray(users.role, ["admin", "manager"]), sql`${users.id} = (${driver})`));
};

export const audienceQuery = (db: Db, audience: Audience) => db.select(recipientColumns).from(users).where(audience);

export const recipientsFrom = (rows: RecipientRow[]) => rows.map(toRecipient);

/** Each user's push subscriptions, read once for a whole audience. */
export type PushTargets = Map<string, string[]>;

/** The push subscriptions of these users: ids (at most 90: D1 binds at most 100 parameters) or a query of them. */
export const pushTargetsQuery = (db: Db, tenantId: string, userIds: string[] | SQLWrapper) =>
  db
    .select({ id: pushSubscriptions.id, userId: pushSubscriptions.userId })
    .from(pushSubscriptions)
    .where(inTenant(pushSubscriptions, tenantId, inArray(pushSubscriptions.userId, userIds)));

export function pushTargetsFrom(subs: { id: string; userId: string }[]): PushTargets {
  const byUser: PushTargets = new Map();
  for (const s of subs) byUser.set(s.userId, [...(byUser.get(s.userId) ?? []), s.id]);
  return byUser;
}

/** Where a channel sends to for one user: each push subscription, or the user's one address (null). */
export const channelTargets = (pushTargets: PushTargets, userId: string, channel: Channel): (string | null)[] =>
  channel === "push" ? (pushTargets.get(userId) ?? []) : [null];
