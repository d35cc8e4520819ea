-- Issue 18 (D1 rows per alert): a delivery's final outcome for its own alert (told, failed, dead,
-- cancelled) is no longer copied into `alert_decisions`: the row itself says it, and
-- GET /api/alerts/{id}/decisions derives it from the alert's own deliveries
-- (worker/notifications/delivery-decisions.ts). The triggers keep recording the outcome for the
-- other alerts a group or digest message names (their decisions are how those alerts find the row:
-- worker/notifications/alert-deliveries.ts). A final outcome that a re-drive (dead → queued) is
-- about to overwrite is recorded first, so the history keeps it. One row less per final delivery:
-- four per new alert with the default fan-out.
DROP TRIGGER `alert_decisions_on_delivery_insert`;
--> statement-breakpoint
DROP TRIGGER `alert_decisions_on_delivery_update`;
--> statement-breakpoint
CREATE TRIGGER `alert_decisions_on_delivery_insert` AFTER INSERT ON `deliveries`
WHEN new.status IN ('sent', 'failed') AND new.user_id IS NOT NULL AND new.alert_id IS NOT NULL AND new.topic IS NULL BEGIN
  INSERT OR IGNORE INTO alert_decisions (id, tenant_id, alert_id, user_id, channel, outcome, reason, detail, at)
  SELECT 'dec_' || substr(new.id, 5) || ':' || json_extract(m.value, '$.id') || ':' || new.status, new.tenant_id,
    json_extract(m.value, '$.id'), new.user_id, new.channel,
    CASE new.status WHEN 'sent' THEN 'told' ELSE 'skipped' END,
    CASE WHEN new.status != 'sent' THEN new.status WHEN new.fallback_of IS NOT NULL THEN 'fallback'
      WHEN new.step > 0 THEN 'escalation' ELSE 'preference' END,
    json_patch('{}', json_object('deliveryId', new.id, 'step', new.step, 'fallbackOf', new.fallback_of, 'error', new.last_error)),
    new.updated_at
  FROM json_each(new.message, '$.alerts') m
  WHERE json_extract(m.value, '$.id') != new.alert_id;
END;
--> statement-breakpoint
CREATE TRIGGER `alert_decisions_on_delivery_update` AFTER UPDATE OF status ON `deliveries`
WHEN new.status IN ('sent', 'failed', 'dead', 'cancelled') AND old.status != new.status
  AND new.user_id IS NOT NULL AND new.alert_id IS NOT NULL AND new.topic IS NULL BEGIN
  INSERT OR IGNORE INTO alert_decisions (id, tenant_id, alert_id, user_id, channel, outcome, reason, detail, at)
  SELECT 'dec_' || substr(new.id, 5) || ':' || json_extract(m.value, '$.id') || ':' || new.status, new.tenant_id,
    json_extract(m.value, '$.id'), new.user_id, new.channel,
    CASE new.status WHEN 'sent' THEN 'told' ELSE 'skipped' END,
    CASE WHEN new.status != 'sent' THEN new.status WHEN new.fallback_of IS NOT NULL THEN 'fallback'
      WHEN new.step > 0 THEN 'escalation' ELSE 'preference' END,
    json_patch('{}', json_object('deliveryId', new.id, 'step', new.step, 'fallbackOf', new.fallback_of,
      'error', CASE WHEN new.status = 'sent' THEN NULL ELSE new.last_error END)),
    new.updated_at
  FROM json_each(new.message, '$.alerts') m
  WHERE json_extract(m.value, '$.id') != new.alert_id;
END;
--> statement-breakpoint
CREATE TRIGGER `alert_decisions_on_delivery_reopen` AFTER UPDATE OF status ON `deliveries`
WHEN old.status IN ('sent', 'failed', 'dead', 'cancelled') AND new.status NOT IN ('sent', 'failed', 'dead', 'cancelled')
  AND old.user_id IS NOT NULL AND old.alert_id IS NOT NULL AND old.topic IS NULL
  AND EXISTS (SELECT 1 FROM json_each(old.message, '$.alerts') m WHERE json_extract(m.value, '$.id') = old.alert_id) BEGIN
  INSERT OR IGNORE INTO alert_decisions (id, tenant_id, alert_id, user_id, channel, outcome, reason, detail, at)
  VALUES ('dec_' || substr(old.id, 5) || ':' || old.alert_id || ':' || old.status, old.tenant_id, old.alert_id, old.user_id, old.channel,
    CASE old.status WHEN 'sent' THEN 'told' ELSE 'skipped' END,
    CASE WHEN old.status != 'sent' THEN old.status WHEN old.fallback_of IS NOT NULL THEN 'fallback'
      WHEN old.step > 0 THEN 'escalation' ELSE 'preference' END,
    json_patch('{}', json_object('deliveryId', old.id, 'step', old.step, 'fallbackOf', old.fallback_of,
      'error', CASE WHEN old.status = 'sent' THEN NULL ELSE old.last_error END)),
    old.updated_at);
END;
--> statement-breakpoint
DELETE FROM alert_decisions WHERE (tenant_id, alert_id, id) IN (
  SELECT d.tenant_id, d.alert_id, 'dec_' || substr(d.id, 5) || ':' || d.alert_id || ':' || d.status FROM deliveries d
  WHERE d.status IN ('sent', 'failed', 'dead', 'cancelled') AND d.user_id IS NOT NULL AND d.alert_id IS NOT NULL AND d.topic IS NULL);
