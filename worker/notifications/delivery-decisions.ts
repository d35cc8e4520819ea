/**
 * A delivery's final outcome for its own alert, read from the delivery row itself (migration 0033:
 * the triggers no longer copy it into `alert_decisions`; they still record it for the other alerts
 * a group or digest message names). Same id, outcome, reason, detail and time as the copy was;
 * a copy kept by a re-drive (the outcome it overwrote) or by an older version wins.
 */
import { sql, type SQL } from "drizzle-orm";

/** Columns `id, userId, channel, outcome, reason, detail (JSON text), at` of the alert's own final deliveries. */
export const ownDeliveryDecisions = (tenantId: string, alertId: string): SQL => sql`
  SELECT own.* FROM (
    SELECT 'dec_' || substr(d.id, 5) || ':' || d.alert_id || ':' || d.status AS id, d.user_id AS userId, d.channel AS channel,
      CASE d.status WHEN 'sent' THEN 'told' ELSE 'skipped' END AS outcome,
      CASE WHEN d.status != 'sent' THEN d.status WHEN d.fallback_of IS NOT NULL THEN 'fallback'
        WHEN d.step > 0 THEN 'escalation' ELSE 'preference' END AS reason,
      json_patch('{}', json_object('deliveryId', d.id, 'step', d.step, 'fallbackOf', d.fallback_of,
        'error', CASE WHEN d.status = 'sent' THEN NULL ELSE d.last_error END)) AS detail,
      d.updated_at AS at
    FROM deliveries d
    WHERE d.tenant_id = ${tenantId} AND d.alert_id = ${alertId} AND d.status IN ('sent', 'failed', 'dead', 'cancelled')
      AND d.user_id IS NOT NULL AND d.topic IS NULL
      AND EXISTS (SELECT 1 FROM json_each(d.message, '$.alerts') m WHERE json_extract(m.value, '$.id') = d.alert_id)
  ) own
  WHERE NOT EXISTS (SELECT 1 FROM alert_decisions kept WHERE kept.tenant_id = ${tenantId} AND kept.alert_id = ${alertId} AND kept.id = own.id)`;
