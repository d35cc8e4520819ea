-- Issue 18 (D1 rows per alert): two index entries fewer per notification decision and per delivery
-- that is final when written, the way every new alert's fan-out starts (in-app told at once, SMS to
-- a user without a phone refused up front).
-- 1. Notification decisions are clustered by the alert they explain: the key (tenant, alert, id)
--    serves both readers (an alert's "Who was told", and the planner's "decided before?") and the
--    (tenant, alert, at, id) index goes. Retention keeps deleting by `at`, through the key: alert ids
--    begin with their creation time and a decision never comes before its alert, so every decision
--    older than the cutoff belongs to an alert whose id sorts below the cutoff's
--    (worker/hub/retention.ts).
-- 2. The deliveries' (tenant, status, due_at) index keeps only unsent rows (`queued`, `sending`): it
--    serves the sweeps, eager cancellation and grouping, which only look for those. Retention's
--    delete of final rows walks (tenant, created_at) instead (a row updated before the cutoff was
--    created before it).
-- The triggers that record a delivery's outcome write into `alert_decisions`, so they go with the old
-- table and are created again unchanged.
DROP TRIGGER `alert_decisions_on_delivery_insert`;
--> statement-breakpoint
DROP TRIGGER `alert_decisions_on_delivery_update`;
--> statement-breakpoint
CREATE TABLE `__new_alert_decisions` (
	`id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`alert_id` text NOT NULL,
	`user_id` text NOT NULL,
	`channel` text,
	`outcome` text NOT NULL,
	`reason` text NOT NULL,
	`detail` text DEFAULT '{}' NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `alert_id`, `id`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_alert_decisions` (`id`, `tenant_id`, `alert_id`, `user_id`, `channel`, `outcome`, `reason`, `detail`, `at`) SELECT `id`, `tenant_id`, `alert_id`, `user_id`, `channel`, `outcome`, `reason`, `detail`, `at` FROM `alert_decisions`;
--> statement-breakpoint
DROP TABLE `alert_decisions`;
--> statement-breakpoint
ALTER TABLE `__new_alert_decisions` RENAME TO `alert_decisions`;
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
  FROM json_each(new.message, '$.alerts') m;
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
  FROM json_each(new.message, '$.alerts') m;
END;
--> statement-breakpoint
DROP INDEX `deliveries_tenant_status_due`;
--> statement-breakpoint
CREATE INDEX `deliveries_tenant_unsent_due` ON `deliveries` (`tenant_id`,`status`,`due_at`) WHERE `status` = 'queued' OR `status` = 'sending';
