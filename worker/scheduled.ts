import { and, isNotNull, lte } from "drizzle-orm";
import { database } from "./db/client";
import { tenants } from "./db/schema";
import { tenantHub } from "./lib/hub";
import { tenantsWithIntegration } from "./services/integrations";
import { purgeExpiredThrottles } from "./services/login-throttle";

/**
 * The cron sweep: housekeeping of expired login throttles and rotated-out webhook secrets past
 * their 24 h overlap, and re-arming each Geotab tenant's poll alarm (the object polls; the sweep
 * only makes sure no tenant's alarm was lost).
 */
export async function runSweep(env: Env, now = Date.now()) {
  const db = database(env.DB);
  for (const tenantId of await tenantsWithIntegration(db, "geotab")) await tenantHub(env, tenantId).armGeotab(tenantId);
  await db.batch([
    purgeExpiredThrottles(db, now),
    db
      .update(tenants)
      .set({ previousWebhookSecretEnc: null, previousSecretExpiresAt: null })
      .where(and(isNotNull(tenants.previousSecretExpiresAt), lte(tenants.previousSecretExpiresAt, now))),
  ]);
}
