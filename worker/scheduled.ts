import { and, isNotNull, lte } from "drizzle-orm";
import { database } from "./db/client";
import { tenants } from "./db/schema";
import { purgeExpiredThrottles } from "./services/login-throttle";

/**
 * The cron sweep. Today: housekeeping of expired login throttles and rotated-out webhook
 * secrets past their 24 h overlap.
 */
export async function runSweep(env: Env, now = Date.now()) {
  const db = database(env.DB);
  await db.batch([
    purgeExpiredThrottles(db, now),
    db
      .update(tenants)
      .set({ previousWebhookSecretEnc: null, previousSecretExpiresAt: null })
      .where(and(isNotNull(tenants.previousSecretExpiresAt), lte(tenants.previousSecretExpiresAt, now))),
  ]);
}
