CREATE TABLE `alert_day_rules` (
	`tenant_id` text NOT NULL,
	`day` integer NOT NULL,
	`rule_key` text NOT NULL,
	`type` text NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `day`, `rule_key`, `type`)
);
--> statement-breakpoint
CREATE TABLE `alert_day_vehicles` (
	`tenant_id` text NOT NULL,
	`day` integer NOT NULL,
	`vehicle_id` text NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `day`, `vehicle_id`)
);
--> statement-breakpoint
CREATE TABLE `alert_latency_bins` (
	`tenant_id` text NOT NULL,
	`day` integer NOT NULL,
	`kind` text NOT NULL,
	`bin` integer NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `day`, `kind`, `bin`)
);
--> statement-breakpoint
CREATE TABLE `alert_slot_stats` (
	`tenant_id` text NOT NULL,
	`slot` integer NOT NULL,
	`severity` text NOT NULL,
	`n` integer NOT NULL,
	`acked` integer NOT NULL,
	`ack_ms` integer NOT NULL,
	`resolved` integer NOT NULL,
	`resolve_ms` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `slot`, `severity`)
);
--> statement-breakpoint
CREATE TABLE `badge_awards` (
	`tenant_id` text NOT NULL,
	`user_id` text NOT NULL,
	`badge` text NOT NULL,
	`awarded_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `user_id`, `badge`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `engagement_preferences` (
	`user_id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`opted_out` integer DEFAULT false NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `engagement_settings` (
	`tenant_id` text PRIMARY KEY NOT NULL,
	`leaderboard_hidden` integer DEFAULT false NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `points_ledger` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`user_id` text NOT NULL,
	`kind` text NOT NULL,
	`points` integer NOT NULL,
	`reason` text NOT NULL,
	`source_key` text NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `points_ledger_source` ON `points_ledger` (`tenant_id`,`source_key`);--> statement-breakpoint
CREATE INDEX `points_ledger_user` ON `points_ledger` (`tenant_id`,`kind`,`user_id`,`points`);--> statement-breakpoint
CREATE INDEX `alerts_analytics` ON `alerts` (`tenant_id`,`created_at`,`severity`,`vehicle_id`,`rule_id`,`type`,`acknowledged_at`,`resolved_at`);--> statement-breakpoint
-- Analytics rollups kept in step with alerts (hand-written: drizzle-kit cannot express triggers).
-- An update that changes none of the rolled-up columns (the usual sync of seq, occurrences,
-- last_seen_at) fires nothing. The latency bin is whole seconds rounded down to two significant
-- digits (worker/services/analytics-rollups.ts has the same expression).
INSERT INTO alert_slot_stats (tenant_id, slot, severity, n, acked, ack_ms, resolved, resolve_ms)
  SELECT tenant_id, created_at / 900000, severity, count(*), count(acknowledged_at), coalesce(sum(acknowledged_at - created_at), 0),
         count(resolved_at), coalesce(sum(resolved_at - created_at), 0)
  FROM alerts GROUP BY tenant_id, created_at / 900000, severity;
--> statement-breakpoint
INSERT INTO alert_day_vehicles (tenant_id, day, vehicle_id, n)
  SELECT tenant_id, created_at / 86400000, vehicle_id, count(*) FROM alerts GROUP BY tenant_id, created_at / 86400000, vehicle_id;
--> statement-breakpoint
INSERT INTO alert_day_rules (tenant_id, day, rule_key, type, n)
  SELECT tenant_id, created_at / 86400000, coalesce(rule_id, ''), type, count(*) FROM alerts GROUP BY tenant_id, created_at / 86400000, coalesce(rule_id, ''), type;
--> statement-breakpoint
INSERT INTO alert_latency_bins (tenant_id, day, kind, bin, n)
  SELECT tenant_id, created_at / 86400000, 'ack', CASE WHEN ((acknowledged_at - created_at) / 1000) < 100 THEN ((acknowledged_at - created_at) / 1000) WHEN ((acknowledged_at - created_at) / 1000) < 1000 THEN ((acknowledged_at - created_at) / 1000) / 10 * 10 WHEN ((acknowledged_at - created_at) / 1000) < 10000 THEN ((acknowledged_at - created_at) / 1000) / 100 * 100 WHEN ((acknowledged_at - created_at) / 1000) < 100000 THEN ((acknowledged_at - created_at) / 1000) / 1000 * 1000 WHEN ((acknowledged_at - created_at) / 1000) < 1000000 THEN ((acknowledged_at - created_at) / 1000) / 10000 * 10000 ELSE ((acknowledged_at - created_at) / 1000) / 100000 * 100000 END AS b, count(*) FROM alerts WHERE acknowledged_at IS NOT NULL GROUP BY tenant_id, created_at / 86400000, b;
--> statement-breakpoint
INSERT INTO alert_latency_bins (tenant_id, day, kind, bin, n)
  SELECT tenant_id, created_at / 86400000, 'resolve', CASE WHEN ((resolved_at - created_at) / 1000) < 100 THEN ((resolved_at - created_at) / 1000) WHEN ((resolved_at - created_at) / 1000) < 1000 THEN ((resolved_at - created_at) / 1000) / 10 * 10 WHEN ((resolved_at - created_at) / 1000) < 10000 THEN ((resolved_at - created_at) / 1000) / 100 * 100 WHEN ((resolved_at - created_at) / 1000) < 100000 THEN ((resolved_at - created_at) / 1000) / 1000 * 1000 WHEN ((resolved_at - created_at) / 1000) < 1000000 THEN ((resolved_at - created_at) / 1000) / 10000 * 10000 ELSE ((resolved_at - created_at) / 1000) / 100000 * 100000 END AS b, count(*) FROM alerts WHERE resolved_at IS NOT NULL GROUP BY tenant_id, created_at / 86400000, b;
--> statement-breakpoint
CREATE TRIGGER `alert_rollups_insert` AFTER INSERT ON `alerts` BEGIN
  INSERT INTO alert_slot_stats (tenant_id, slot, severity, n, acked, ack_ms, resolved, resolve_ms)
  VALUES (new.tenant_id, new.created_at / 900000, new.severity, 1, (new.acknowledged_at IS NOT NULL), coalesce(new.acknowledged_at - new.created_at, 0),
          (new.resolved_at IS NOT NULL), coalesce(new.resolved_at - new.created_at, 0))
  ON CONFLICT (tenant_id, slot, severity) DO UPDATE SET n = n + excluded.n, acked = acked + excluded.acked, ack_ms = ack_ms + excluded.ack_ms,
    resolved = resolved + excluded.resolved, resolve_ms = resolve_ms + excluded.resolve_ms;
  INSERT INTO alert_day_vehicles (tenant_id, day, vehicle_id, n) VALUES (new.tenant_id, new.created_at / 86400000, new.vehicle_id, 1)
  ON CONFLICT (tenant_id, day, vehicle_id) DO UPDATE SET n = n + excluded.n;
  INSERT INTO alert_day_rules (tenant_id, day, rule_key, type, n) VALUES (new.tenant_id, new.created_at / 86400000, coalesce(new.rule_id, ''), new.type, 1)
  ON CONFLICT (tenant_id, day, rule_key, type) DO UPDATE SET n = n + excluded.n;
  INSERT INTO alert_latency_bins (tenant_id, day, kind, bin, n)
  SELECT new.tenant_id, new.created_at / 86400000, 'ack', CASE WHEN ((new.acknowledged_at - new.created_at) / 1000) < 100 THEN ((new.acknowledged_at - new.created_at) / 1000) WHEN ((new.acknowledged_at - new.created_at) / 1000) < 1000 THEN ((new.acknowledged_at - new.created_at) / 1000) / 10 * 10 WHEN ((new.acknowledged_at - new.created_at) / 1000) < 10000 THEN ((new.acknowledged_at - new.created_at) / 1000) / 100 * 100 WHEN ((new.acknowledged_at - new.created_at) / 1000) < 100000 THEN ((new.acknowledged_at - new.created_at) / 1000) / 1000 * 1000 WHEN ((new.acknowledged_at - new.created_at) / 1000) < 1000000 THEN ((new.acknowledged_at - new.created_at) / 1000) / 10000 * 10000 ELSE ((new.acknowledged_at - new.created_at) / 1000) / 100000 * 100000 END, 1 WHERE new.acknowledged_at IS NOT NULL
  ON CONFLICT (tenant_id, day, kind, bin) DO UPDATE SET n = n + excluded.n;
  INSERT INTO alert_latency_bins (tenant_id, day, kind, bin, n)
  SELECT new.tenant_id, new.created_at / 86400000, 'resolve', CASE WHEN ((new.resolved_at - new.created_at) / 1000) < 100 THEN ((new.resolved_at - new.created_at) / 1000) WHEN ((new.resolved_at - new.created_at) / 1000) < 1000 THEN ((new.resolved_at - new.created_at) / 1000) / 10 * 10 WHEN ((new.resolved_at - new.created_at) / 1000) < 10000 THEN ((new.resolved_at - new.created_at) / 1000) / 100 * 100 WHEN ((new.resolved_at - new.created_at) / 1000) < 100000 THEN ((new.resolved_at - new.created_at) / 1000) / 1000 * 1000 WHEN ((new.resolved_at - new.created_at) / 1000) < 1000000 THEN ((new.resolved_at - new.created_at) / 1000) / 10000 * 10000 ELSE ((new.resolved_at - new.created_at) / 1000) / 100000 * 100000 END, 1 WHERE new.resolved_at IS NOT NULL
  ON CONFLICT (tenant_id, day, kind, bin) DO UPDATE SET n = n + excluded.n;
END;
--> statement-breakpoint
CREATE TRIGGER `alert_rollups_update` AFTER UPDATE OF tenant_id, created_at, severity, vehicle_id, rule_id, type, acknowledged_at, resolved_at ON `alerts`
WHEN old.created_at IS NOT new.created_at OR old.severity IS NOT new.severity OR old.vehicle_id IS NOT new.vehicle_id OR old.rule_id IS NOT new.rule_id
  OR old.type IS NOT new.type OR old.acknowledged_at IS NOT new.acknowledged_at OR old.resolved_at IS NOT new.resolved_at OR old.tenant_id IS NOT new.tenant_id BEGIN
  INSERT INTO alert_slot_stats (tenant_id, slot, severity, n, acked, ack_ms, resolved, resolve_ms)
  VALUES (old.tenant_id, old.created_at / 900000, old.severity, -1, -(old.acknowledged_at IS NOT NULL), -coalesce(old.acknowledged_at - old.created_at, 0),
          -(old.resolved_at IS NOT NULL), -coalesce(old.resolved_at - old.created_at, 0))
  ON CONFLICT (tenant_id, slot, severity) DO UPDATE SET n = n + excluded.n, acked = acked + excluded.acked, ack_ms = ack_ms + excluded.ack_ms,
    resolved = resolved + excluded.resolved, resolve_ms = resolve_ms + excluded.resolve_ms;
  INSERT INTO alert_day_vehicles (tenant_id, day, vehicle_id, n) VALUES (old.tenant_id, old.created_at / 86400000, old.vehicle_id, -1)
  ON CONFLICT (tenant_id, day, vehicle_id) DO UPDATE SET n = n + excluded.n;
  INSERT INTO alert_day_rules (tenant_id, day, rule_key, type, n) VALUES (old.tenant_id, old.created_at / 86400000, coalesce(old.rule_id, ''), old.type, -1)
  ON CONFLICT (tenant_id, day, rule_key, type) DO UPDATE SET n = n + excluded.n;
  INSERT INTO alert_latency_bins (tenant_id, day, kind, bin, n)
  SELECT old.tenant_id, old.created_at / 86400000, 'ack', CASE WHEN ((old.acknowledged_at - old.created_at) / 1000) < 100 THEN ((old.acknowledged_at - old.created_at) / 1000) WHEN ((old.acknowledged_at - old.created_at) / 1000) < 1000 THEN ((old.acknowledged_at - old.created_at) / 1000) / 10 * 10 WHEN ((old.acknowledged_at - old.created_at) / 1000) < 10000 THEN ((old.acknowledged_at - old.created_at) / 1000) / 100 * 100 WHEN ((old.acknowledged_at - old.created_at) / 1000) < 100000 THEN ((old.acknowledged_at - old.created_at) / 1000) / 1000 * 1000 WHEN ((old.acknowledged_at - old.created_at) / 1000) < 1000000 THEN ((old.acknowledged_at - old.created_at) / 1000) / 10000 * 10000 ELSE ((old.acknowledged_at - old.created_at) / 1000) / 100000 * 100000 END, -1 WHERE old.acknowledged_at IS NOT NULL
  ON CONFLICT (tenant_id, day, kind, bin) DO UPDATE SET n = n + excluded.n;
  INSERT INTO alert_latency_bins (tenant_id, day, kind, bin, n)
  SELECT old.tenant_id, old.created_at / 86400000, 'resolve', CASE WHEN ((old.resolved_at - old.created_at) / 1000) < 100 THEN ((old.resolved_at - old.created_at) / 1000) WHEN ((old.resolved_at - old.created_at) / 1000) < 1000 THEN ((old.resolved_at - old.created_at) / 1000) / 10 * 10 WHEN ((old.resolved_at - old.created_at) / 1000) < 10000 THEN ((old.resolved_at - old.created_at) / 1000) / 100 * 100 WHEN ((old.resolved_at - old.created_at) / 1000) < 100000 THEN ((old.resolved_at - old.created_at) / 1000) / 1000 * 1000 WHEN ((old.resolved_at - old.created_at) / 1000) < 1000000 THEN ((old.resolved_at - old.created_at) / 1000) / 10000 * 10000 ELSE ((old.resolved_at - old.created_at) / 1000) / 100000 * 100000 END, -1 WHERE old.resolved_at IS NOT NULL
  ON CONFLICT (tenant_id, day, kind, bin) DO UPDATE SET n = n + excluded.n;
  INSERT INTO alert_slot_stats (tenant_id, slot, severity, n, acked, ack_ms, resolved, resolve_ms)
  VALUES (new.tenant_id, new.created_at / 900000, new.severity, 1, (new.acknowledged_at IS NOT NULL), coalesce(new.acknowledged_at - new.created_at, 0),
          (new.resolved_at IS NOT NULL), coalesce(new.resolved_at - new.created_at, 0))
  ON CONFLICT (tenant_id, slot, severity) DO UPDATE SET n = n + excluded.n, acked = acked + excluded.acked, ack_ms = ack_ms + excluded.ack_ms,
    resolved = resolved + excluded.resolved, resolve_ms = resolve_ms + excluded.resolve_ms;
  INSERT INTO alert_day_vehicles (tenant_id, day, vehicle_id, n) VALUES (new.tenant_id, new.created_at / 86400000, new.vehicle_id, 1)
  ON CONFLICT (tenant_id, day, vehicle_id) DO UPDATE SET n = n + excluded.n;
  INSERT INTO alert_day_rules (tenant_id, day, rule_key, type, n) VALUES (new.tenant_id, new.created_at / 86400000, coalesce(new.rule_id, ''), new.type, 1)
  ON CONFLICT (tenant_id, day, rule_key, type) DO UPDATE SET n = n + excluded.n;
  INSERT INTO alert_latency_bins (tenant_id, day, kind, bin, n)
  SELECT new.tenant_id, new.created_at / 86400000, 'ack', CASE WHEN ((new.acknowledged_at - new.created_at) / 1000) < 100 THEN ((new.acknowledged_at - new.created_at) / 1000) WHEN ((new.acknowledged_at - new.created_at) / 1000) < 1000 THEN ((new.acknowledged_at - new.created_at) / 1000) / 10 * 10 WHEN ((new.acknowledged_at - new.created_at) / 1000) < 10000 THEN ((new.acknowledged_at - new.created_at) / 1000) / 100 * 100 WHEN ((new.acknowledged_at - new.created_at) / 1000) < 100000 THEN ((new.acknowledged_at - new.created_at) / 1000) / 1000 * 1000 WHEN ((new.acknowledged_at - new.created_at) / 1000) < 1000000 THEN ((new.acknowledged_at - new.created_at) / 1000) / 10000 * 10000 ELSE ((new.acknowledged_at - new.created_at) / 1000) / 100000 * 100000 END, 1 WHERE new.acknowledged_at IS NOT NULL
  ON CONFLICT (tenant_id, day, kind, bin) DO UPDATE SET n = n + excluded.n;
  INSERT INTO alert_latency_bins (tenant_id, day, kind, bin, n)
  SELECT new.tenant_id, new.created_at / 86400000, 'resolve', CASE WHEN ((new.resolved_at - new.created_at) / 1000) < 100 THEN ((new.resolved_at - new.created_at) / 1000) WHEN ((new.resolved_at - new.created_at) / 1000) < 1000 THEN ((new.resolved_at - new.created_at) / 1000) / 10 * 10 WHEN ((new.resolved_at - new.created_at) / 1000) < 10000 THEN ((new.resolved_at - new.created_at) / 1000) / 100 * 100 WHEN ((new.resolved_at - new.created_at) / 1000) < 100000 THEN ((new.resolved_at - new.created_at) / 1000) / 1000 * 1000 WHEN ((new.resolved_at - new.created_at) / 1000) < 1000000 THEN ((new.resolved_at - new.created_at) / 1000) / 10000 * 10000 ELSE ((new.resolved_at - new.created_at) / 1000) / 100000 * 100000 END, 1 WHERE new.resolved_at IS NOT NULL
  ON CONFLICT (tenant_id, day, kind, bin) DO UPDATE SET n = n + excluded.n;
END;
--> statement-breakpoint
CREATE TRIGGER `alert_rollups_delete` AFTER DELETE ON `alerts` BEGIN
  INSERT INTO alert_slot_stats (tenant_id, slot, severity, n, acked, ack_ms, resolved, resolve_ms)
  VALUES (old.tenant_id, old.created_at / 900000, old.severity, -1, -(old.acknowledged_at IS NOT NULL), -coalesce(old.acknowledged_at - old.created_at, 0),
          -(old.resolved_at IS NOT NULL), -coalesce(old.resolved_at - old.created_at, 0))
  ON CONFLICT (tenant_id, slot, severity) DO UPDATE SET n = n + excluded.n, acked = acked + excluded.acked, ack_ms = ack_ms + excluded.ack_ms,
    resolved = resolved + excluded.resolved, resolve_ms = resolve_ms + excluded.resolve_ms;
  INSERT INTO alert_day_vehicles (tenant_id, day, vehicle_id, n) VALUES (old.tenant_id, old.created_at / 86400000, old.vehicle_id, -1)
  ON CONFLICT (tenant_id, day, vehicle_id) DO UPDATE SET n = n + excluded.n;
  INSERT INTO alert_day_rules (tenant_id, day, rule_key, type, n) VALUES (old.tenant_id, old.created_at / 86400000, coalesce(old.rule_id, ''), old.type, -1)
  ON CONFLICT (tenant_id, day, rule_key, type) DO UPDATE SET n = n + excluded.n;
  INSERT INTO alert_latency_bins (tenant_id, day, kind, bin, n)
  SELECT old.tenant_id, old.created_at / 86400000, 'ack', CASE WHEN ((old.acknowledged_at - old.created_at) / 1000) < 100 THEN ((old.acknowledged_at - old.created_at) / 1000) WHEN ((old.acknowledged_at - old.created_at) / 1000) < 1000 THEN ((old.acknowledged_at - old.created_at) / 1000) / 10 * 10 WHEN ((old.acknowledged_at - old.created_at) / 1000) < 10000 THEN ((old.acknowledged_at - old.created_at) / 1000) / 100 * 100 WHEN ((old.acknowledged_at - old.created_at) / 1000) < 100000 THEN ((old.acknowledged_at - old.created_at) / 1000) / 1000 * 1000 WHEN ((old.acknowledged_at - old.created_at) / 1000) < 1000000 THEN ((old.acknowledged_at - old.created_at) / 1000) / 10000 * 10000 ELSE ((old.acknowledged_at - old.created_at) / 1000) / 100000 * 100000 END, -1 WHERE old.acknowledged_at IS NOT NULL
  ON CONFLICT (tenant_id, day, kind, bin) DO UPDATE SET n = n + excluded.n;
  INSERT INTO alert_latency_bins (tenant_id, day, kind, bin, n)
  SELECT old.tenant_id, old.created_at / 86400000, 'resolve', CASE WHEN ((old.resolved_at - old.created_at) / 1000) < 100 THEN ((old.resolved_at - old.created_at) / 1000) WHEN ((old.resolved_at - old.created_at) / 1000) < 1000 THEN ((old.resolved_at - old.created_at) / 1000) / 10 * 10 WHEN ((old.resolved_at - old.created_at) / 1000) < 10000 THEN ((old.resolved_at - old.created_at) / 1000) / 100 * 100 WHEN ((old.resolved_at - old.created_at) / 1000) < 100000 THEN ((old.resolved_at - old.created_at) / 1000) / 1000 * 1000 WHEN ((old.resolved_at - old.created_at) / 1000) < 1000000 THEN ((old.resolved_at - old.created_at) / 1000) / 10000 * 10000 ELSE ((old.resolved_at - old.created_at) / 1000) / 100000 * 100000 END, -1 WHERE old.resolved_at IS NOT NULL
  ON CONFLICT (tenant_id, day, kind, bin) DO UPDATE SET n = n + excluded.n;
END;
