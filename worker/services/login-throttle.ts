import { inArray, lt, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { loginThrottle } from "../db/schema";
import { blindIndex, normaliseEmail } from "../lib/blind-index";
import type { Keyring } from "../lib/keyring";

/**
 * Brute-force limits on sign-in (docs/security.md). Every attempt is counted *before* the password
 * is checked, in one D1 batch (a transaction), so parallel guesses cannot all pass a check that
 * has not seen the others; a success gives its count back. Three counters, each in a fixed window:
 * - per account and IP (5): an attacker's bad guesses block only the attacker's address;
 * - per account (50): a slow distributed guesser is still stopped, but far later;
 * - per IP (20): one address cannot sweep many accounts.
 */
export const THROTTLE = {
  windowMs: 15 * 60 * 1000,
  maxPairFailures: 5,
  maxAccountFailures: 50,
  maxIpFailures: 20,
};

interface ThrottleKey {
  key: string;
  limit: number;
}

/**
 * The counters one attempt at (tenant, email) from `ip` is counted against. The account is named
 * by a blind index of the email (never the address itself: the table outlives the attempt).
 */
export async function throttleKeys(keyring: Keyring, tenantSlug: string, email: string, ip: string): Promise<ThrottleKey[]> {
  const account = await blindIndex(keyring, `login:${tenantSlug}`, normaliseEmail(email));
  return [
    { key: `pair:${tenantSlug}:${account}:${ip}`, limit: THROTTLE.maxPairFailures },
    { key: `acct:${tenantSlug}:${account}`, limit: THROTTLE.maxAccountFailures },
    { key: `ip:${ip}`, limit: THROTTLE.maxIpFailures },
  ];
}

/**
 * Counts one attempt against every key at once. Returns 0 when the attempt may go ahead, or the
 * milliseconds until the fullest key's window ends when any key is already at its limit.
 */
export async function reserveAttempt(db: Db, keys: ThrottleKey[], now = Date.now()): Promise<number> {
  const expired = sql`${loginThrottle.windowStartedAt} <= ${now - THROTTLE.windowMs}`;
  const counted = await db.batch(
    keys.map(({ key }) =>
      db
        .insert(loginThrottle)
        .values({ key, failures: 1, windowStartedAt: now })
        .onConflictDoUpdate({
          target: loginThrottle.key,
          // A window that has ended starts again at 1; otherwise count up.
          set: {
            failures: sql`CASE WHEN ${expired} THEN 1 ELSE ${loginThrottle.failures} + 1 END`,
            windowStartedAt: sql`CASE WHEN ${expired} THEN ${now} ELSE ${loginThrottle.windowStartedAt} END`,
          },
        })
        .returning({ failures: loginThrottle.failures, windowStartedAt: loginThrottle.windowStartedAt }),
    ) as [never, ...never[]],
  );
  const waits = (counted as { failures: number; windowStartedAt: number }[][]).map(([row], i) =>
    row && row.failures > keys[i]!.limit ? row.windowStartedAt + THROTTLE.windowMs - now : 0,
  );
  return Math.max(0, ...waits);
}

/** A successful sign-in: its attempt was no failure, and the caller's pair starts afresh. */
export async function refundAttempt(db: Db, keys: ThrottleKey[]) {
  const [pair, ...others] = keys;
  await db.batch([
    db.delete(loginThrottle).where(inArray(loginThrottle.key, [pair!.key])),
    db
      .update(loginThrottle)
      .set({ failures: sql`max(${loginThrottle.failures} - 1, 0)` })
      .where(
        inArray(
          loginThrottle.key,
          others.map((k) => k.key),
        ),
      ),
  ]);
}

/** Cron housekeeping: forget windows that are over. */
export const purgeExpiredThrottles = (db: Db, now = Date.now()) =>
  db
    .delete(loginThrottle)
    .where(lt(sql`max(${loginThrottle.windowStartedAt} + ${THROTTLE.windowMs}, coalesce(${loginThrottle.blockedUntil}, 0))`, now));
