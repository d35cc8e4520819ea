CREATE TABLE `alert_counts` (
	`tenant_id` text NOT NULL,
	`status` text NOT NULL,
	`severity` text NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `status`, `severity`)
);
--> statement-breakpoint
DROP INDEX `alerts_tenant_status`;--> statement-breakpoint
DROP INDEX `alerts_tenant_severity`;--> statement-breakpoint
DROP INDEX `alerts_tenant_vehicle`;--> statement-breakpoint
CREATE INDEX `alerts_tenant_status_created` ON `alerts` (`tenant_id`,`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `alerts_tenant_severity_created` ON `alerts` (`tenant_id`,`severity`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `alerts_tenant_vehicle_created` ON `alerts` (`tenant_id`,`vehicle_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `alerts_facets_vehicle` ON `alerts` (`tenant_id`,`vehicle_id`,`status`,`severity`);--> statement-breakpoint
CREATE INDEX `alerts_facets_type` ON `alerts` (`tenant_id`,`type`,`status`,`severity`);