-- Issue 18 (D1 rows per alert): every delivery wrote an entry in two (status, due_at) indexes, one
-- across tenants for the cron's backstop sweep and one per tenant, and moved both on each status
-- change (queued, sending, sent). The backstop now reads tenant by tenant through the per-tenant
-- index (`tenant_id IN (SELECT id FROM tenants)`, worker/notifications/sweep.ts): one entry less per
-- delivery and per status change.
DROP INDEX IF EXISTS `deliveries_status_due`;
