import { and, isNotNull, lte } from "drizzle-orm";
import { database } from "./db/client";
import { tenants } from "./db/schema";
import { tenantHub } from "./lib/hub";
import { keyringOf } from "./lib/keyring";
import { purgeExpiredThrottles } from "./services/login-throttle";
import { sealPendingUsers } from "./services/users";
import { sweepStaleDeliveries } from "./notifications/sweep";
import { logError, logWarn } from "./lib/logger";

/**
 * The cron sweep, a backstop: every tenant's time-driven work (maintenance reminders and plan
 * work orders, engagement, escalations, the Geotab poll, retention) runs on its object's alarm
 * (docs/time-driven-work.md); cron only re-arms each tenant's alarm (`ensureAlarm`) and logs the
 * tenants whose alarm was lost or overdue. It also runs the cross-tenant housekeeping: stale
 * deliveries, expired login throttles, rotated-out webhook secrets past their 24 h overlap.
 */
export async function runSweep(env: Env, now = Date.now()) {
  const db = database(env.DB);
  await rearmTenantAlarms(
    env,
    (await db.select({ id: tenants.id }).from(tenants)).map((t) => t.id),
  );
  await sweepStaleDeliveries(env, now); // deliveries whose queue job was lost or whose send stalled
  await sealPendingUsers(db, keyringOf(env)); // migration 0023's backfill: users still in clear (normally none)
  await db.batch([
    purgeExpiredThrottles(db, now),
    db
      .update(tenants)
      .set({ previousWebhookSecretEnc: null, previousSecretExpiresAt: null })
      .where(and(isNotNull(tenants.previousSecretExpiresAt), lte(tenants.previousSecretExpiresAt, now))),
  ]);
}

/** Re-arms each tenant's alarm; one tenant's failure is logged and does not stop the others. */
export async function rearmTenantAlarms(env: Env, tenantIds: string[]) {
  const overdue: { tenantId: string; alarmAt: number | null }[] = [];
  for (const tenantId of tenantIds) {
    try {
      const state = await tenantHub(env, tenantId).ensureAlarm(tenantId);
      if (state.overdue) overdue.push({ tenantId, alarmAt: state.alarmAt });
    } catch (error) {
      logError({ job: "alarm.backstop", tenantId }, error);
    }
  }
  if (overdue.length) logWarn({ job: "alarm.backstop", overdue });
  return overdue;
}
