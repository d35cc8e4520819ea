import { and, isNotNull, lte } from "drizzle-orm";
import { database } from "./db/client";
import { tenants } from "./db/schema";
import { tenantHub } from "./lib/hub";
import { tenantsWithIntegration } from "./services/integrations";
import { sweepMaintenance, tenantsWithPlans } from "./services/maintenance-sweep";
import { purgeExpiredThrottles } from "./services/login-throttle";
import { sweepEngagement, tenantsWithParticipants } from "./services/engagement";
import { sweepStaleDeliveries } from "./notifications/sweep";

/**
 * The cron sweep: housekeeping of expired login throttles and rotated-out webhook secrets past
 * their 24 h overlap, re-arming each Geotab tenant's poll alarm (the object polls; the sweep
 * only makes sure no tenant's alarm was lost), and the maintenance sweep (time-based plans fall
 * due without telemetry).
 */
export async function runSweep(env: Env, now = Date.now()) {
  const db = database(env.DB);
  for (const tenantId of await tenantsWithIntegration(db, "geotab")) await tenantHub(env, tenantId).armGeotab(tenantId);
  // Maintenance: due-status transitions (each queues a reminder) and plan work orders (created once per interval).
  for (const tenantId of await tenantsWithPlans(env)) {
    try {
      await sweepMaintenance(env, tenantId, now);
    } catch (error) {
      console.error(JSON.stringify({ level: "error", job: "maintenance.sweep", tenantId, error: String(error) }));
    }
  }
  // Engagement: points and badges earned since the last sweep (each awarded exactly once).
  for (const tenantId of await tenantsWithParticipants(env)) {
    try {
      await sweepEngagement(env, tenantId, now);
    } catch (error) {
      console.error(JSON.stringify({ level: "error", job: "engagement.sweep", tenantId, error: String(error) }));
    }
  }
  await sweepStaleDeliveries(env, now); // deliveries whose queue job was lost or whose send stalled
  await db.batch([
    purgeExpiredThrottles(db, now),
    db
      .update(tenants)
      .set({ previousWebhookSecretEnc: null, previousSecretExpiresAt: null })
      .where(and(isNotNull(tenants.previousSecretExpiresAt), lte(tenants.previousSecretExpiresAt, now))),
  ]);
}
