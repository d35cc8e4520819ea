-- Groups and routing: vehicles and users carry groups (a JSON array of names; empty = all);
-- rules and silences may be scoped to groups. `vehicle_groups` indexes "vehicles in group X"
-- and is kept in step with `vehicles.groups` by the triggers below.
ALTER TABLE `vehicles` ADD `groups` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `groups` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `alert_rules` ADD `groups` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `silences` ADD `groups` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
CREATE TABLE `vehicle_groups` (
	`tenant_id` text NOT NULL,
	`group_name` text NOT NULL,
	`vehicle_id` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `group_name`, `vehicle_id`)
);--> statement-breakpoint
CREATE INDEX `vehicle_groups_vehicle` ON `vehicle_groups` (`vehicle_id`);--> statement-breakpoint
-- Fallback channels: a per-tenant switch, and on each delivery the one it stands in for.
ALTER TABLE `tenants` ADD `fallback_channels` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `fallback_of` text;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `fallback_reason` text;--> statement-breakpoint
-- Explained decisions: why each person was or was not told of an alert, on which channel.
CREATE TABLE `alert_decisions` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`alert_id` text NOT NULL,
	`user_id` text NOT NULL,
	`channel` text,
	`outcome` text NOT NULL,
	`reason` text NOT NULL,
	`detail` text DEFAULT '{}' NOT NULL,
	`at` integer NOT NULL
);--> statement-breakpoint
CREATE INDEX `alert_decisions_alert` ON `alert_decisions` (`tenant_id`,`alert_id`,`at`,`id`);--> statement-breakpoint
-- Hand-written (drizzle-kit cannot express triggers).
CREATE TRIGGER `vehicle_groups_on_insert` AFTER INSERT ON `vehicles` BEGIN
  INSERT OR IGNORE INTO vehicle_groups (tenant_id, group_name, vehicle_id)
  SELECT new.tenant_id, g.value, new.id FROM json_each(new.groups) g;
END;--> statement-breakpoint
CREATE TRIGGER `vehicle_groups_on_update` AFTER UPDATE OF groups ON `vehicles` BEGIN
  DELETE FROM vehicle_groups WHERE vehicle_id = new.id;
  INSERT OR IGNORE INTO vehicle_groups (tenant_id, group_name, vehicle_id)
  SELECT new.tenant_id, g.value, new.id FROM json_each(new.groups) g;
END;--> statement-breakpoint
CREATE TRIGGER `vehicle_groups_on_delete` AFTER DELETE ON `vehicles` BEGIN
  DELETE FROM vehicle_groups WHERE vehicle_id = old.id;
END;--> statement-breakpoint
-- A delivery's outcome is a decision about each alert it names: sent → told; failed, dead or
-- cancelled → skipped (with the delivery's error as the detail). Every path that settles a row
-- (the sender, the sweep, the cancel-on-close trigger) is covered here, once per transition.
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
END;--> statement-breakpoint
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
