-- Full-text search over alerts (message, type, vehicle name) for GET /api/alerts?q=.
-- drizzle-kit cannot express FTS5 tables or triggers, so this migration is hand-written; the
-- triggers keep the index in step with every alert and vehicle-name change.
CREATE VIRTUAL TABLE `alerts_fts` USING fts5(message, type, vehicle_name, tokenize = 'unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `alerts_fts_insert` AFTER INSERT ON `alerts` BEGIN
  INSERT INTO alerts_fts(rowid, message, type, vehicle_name)
  VALUES (new.rowid, new.message, new.type, (SELECT name FROM vehicles WHERE id = new.vehicle_id));
END;
--> statement-breakpoint
CREATE TRIGGER `alerts_fts_update` AFTER UPDATE OF message, type, vehicle_id ON `alerts` BEGIN
  UPDATE alerts_fts SET message = new.message, type = new.type,
    vehicle_name = (SELECT name FROM vehicles WHERE id = new.vehicle_id)
  WHERE rowid = new.rowid;
END;
--> statement-breakpoint
CREATE TRIGGER `alerts_fts_delete` AFTER DELETE ON `alerts` BEGIN
  DELETE FROM alerts_fts WHERE rowid = old.rowid;
END;
--> statement-breakpoint
CREATE TRIGGER `alerts_fts_vehicle_rename` AFTER UPDATE OF name ON `vehicles` BEGIN
  UPDATE alerts_fts SET vehicle_name = new.name
  WHERE rowid IN (SELECT rowid FROM alerts WHERE vehicle_id = new.id);
END;
