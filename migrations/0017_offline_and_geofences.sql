-- Offline and geofence rules: rule kinds with their settings, and the tenant's geofences.
CREATE TABLE `geofences` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`name` text NOT NULL,
	`tags` text NOT NULL,
	`shape` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);--> statement-breakpoint
CREATE INDEX `geofences_tenant` ON `geofences` (`tenant_id`);--> statement-breakpoint
ALTER TABLE `alert_rules` ADD `kind` text DEFAULT 'threshold' NOT NULL;--> statement-breakpoint
ALTER TABLE `alert_rules` ADD `minutes` integer;--> statement-breakpoint
ALTER TABLE `alert_rules` ADD `grace_minutes` integer;--> statement-breakpoint
ALTER TABLE `alert_rules` ADD `geofence_id` text;--> statement-breakpoint
ALTER TABLE `alert_rules` ADD `buffer_m` real;--> statement-breakpoint
ALTER TABLE `alert_rules` ADD `fixes` integer;
