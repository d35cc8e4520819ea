-- Issue 18: the alert list's search version reads the tenant's fleet revision (migration 0035)
-- since, not its vehicles' newest `updated_at`; nothing else reads this index, and every vehicle
-- write paid a row for it.
DROP INDEX `vehicles_tenant_updated`;
