-- Issue 18 point 6: a tenant's ingest can be spread over several TenantHub objects by vehicle
-- (durable-objects/shards.ts); 1 keeps everything in the tenant's one object, as before.
ALTER TABLE `tenants` ADD `ingest_shards` integer DEFAULT 1 NOT NULL;
