import { inArray } from "drizzle-orm";
import type { Db } from "../db/client";
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

export async function preferencesOf(db: Db, userIds: string[]): Promise<Map<string, Preferences>> {
  const rows = userIds.length ? await db.select().from(userPreferences).where(inArray(userPreferences.userId, userIds)) : [];
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
