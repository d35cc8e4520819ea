-- Lists in milliseconds (issue #18 point 4, docs/telemetry-and-alerts.md "Listing alerts").
-- The alert list's newest-first page under status AND severity (the Overview's serious alerts),
-- and under type: a SEARCH on both equalities, ordered by the index, stopping after the page.
CREATE INDEX `alerts_tenant_status_severity_created` ON `alerts` (`tenant_id`,`status`,`severity`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `alerts_tenant_type_created` ON `alerts` (`tenant_id`,`type`,`created_at`,`id`);--> statement-breakpoint
-- Facet counts over a from/to range from the index alone (no row lookups).
CREATE INDEX `alerts_facets_created` ON `alerts` (`tenant_id`,`created_at`,`status`,`severity`);--> statement-breakpoint
-- The tenant's newest alert seq in one index read: the version the facet cache is keyed by.
CREATE INDEX `alerts_tenant_seq` ON `alerts` (`tenant_id`,`seq`);--> statement-breakpoint
-- The vehicle list's (name, id) keyset page without sorting the fleet, and the tenant's newest
-- vehicle change (a rename changes what full-text search finds) in one index read.
CREATE INDEX `vehicles_tenant_name` ON `vehicles` (`tenant_id`,`name`,`id`);--> statement-breakpoint
CREATE INDEX `vehicles_tenant_updated` ON `vehicles` (`tenant_id`,`updated_at`);
