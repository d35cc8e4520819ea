-- Alert work: an assignee and a comment count on each alert, and the comment threads.
ALTER TABLE `alerts` ADD `assignee_id` text;--> statement-breakpoint
ALTER TABLE `alerts` ADD `assignee_name` text;--> statement-breakpoint
ALTER TABLE `alerts` ADD `comment_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE TABLE `alert_comments` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`alert_id` text NOT NULL,
	`author_id` text NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);--> statement-breakpoint
CREATE INDEX `alert_comments_alert` ON `alert_comments` (`tenant_id`,`alert_id`,`created_at`,`id`);
