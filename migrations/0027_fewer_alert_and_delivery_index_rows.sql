-- Issue 18 (D1 rows per alert): D1 bills every index entry an INSERT writes as a row. A new alert
-- wrote 11 index entries, a delivery 7. Indexes that began with the same columns are folded into
-- one that still answers each query from the index alone, and two delivery indexes that only
-- webhook and digest deliveries use now hold only those rows (partial indexes: a `topic = ?` or
-- `target = ?` condition implies IS NOT NULL, so SQLite still uses them).
--
-- Newest first and the created_at-range facets and analytics, one index instead of three:
DROP INDEX IF EXISTS `alerts_tenant_created`;
--> statement-breakpoint
DROP INDEX IF EXISTS `alerts_facets_created`;
--> statement-breakpoint
DROP INDEX IF EXISTS `alerts_analytics`;
--> statement-breakpoint
CREATE INDEX `alerts_tenant_created` ON `alerts` (`tenant_id`,`created_at`,`id`,`status`,`severity`,`vehicle_id`,`rule_id`,`type`,`acknowledged_at`,`resolved_at`);
--> statement-breakpoint
-- A vehicle's page and its facets (with a type filter too), one index instead of two:
DROP INDEX IF EXISTS `alerts_tenant_vehicle_created`;
--> statement-breakpoint
DROP INDEX IF EXISTS `alerts_facets_vehicle`;
--> statement-breakpoint
CREATE INDEX `alerts_tenant_vehicle_created` ON `alerts` (`tenant_id`,`vehicle_id`,`created_at`,`id`,`status`,`severity`,`type`);
--> statement-breakpoint
-- A type's page, its facets (with a vehicle filter too) and the predictive analytics' range, one
-- index instead of two:
DROP INDEX IF EXISTS `alerts_tenant_type_created`;
--> statement-breakpoint
DROP INDEX IF EXISTS `alerts_facets_type`;
--> statement-breakpoint
CREATE INDEX `alerts_tenant_type_created` ON `alerts` (`tenant_id`,`type`,`created_at`,`id`,`status`,`severity`,`vehicle_id`);
--> statement-breakpoint
-- Alert deliveries to people carry neither a digest topic nor a webhook target:
DROP INDEX IF EXISTS `deliveries_tenant_topic`;
--> statement-breakpoint
CREATE INDEX `deliveries_tenant_topic` ON `deliveries` (`tenant_id`,`topic`) WHERE `topic` IS NOT NULL;
--> statement-breakpoint
DROP INDEX IF EXISTS `deliveries_tenant_target`;
--> statement-breakpoint
CREATE INDEX `deliveries_tenant_target` ON `deliveries` (`tenant_id`,`target`,`created_at`,`id`) WHERE `target` IS NOT NULL;
