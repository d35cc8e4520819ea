import { asc, eq, gt } from "drizzle-orm";
import type { HubPorts } from "../../durable-objects/hub-ports";
import { database, inTenant } from "../db/client";
import { alertRules, alerts, escalationPolicies, silences, vehicles } from "../db/schema";
import { enabledWebhooks } from "../notifications/alert-webhooks";
import { pollGeotab } from "../integrations/geotab/poller";
import { proposePredictiveWorkOrders } from "../services/predictive-work-orders";
import { geofenceShapes } from "../services/geofences";
import { toRuleDef } from "../services/rules";
import { publicAlert } from "../services/alerts";
import { sweepEngagement } from "../services/engagement";
import { sweepMaintenance } from "../services/maintenance-sweep";
import { resolveRuleGroups, resolveSilenceGroups } from "../services/vehicle-groups";
import { saveAlertSnapshots } from "./alert-snapshots";
import { pruneTenantRecords } from "./retention";
import { sweepStaleDeliveries } from "../notifications/sweep";
import { retentionDays } from "../services/retention-settings";
import { ingestShardCount } from "../services/ingest-shards";

/** The tenant object's ports on the Worker's side: D1 reads and writes, work orders, Geotab over fetch, the per-tenant sweeps. */
export function d1HubPorts(env: Env): HubPorts {
  const db = database(env.DB);
  return {
    vehicles: (tenantId) =>
      db
        .select({ id: vehicles.id, externalId: vehicles.externalId, name: vehicles.name, driverId: vehicles.driverId })
        .from(vehicles)
        .where(inTenant(vehicles, tenantId)),
    // Group scopes are resolved here to vehicle ids, so the object's rule engine and silence
    // matcher need no notion of groups (its directory is invalidated when a vehicle changes).
    rules: async (tenantId) => {
      const rows = await db.select().from(alertRules).where(inTenant(alertRules, tenantId)).orderBy(asc(alertRules.id));
      return resolveRuleGroups(
        db,
        tenantId,
        rows.map((r) => ({ ...toRuleDef(r), groups: r.groups })),
      );
    },
    geofences: (tenantId) => geofenceShapes(db, tenantId),
    silences: async (tenantId, now) =>
      resolveSilenceGroups(
        db,
        tenantId,
        await db
          .select()
          .from(silences)
          .where(inTenant(silences, tenantId, gt(silences.endsAt, now))),
      ),
    escalationPolicies: async (tenantId) =>
      new Map((await db.select().from(escalationPolicies).where(inTenant(escalationPolicies, tenantId))).map((p) => [p.severity, p.steps])),
    alertUpdateWebhooks: async (tenantId) => (await enabledWebhooks(db, tenantId)).some((hook) => hook.events.includes("alert.updated")),
    saveAlerts: (tenantId, alerts, created) => saveAlertSnapshots(env.DB, tenantId, alerts, created),
    storedAlert: async (tenantId, alertId) => {
      const [row] = await db
        .select()
        .from(alerts)
        .where(inTenant(alerts, tenantId, eq(alerts.id, alertId)));
      return row ? publicAlert(row) : null;
    },
    proposeWorkOrders: (tenantId, proposals) => proposePredictiveWorkOrders(env, tenantId, proposals),
    // Straight into the calling object (its `ingest`), not back through its own stub.
    pollGeotab: (tenantId, ingest) => pollGeotab(env, tenantId, fetch, { ingest }),
    sweepMaintenance: async (tenantId, now) => {
      await sweepMaintenance(env, tenantId, now);
    },
    sweepEngagement: async (tenantId, now) => {
      await sweepEngagement(env, tenantId, now);
    },
    pruneRecords: (tenantId, before) => pruneTenantRecords(env.DB, tenantId, before),
    retentionDays: (tenantId) => retentionDays(db, tenantId),
    ingestShards: (tenantId) => ingestShardCount(db, tenantId),
    sweepDeliveries: async (tenantId, now) => {
      await sweepStaleDeliveries(env, now, tenantId);
    },
  };
}
