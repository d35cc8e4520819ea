-- Full-text search over work orders (title, notes, vehicle name, plan name) for
-- GET /api/work-orders?q=. Hand-written: drizzle-kit cannot express FTS5 tables or triggers; the
-- triggers keep the index in step with every work order, vehicle-name and plan-name change.
CREATE VIRTUAL TABLE `work_orders_fts` USING fts5(title, notes, vehicle_name, plan_name, tokenize = 'unicode61 remove_diacritics 2');
--> statement-breakpoint
INSERT INTO work_orders_fts(rowid, title, notes, vehicle_name, plan_name)
  SELECT w.rowid, w.title, w.notes, (SELECT name FROM vehicles WHERE id = w.vehicle_id), (SELECT name FROM maintenance_plans WHERE id = w.plan_id)
  FROM work_orders w;
--> statement-breakpoint
CREATE TRIGGER `work_orders_fts_insert` AFTER INSERT ON `work_orders` BEGIN
  INSERT INTO work_orders_fts(rowid, title, notes, vehicle_name, plan_name)
  VALUES (new.rowid, new.title, new.notes, (SELECT name FROM vehicles WHERE id = new.vehicle_id),
    (SELECT name FROM maintenance_plans WHERE id = new.plan_id));
END;
--> statement-breakpoint
CREATE TRIGGER `work_orders_fts_update` AFTER UPDATE OF title, notes, vehicle_id, plan_id ON `work_orders` BEGIN
  UPDATE work_orders_fts SET title = new.title, notes = new.notes,
    vehicle_name = (SELECT name FROM vehicles WHERE id = new.vehicle_id),
    plan_name = (SELECT name FROM maintenance_plans WHERE id = new.plan_id)
  WHERE rowid = new.rowid;
END;
--> statement-breakpoint
CREATE TRIGGER `work_orders_fts_delete` AFTER DELETE ON `work_orders` BEGIN
  DELETE FROM work_orders_fts WHERE rowid = old.rowid;
END;
--> statement-breakpoint
CREATE TRIGGER `work_orders_fts_vehicle_rename` AFTER UPDATE OF name ON `vehicles` BEGIN
  UPDATE work_orders_fts SET vehicle_name = new.name
  WHERE rowid IN (SELECT rowid FROM work_orders WHERE vehicle_id = new.id);
END;
--> statement-breakpoint
CREATE TRIGGER `work_orders_fts_plan_rename` AFTER UPDATE OF name ON `maintenance_plans` BEGIN
  UPDATE work_orders_fts SET plan_name = new.name
  WHERE rowid IN (SELECT rowid FROM work_orders WHERE plan_id = new.id);
END;
