import { inArray } from "drizzle-orm";
import type { Db } from "../db/client";
import { userPreferences, type Channel, type QuietHours, type Severity } from "../db/schema";

export interface Preferences {
  channels: Record<Severity, Channel[]>;
  quietHours: QuietHours | null;
  digestMinutes: number;
}

/** What a new user gets (docs/api.md "Notifications"). */
export const DEFAULT_PREFERENCES: Preferences = {
  channels: { critical: ["inapp", "push", "sms"], high: ["inapp", "push"], medium: ["inapp"], low: ["inapp"] },
  quietHours: null,
  digestMinutes: 0,
};

export async function preferencesOf(db: Db, userIds: string[]): Promise<Map<string, Preferences>> {
  const rows = userIds.length ? await db.select().from(userPreferences).where(inArray(userPreferences.userId, userIds)) : [];
  const stored = new Map(
    rows.map((r) => [r.userId, { channels: r.channels, quietHours: r.quietHours ?? null, digestMinutes: r.digestMinutes }]),
  );
  return new Map(userIds.map((id) => [id, stored.get(id) ?? DEFAULT_PREFERENCES]));
}
