-- drizzle-kit selected the new `topic` column from the old table; it is NULL for every existing row (hand-fixed).
PRAGMA foreign_keys=OFF;--> statement-breakpoint
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
);
--> statement-breakpoint
INSERT INTO `__new_deliveries`("id", "tenant_id", "alert_id", "topic", "user_id", "channel", "step", "target", "status", "attempts", "last_error", "due_at", "sent_at", "message", "created_at", "updated_at") SELECT "id", "tenant_id", "alert_id", NULL, "user_id", "channel", "step", "target", "status", "attempts", "last_error", "due_at", "sent_at", "message", "created_at", "updated_at" FROM `deliveries`;--> statement-breakpoint
DROP TABLE `deliveries`;--> statement-breakpoint
ALTER TABLE `__new_deliveries` RENAME TO `deliveries`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `deliveries_tenant_created` ON `deliveries` (`tenant_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `deliveries_tenant_alert` ON `deliveries` (`tenant_id`,`alert_id`);