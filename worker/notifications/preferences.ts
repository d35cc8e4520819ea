import { inArray, type SQLWrapper } from "drizzle-orm";
import type { Db } from "../db/client";
import { idChunks } from "../lib/id-chunks";
import { userPreferences, type Channel, type QuietHours, type ResolvedChannel, type Severity } from "../db/schema";

export interface Preferences {
  channels: Record<Severity, Channel[]>;
  quietHours: QuietHours | null;
  /** Non-critical notifications are gathered into one message per channel per window of this many minutes (0: off). */
  digestMinutes: number;
  /** Channels beyond in-app and push on which to hear of a resolve (default none). */
  notifyResolved: ResolvedChannel[];
}

/** What a new user gets (docs/api.md "Notifications"). */
export const DEFAULT_PREFERENCES: Preferences = {
  channels: { critical: ["inapp", "push", "sms"], high: ["inapp", "push"], medium: ["inapp"], low: ["inapp"] },
  quietHours: null,
  digestMinutes: 0,
  notifyResolved: [],
};

/** The stored preferences of these users: ids (at most 90: D1 binds at most 100 parameters) or a query of them. */
export const preferencesQuery = (db: Db, userIds: string[] | SQLWrapper) =>
  db.select().from(userPreferences).where(inArray(userPreferences.userId, userIds));

/** Each user's preferences, the defaults for those with none stored. */
export function preferencesFrom(rows: (typeof userPreferences.$inferSelect)[], userIds: string[]): Map<string, Preferences> {
  const stored = new Map(
    rows.map((r) => [
      r.userId,
      {
        channels: r.channels,
        quietHours: r.quietHours ?? null,
        digestMinutes: r.digestMinutes,
        notifyResolved: r.notifyResolved ?? [],
      },
    ]),
  );
  return new Map(userIds.map((id) => [id, stored.get(id) ?? DEFAULT_PREFERENCES]));
}

export async function preferencesOf(db: Db, userIds: string[]): Promise<Map<string, Preferences>> {
  const rows = [];
  for (const chunk of idChunks(userIds)) rows.push(...(await preferencesQuery(db, chunk)));
  return preferencesFrom(rows, userIds);
}
