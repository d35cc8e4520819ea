-- Per-tenant retention windows (PUT /api/settings `retention`); a missing field means the default.
CREATE TABLE `tenant_retention` (
	`tenant_id` text PRIMARY KEY NOT NULL,
	`days` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
-- The tenant object's stale-delivery sweep reads one tenant's unsent rows by status.
CREATE INDEX `deliveries_tenant_status_due` ON `deliveries` (`tenant_id`,`status`,`due_at`);
