-- Issue 18 (lists in milliseconds): a tenant's fleet revision, raised by every insert and update
-- of one of its vehicles, so `GET /api/vehicles` can remember a page under it and check it with
-- one key read (worker/services/vehicle-pages.ts). The newest `updated_at` was not enough: two
-- writes in the same millisecond leave it where it was. Vehicles are never deleted.
CREATE TABLE `fleet_revisions` (
	`tenant_id` text PRIMARY KEY NOT NULL,
	`n` integer NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `fleet_revisions` (tenant_id, n) SELECT tenant_id, count(*) FROM `vehicles` GROUP BY tenant_id;
--> statement-breakpoint
CREATE TRIGGER `fleet_revision_on_insert` AFTER INSERT ON `vehicles` BEGIN
  INSERT INTO `fleet_revisions` (tenant_id, n) VALUES (NEW.tenant_id, 1)
    ON CONFLICT (tenant_id) DO UPDATE SET n = n + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `fleet_revision_on_update` AFTER UPDATE ON `vehicles` BEGIN
  INSERT INTO `fleet_revisions` (tenant_id, n) VALUES (NEW.tenant_id, 1)
    ON CONFLICT (tenant_id) DO UPDATE SET n = n + 1;
END;
