-- Keeps alert_counts in step with alerts (hand-written: drizzle-kit cannot express triggers).
INSERT INTO `alert_counts` (tenant_id, status, severity, n)
  SELECT tenant_id, status, severity, count(*) FROM alerts GROUP BY tenant_id, status, severity;
--> statement-breakpoint
CREATE TRIGGER `alert_counts_insert` AFTER INSERT ON `alerts` BEGIN
  INSERT INTO alert_counts (tenant_id, status, severity, n) VALUES (new.tenant_id, new.status, new.severity, 1)
  ON CONFLICT (tenant_id, status, severity) DO UPDATE SET n = n + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `alert_counts_update` AFTER UPDATE OF status, severity ON `alerts`
WHEN old.status IS NOT new.status OR old.severity IS NOT new.severity BEGIN
  UPDATE alert_counts SET n = n - 1 WHERE tenant_id = old.tenant_id AND status = old.status AND severity = old.severity;
  INSERT INTO alert_counts (tenant_id, status, severity, n) VALUES (new.tenant_id, new.status, new.severity, 1)
  ON CONFLICT (tenant_id, status, severity) DO UPDATE SET n = n + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `alert_counts_delete` AFTER DELETE ON `alerts` BEGIN
  UPDATE alert_counts SET n = n - 1 WHERE tenant_id = old.tenant_id AND status = old.status AND severity = old.severity;
END;
