CREATE TABLE `alert_rules` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`metric` text NOT NULL,
	`op` text NOT NULL,
	`threshold` real,
	`for_seconds` integer,
	`window_count` integer,
	`window_seconds` integer,
	`cooldown_seconds` integer DEFAULT 900 NOT NULL,
	`severity` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`vehicle_ids` text,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `alert_rules_tenant` ON `alert_rules` (`tenant_id`);--> statement-breakpoint
CREATE TABLE `alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`seq` integer NOT NULL,
	`vehicle_id` text NOT NULL,
	`rule_id` text,
	`type` text NOT NULL,
	`severity` text NOT NULL,
	`status` text NOT NULL,
	`message` text NOT NULL,
	`value` real,
	`occurrences` integer NOT NULL,
	`silenced` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`acknowledged_at` integer,
	`acknowledged_by` text,
	`resolved_at` integer,
	`resolved_by` text,
	`snoozed_until` integer,
	`note` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `alerts_tenant_created` ON `alerts` (`tenant_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `alerts_tenant_status` ON `alerts` (`tenant_id`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `alerts_tenant_severity` ON `alerts` (`tenant_id`,`severity`,`created_at`);--> statement-breakpoint
CREATE INDEX `alerts_tenant_vehicle` ON `alerts` (`tenant_id`,`vehicle_id`,`created_at`);