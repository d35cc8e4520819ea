-- The search index trigger fired on every alert upsert that sets `message`, `type` or `vehicle_id`,
-- and the object's D1 sync sets them on every snapshot (a continuing episode, an acknowledgement,
-- a comment count): each rewrote the alert's FTS5 row for nothing. It now fires only when one of
-- the indexed values changed (issue 18: D1 rows per alert; test/workers/hot-path-d1-writes.test.ts).
DROP TRIGGER IF EXISTS `alerts_fts_update`;
--> statement-breakpoint
CREATE TRIGGER `alerts_fts_update` AFTER UPDATE OF message, type, vehicle_id ON `alerts`
WHEN old.message IS NOT new.message OR old.type IS NOT new.type OR old.vehicle_id IS NOT new.vehicle_id BEGIN
  UPDATE alerts_fts SET message = new.message, type = new.type,
    vehicle_name = (SELECT name FROM vehicles WHERE id = new.vehicle_id)
  WHERE rowid = new.rowid;
END;
