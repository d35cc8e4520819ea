CREATE TABLE `dead_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`type` text NOT NULL,
	`body` text NOT NULL,
	`status` text NOT NULL,
	`deaths` integer DEFAULT 1 NOT NULL,
	`died_at` integer NOT NULL,
	`redriven_at` integer,
	`redriven_by` text
);
--> statement-breakpoint
CREATE INDEX `dead_jobs_tenant_died` ON `dead_jobs` (`tenant_id`,`died_at`,`id`);--> statement-breakpoint
ALTER TABLE `deliveries` ADD `claimed_at` integer;--> statement-breakpoint
CREATE INDEX `deliveries_status_due` ON `deliveries` (`status`,`due_at`);--> statement-breakpoint
-- Hand-written (drizzle-kit cannot express triggers): when an alert leaves `open` (acknowledged or
-- resolved, by a user, by phone or automatically), its unsent deliveries are cancelled in the same
-- write. A group delivery is cancelled only when none of the alerts it names is still open.
-- Customer webhooks (events, not pages) and rows already claimed (`sending`) are left alone;
-- deliver() checks again at send time (also for silences). See docs/notifications-pipeline.md.
CREATE TRIGGER `deliveries_cancel_on_alert_close` AFTER UPDATE OF status ON `alerts`
WHEN old.status = 'open' AND new.status != 'open' BEGIN
  UPDATE deliveries
  SET status = 'cancelled',
      last_error = 'Cancelled: the alert was ' || new.status,
      updated_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
  WHERE status = 'queued' AND tenant_id = new.tenant_id AND channel != 'webhook' AND alert_id IS NOT NULL
    AND EXISTS (SELECT 1 FROM json_each(deliveries.message, '$.alerts') m WHERE json_extract(m.value, '$.id') = new.id)
    AND NOT EXISTS (
      SELECT 1 FROM json_each(deliveries.message, '$.alerts') m JOIN alerts a ON a.id = json_extract(m.value, '$.id')
      WHERE a.status = 'open'
    );
END;
