-- Issue 18 (D1 rows per alert): inbox items are keyed by (tenant, user, id), the order a user's
-- inbox is read in (ids begin with their creation time), so the (tenant, user, created_at) index
-- goes: one row less per item, two per new alert with the default fan-out. A user's item is found
-- by its key (marking it read), their list walks the key backwards, and retention deletes by age
-- user by user through it (worker/hub/retention.ts).
CREATE TABLE `__new_inbox_items` (
	`id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`user_id` text NOT NULL,
	`alert_id` text,
	`topic` text,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`url` text NOT NULL,
	`created_at` integer NOT NULL,
	`read_at` integer,
	PRIMARY KEY(`tenant_id`, `user_id`, `id`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_inbox_items` (`id`, `tenant_id`, `user_id`, `alert_id`, `topic`, `title`, `body`, `url`, `created_at`, `read_at`) SELECT `id`, `tenant_id`, `user_id`, `alert_id`, `topic`, `title`, `body`, `url`, `created_at`, `read_at` FROM `inbox_items`;
--> statement-breakpoint
DROP TABLE `inbox_items`;
--> statement-breakpoint
ALTER TABLE `__new_inbox_items` RENAME TO `inbox_items`;
