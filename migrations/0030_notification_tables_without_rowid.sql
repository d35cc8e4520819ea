-- Issue 18 (D1 rows per alert): deliveries, inbox items and notification decisions are keyed by a
-- text id, so each row was stored twice, once in the table's rowid tree and once in the unique
-- index SQLite builds for the id, and D1 counts both as rows written. As WITHOUT ROWID tables the
-- id is the table's own key: one row less per delivery, inbox item and decision, and the other
-- indexes point at the id directly. None of them is read by rowid (only `alerts` is, for its
-- full-text index, and stays as it is). The triggers on and into `deliveries` go with the old table
-- and are created again unchanged. SQLite suggests WITHOUT ROWID for rows under about a twentieth
-- of a page; these are 300-450 bytes (a delivery's rendered message ~240), so interior pages hold
-- fewer keys: a lookup by id or through an index is still one descent of each tree.
DROP TRIGGER `deliveries_cancel_on_alert_close`;
--> statement-breakpoint
DROP TRIGGER `alert_decisions_on_delivery_insert`;
--> statement-breakpoint
DROP TRIGGER `alert_decisions_on_delivery_update`;
--> statement-breakpoint
CREATE TABLE `__new_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`alert_id` text,
	`topic` text,
	`user_id` text,
	`channel` text NOT NULL,
	`step` integer DEFAULT 0 NOT NULL,
	`target` text,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`due_at` integer,
	`sent_at` integer,
	`message` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`updated_at` integer NOT NULL
, `claimed_at` integer, `fallback_of` text, `fallback_reason` text) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_deliveries` (`id`, `tenant_id`, `alert_id`, `topic`, `user_id`, `channel`, `step`, `target`, `status`, `attempts`, `last_error`, `due_at`, `sent_at`, `message`, `created_at`, `updated_at`, `claimed_at`, `fallback_of`, `fallback_reason`) SELECT `id`, `tenant_id`, `alert_id`, `topic`, `user_id`, `channel`, `step`, `target`, `status`, `attempts`, `last_error`, `due_at`, `sent_at`, `message`, `created_at`, `updated_at`, `claimed_at`, `fallback_of`, `fallback_reason` FROM `deliveries`;
--> statement-breakpoint
DROP TABLE `deliveries`;
--> statement-breakpoint
ALTER TABLE `__new_deliveries` RENAME TO `deliveries`;
--> statement-breakpoint
CREATE INDEX `deliveries_tenant_created` ON `deliveries` (`tenant_id`,`created_at`,`id`);
--> statement-breakpoint
CREATE INDEX `deliveries_tenant_alert` ON `deliveries` (`tenant_id`,`alert_id`);
--> statement-breakpoint
CREATE INDEX `deliveries_tenant_status_due` ON `deliveries` (`tenant_id`,`status`,`due_at`);
--> statement-breakpoint
CREATE INDEX `deliveries_tenant_topic` ON `deliveries` (`tenant_id`,`topic`) WHERE `topic` IS NOT NULL;
--> statement-breakpoint
CREATE INDEX `deliveries_tenant_target` ON `deliveries` (`tenant_id`,`target`,`created_at`,`id`) WHERE `target` IS NOT NULL;
--> statement-breakpoint
CREATE TABLE `__new_inbox_items` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`user_id` text NOT NULL,
	`alert_id` text,
	`topic` text,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`url` text NOT NULL,
	`created_at` integer NOT NULL,
	`read_at` integer
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_inbox_items` (`id`, `tenant_id`, `user_id`, `alert_id`, `topic`, `title`, `body`, `url`, `created_at`, `read_at`) SELECT `id`, `tenant_id`, `user_id`, `alert_id`, `topic`, `title`, `body`, `url`, `created_at`, `read_at` FROM `inbox_items`;
--> statement-breakpoint
DROP TABLE `inbox_items`;
--> statement-breakpoint
ALTER TABLE `__new_inbox_items` RENAME TO `inbox_items`;
--> statement-breakpoint
CREATE INDEX `inbox_user_created` ON `inbox_items` (`tenant_id`,`user_id`,`created_at`);
--> statement-breakpoint
CREATE TABLE `__new_alert_decisions` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`alert_id` text NOT NULL,
	`user_id` text NOT NULL,
	`channel` text,
	`outcome` text NOT NULL,
	`reason` text NOT NULL,
	`detail` text DEFAULT '{}' NOT NULL,
	`at` integer NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_alert_decisions` (`id`, `tenant_id`, `alert_id`, `user_id`, `channel`, `outcome`, `reason`, `detail`, `at`) SELECT `id`, `tenant_id`, `alert_id`, `user_id`, `channel`, `outcome`, `reason`, `detail`, `at` FROM `alert_decisions`;
--> statement-breakpoint
DROP TABLE `alert_decisions`;
--> statement-breakpoint
ALTER TABLE `__new_alert_decisions` RENAME TO `alert_decisions`;
--> statement-breakpoint
CREATE INDEX `alert_decisions_alert` ON `alert_decisions` (`tenant_id`,`alert_id`,`at`,`id`);
--> statement-breakpoint
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
