ALTER TABLE `user_preferences` ADD `notify_resolved` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `outbound_webhooks` ADD `previous_secret_enc` text;--> statement-breakpoint
ALTER TABLE `outbound_webhooks` ADD `previous_secret_valid_until` integer;--> statement-breakpoint
ALTER TABLE `outbound_webhooks` ADD `disabled_reason` text;--> statement-breakpoint
ALTER TABLE `outbound_webhooks` ADD `disabled_at` integer;--> statement-breakpoint
ALTER TABLE `outbound_webhooks` ADD `updated_at` integer;--> statement-breakpoint
CREATE INDEX `deliveries_tenant_target` ON `deliveries` (`tenant_id`,`target`,`created_at`,`id`);--> statement-breakpoint
-- Hand-written (drizzle-kit cannot express triggers): the trigger of 0011 again, now leaving
-- "resolved" notices (topic `alert.resolved`) alone: they are sent because the alert closed.
DROP TRIGGER IF EXISTS `deliveries_cancel_on_alert_close`;--> statement-breakpoint
CREATE TRIGGER `deliveries_cancel_on_alert_close` AFTER UPDATE OF status ON `alerts`
WHEN old.status = 'open' AND new.status != 'open' BEGIN
  UPDATE deliveries
  SET status = 'cancelled',
      last_error = 'Cancelled: the alert was ' || new.status,
      updated_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
  WHERE status = 'queued' AND tenant_id = new.tenant_id AND channel != 'webhook' AND alert_id IS NOT NULL
    AND topic IS NULL
    AND EXISTS (SELECT 1 FROM json_each(deliveries.message, '$.alerts') m WHERE json_extract(m.value, '$.id') = new.id)
    AND NOT EXISTS (
      SELECT 1 FROM json_each(deliveries.message, '$.alerts') m JOIN alerts a ON a.id = json_extract(m.value, '$.id')
      WHERE a.status = 'open'
    );
END;
