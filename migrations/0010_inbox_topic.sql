-- Hand-fixed: drizzle-kit selected the new `topic` column from the old table; reminders written before
-- this migration stored "" as their alert id, which becomes NULL.
PRAGMA foreign_keys=OFF;--> statement-breakpoint
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
);
--> statement-breakpoint
INSERT INTO `__new_inbox_items`("id", "tenant_id", "user_id", "alert_id", "topic", "title", "body", "url", "created_at", "read_at") SELECT "id", "tenant_id", "user_id", NULLIF("alert_id", ''), NULL, "title", "body", "url", "created_at", "read_at" FROM `inbox_items`;--> statement-breakpoint
DROP TABLE `inbox_items`;--> statement-breakpoint
ALTER TABLE `__new_inbox_items` RENAME TO `inbox_items`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `inbox_user_created` ON `inbox_items` (`tenant_id`,`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `deliveries_tenant_topic` ON `deliveries` (`tenant_id`,`topic`);