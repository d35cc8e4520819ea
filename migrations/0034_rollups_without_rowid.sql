-- Issue 18 (D1 rows per alert): the analytics rollups become WITHOUT ROWID tables keyed by what
-- they were already keyed by. As rowid tables, a new rollup row (a vehicle's first alert of the
-- day, a rule's, a 15-minute slot's, a latency bin's) also wrote its key's unique index: two rows
-- where one does. The rollup triggers name these tables, so they are dropped first and created
-- again unchanged (their text is migration 0009's).
DROP TRIGGER `alert_rollups_insert`;
--> statement-breakpoint
DROP TRIGGER `alert_rollups_update`;
--> statement-breakpoint
DROP TRIGGER `alert_rollups_delete`;
--> statement-breakpoint
CREATE TABLE `__new_alert_day_rules` (
	`tenant_id` text NOT NULL,
	`day` integer NOT NULL,
	`rule_key` text NOT NULL,
	`type` text NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `day`, `rule_key`, `type`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_alert_day_rules` (tenant_id, day, rule_key, type, n) SELECT tenant_id, day, rule_key, type, n FROM `alert_day_rules`;
--> statement-breakpoint
DROP TABLE `alert_day_rules`;
--> statement-breakpoint
ALTER TABLE `__new_alert_day_rules` RENAME TO `alert_day_rules`;
--> statement-breakpoint
CREATE TABLE `__new_alert_day_vehicles` (
	`tenant_id` text NOT NULL,
	`day` integer NOT NULL,
	`vehicle_id` text NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `day`, `vehicle_id`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_alert_day_vehicles` (tenant_id, day, vehicle_id, n) SELECT tenant_id, day, vehicle_id, n FROM `alert_day_vehicles`;
--> statement-breakpoint
DROP TABLE `alert_day_vehicles`;
--> statement-breakpoint
ALTER TABLE `__new_alert_day_vehicles` RENAME TO `alert_day_vehicles`;
--> statement-breakpoint
CREATE TABLE `__new_alert_latency_bins` (
	`tenant_id` text NOT NULL,
	`day` integer NOT NULL,
	`kind` text NOT NULL,
	`bin` integer NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `day`, `kind`, `bin`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_alert_latency_bins` (tenant_id, day, kind, bin, n) SELECT tenant_id, day, kind, bin, n FROM `alert_latency_bins`;
--> statement-breakpoint
DROP TABLE `alert_latency_bins`;
--> statement-breakpoint
ALTER TABLE `__new_alert_latency_bins` RENAME TO `alert_latency_bins`;
--> statement-breakpoint
CREATE TABLE `__new_alert_slot_stats` (
	`tenant_id` text NOT NULL,
	`slot` integer NOT NULL,
	`severity` text NOT NULL,
	`n` integer NOT NULL,
	`acked` integer NOT NULL,
	`ack_ms` integer NOT NULL,
	`resolved` integer NOT NULL,
	`resolve_ms` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `slot`, `severity`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_alert_slot_stats` (tenant_id, slot, severity, n, acked, ack_ms, resolved, resolve_ms) SELECT tenant_id, slot, severity, n, acked, ack_ms, resolved, resolve_ms FROM `alert_slot_stats`;
--> statement-breakpoint
DROP TABLE `alert_slot_stats`;
--> statement-breakpoint
ALTER TABLE `__new_alert_slot_stats` RENAME TO `alert_slot_stats`;
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
