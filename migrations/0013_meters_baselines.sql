-- Issue 13: accepted meters and flagged meter readings (meter validation), baselines as service
-- records, and when each plan first applied to each vehicle (fleet onboarding).
CREATE TABLE `vehicle_meters` (
	`tenant_id` text NOT NULL,
	`vehicle_id` text NOT NULL,
	`meter` text NOT NULL,
	`value` real NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `vehicle_id`, `meter`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`vehicle_id`) REFERENCES `vehicles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `meter_flags` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`vehicle_id` text NOT NULL,
	`meter` text NOT NULL,
	`value` real NOT NULL,
	`at` integer NOT NULL,
	`reason` text NOT NULL,
	`previous_value` real NOT NULL,
	`previous_at` integer NOT NULL,
	`status` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`resolved_at` integer,
	`resolved_by` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`vehicle_id`) REFERENCES `vehicles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `meter_flags_tenant_status` ON `meter_flags` (`tenant_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `meter_flags_reading` ON `meter_flags` (`tenant_id`,`vehicle_id`,`meter`,`at`);--> statement-breakpoint
CREATE UNIQUE INDEX `meter_flags_one_pending` ON `meter_flags` (`tenant_id`,`vehicle_id`,`meter`) WHERE "meter_flags"."status" = 'pending';--> statement-breakpoint
CREATE TABLE `maintenance_plan_starts` (
	`tenant_id` text NOT NULL,
	`plan_id` text NOT NULL,
	`vehicle_id` text NOT NULL,
	`applied_at` integer NOT NULL,
	`odometer_km` real,
	`engine_hours` real,
	`confirmed_at` integer,
	`confirmed_by` text,
	PRIMARY KEY(`tenant_id`, `plan_id`, `vehicle_id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`plan_id`) REFERENCES `maintenance_plans`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`vehicle_id`) REFERENCES `vehicles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `service_records` ADD `baseline` integer DEFAULT false NOT NULL;--> statement-breakpoint
-- Pairs that exist already keep counting as before: recorded as confirmed, so never `baselineMissing`.
INSERT OR IGNORE INTO `maintenance_plan_starts` (`tenant_id`, `plan_id`, `vehicle_id`, `applied_at`, `odometer_km`, `engine_hours`, `confirmed_at`)
SELECT p.`tenant_id`, p.`id`, v.`id`, max(p.`created_at`, v.`created_at`), NULL, NULL, max(p.`created_at`, v.`created_at`)
FROM `maintenance_plans` p JOIN `vehicles` v ON v.`tenant_id` = p.`tenant_id`
WHERE (p.`vehicle_ids` IS NULL OR EXISTS (SELECT 1 FROM json_each(p.`vehicle_ids`) j WHERE j.`value` = v.`id`))
  AND (p.`vehicle_type` IS NULL OR lower(p.`vehicle_type`) = lower(coalesce(v.`type`, '')));
