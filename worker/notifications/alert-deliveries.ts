import { sql, type SQL } from "drizzle-orm";

/**
 * The deliveries (alias `d`) whose message names the alert, found through the alert's own keys:
 * its own rows (`deliveries_tenant_alert`) and the rows its decisions name (a group or digest it
 * joined; every row that named it besides its own once final: the decision triggers of migrations
 * 0031 and 0033),
 * each kept only if its message names it. Never a walk of the tenant's delivery history, which a
 * scan of every message for the alert's id was (`test/workers/notification-reads.test.ts`).
 */
export const namingAlert = (tenantId: string, alertId: string): SQL => sql`d.id IN (
    SELECT id FROM deliveries WHERE tenant_id = ${tenantId} AND alert_id = ${alertId}
    UNION SELECT json_extract(detail, '$.deliveryId') FROM alert_decisions WHERE tenant_id = ${tenantId} AND alert_id = ${alertId})
  AND +d.tenant_id = ${tenantId}
  AND EXISTS (SELECT 1 FROM json_each(d.message, '$.alerts') a WHERE json_extract(a.value, '$.id') = ${alertId})`;
