/** Per-user opt-out and the tenant's "hide the leaderboard" switch. */
import { eq } from "drizzle-orm";
import { inTenant, type Db } from "../db/client";
import { engagementPreferences, engagementSettings } from "../db/schema";

export async function isOptedOut(db: Db, tenantId: string, userId: string): Promise<boolean> {
  const row = await db.query.engagementPreferences.findFirst({
    where: inTenant(engagementPreferences, tenantId, eq(engagementPreferences.userId, userId)),
  });
  return row?.optedOut ?? false;
}

export async function setOptedOut(db: Db, tenantId: string, userId: string, optedOut: boolean, now = Date.now()) {
  await db
    .insert(engagementPreferences)
    .values({ userId, tenantId, optedOut, updatedAt: now })
    .onConflictDoUpdate({ target: engagementPreferences.userId, set: { optedOut, updatedAt: now } });
}

export async function leaderboardHidden(db: Db, tenantId: string): Promise<boolean> {
  const row = await db.query.engagementSettings.findFirst({ where: inTenant(engagementSettings, tenantId) });
  return row?.leaderboardHidden ?? false;
}

export async function setLeaderboardHidden(db: Db, tenantId: string, hidden: boolean, now = Date.now()) {
  await db
    .insert(engagementSettings)
    .values({ tenantId, leaderboardHidden: hidden, updatedAt: now })
    .onConflictDoUpdate({ target: engagementSettings.tenantId, set: { leaderboardHidden: hidden, updatedAt: now } });
}
