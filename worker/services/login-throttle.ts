import { inArray, lt, sql } from "drizzle-orm";
import { loginThrottle } from "../db/schema";
import type { Db } from "../db/client";

/** Brute-force limits: failures counted in a fixed window, then a block of the same length. */
export const THROTTLE = {
  windowMs: 15 * 60 * 1000,
  blockMs: 15 * 60 * 1000,
  maxAccountFailures: 5,
  maxIpFailures: 20,
};

export const accountKey = (tenantSlug: string, email: string) => `acct:${tenantSlug}:${email}`;
export const ipKey = (ip: string) => `ip:${ip}`;

/** Milliseconds until the longest block on any of `keys` ends, or 0 when none is blocked. */
export async function blockedFor(db: Db, keys: string[], now = Date.now()): Promise<number> {
  const rows = await db.select().from(loginThrottle).where(inArray(loginThrottle.key, keys));
  return Math.max(0, ...rows.map((row) => (row.blockedUntil ?? 0) - now));
}

/** Counts one failure against each key atomically; a key over its limit becomes blocked. */
export async function recordFailure(db: Db, keys: { key: string; limit: number }[], now = Date.now()) {
  await db.batch(
    keys.map(({ key, limit }) =>
      db
        .insert(loginThrottle)
        .values({ key, failures: 1, windowStartedAt: now, blockedUntil: limit <= 1 ? now + THROTTLE.blockMs : null })
        .onConflictDoUpdate({
          target: loginThrottle.key,
          // A window that has ended starts again at 1; otherwise count up and block at the limit.
          set: {
            failures: sql`CASE WHEN ${loginThrottle.windowStartedAt} <= ${now - THROTTLE.windowMs} THEN 1 ELSE ${loginThrottle.failures} + 1 END`,
            windowStartedAt: sql`CASE WHEN ${loginThrottle.windowStartedAt} <= ${now - THROTTLE.windowMs} THEN ${now} ELSE ${loginThrottle.windowStartedAt} END`,
            blockedUntil: sql`CASE WHEN ${loginThrottle.windowStartedAt} > ${now - THROTTLE.windowMs} AND ${loginThrottle.failures} + 1 >= ${limit} THEN ${now + THROTTLE.blockMs} ELSE ${loginThrottle.blockedUntil} END`,
          },
        }),
    ) as [never, ...never[]],
  );
}

export const clearFailures = (db: Db, key: string) => db.delete(loginThrottle).where(inArray(loginThrottle.key, [key]));

/** Cron housekeeping: forget windows and blocks that are over. */
export const purgeExpiredThrottles = (db: Db, now = Date.now()) =>
  db
    .delete(loginThrottle)
    .where(lt(sql`max(${loginThrottle.windowStartedAt} + ${THROTTLE.windowMs}, coalesce(${loginThrottle.blockedUntil}, 0))`, now));
