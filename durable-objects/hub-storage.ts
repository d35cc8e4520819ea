import type { StorageMigration } from "./storage-migrations";
import { createOfflineDue } from "./offline-watch";
import { createOutcomeTables } from "./predictive-outcomes";
import { createAlertOrigins } from "./shard-relay";
import { dropEdgeModelState, journalInBatches, pageVehicleStates } from "./vehicle-state-rows";

/** The vehicle health models replace the C-MAPSS/AI4I state; outcomes and predictions for recalibration. */
export function replaceEdgeModelState(sql: SqlStorage) {
  dropEdgeModelState(sql);
  createOutcomeTables(sql);
}

/**
 * The tables keyed by text (an alert id, a job name, a vehicle id) as WITHOUT ROWID tables: a rowid
 * table keeps a second, unique index for such a key, one more row written (and billed) on every
 * insert. None of them is read by rowid. Each is rebuilt from its own schema, indexes included.
 */
export const TEXT_KEYED_TABLES = ["alerts", "escalations", "schedule", "offline_due", "predictions", "predictive_outcomes"];

export function rekeyWithoutRowid(sql: SqlStorage, tables = TEXT_KEYED_TABLES) {
  for (const table of tables) {
    const schema = sql
      .exec<{ type: string; sql: string }>("SELECT type, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL", table)
      .toArray();
    const create = schema.find((s) => s.type === "table")?.sql;
    if (!create || /WITHOUT ROWID\s*$/i.test(create)) continue;
    sql.exec(`${create.replace(/^CREATE TABLE\s+("?)(\w+)\1/i, `CREATE TABLE ${table}_rekeyed`)} WITHOUT ROWID`);
    sql.exec(`INSERT INTO ${table}_rekeyed SELECT * FROM ${table}`);
    sql.exec(`DROP TABLE ${table}`);
    sql.exec(`ALTER TABLE ${table}_rekeyed RENAME TO ${table}`);
    for (const index of schema.filter((s) => s.type === "index")) sql.exec(index.sql);
  }
}

/** TenantHub's SQLite schema, in order; append only (see storage-migrations.ts). */
export const HUB_MIGRATIONS: StorageMigration[] = [
  (sql) => sql.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"),
  (sql) => {
    // Accepted batches: the durable record a 202 promises, and the idempotency keys.
    sql.exec(`CREATE TABLE ingested_batches (
      key TEXT PRIMARY KEY, received_at INTEGER NOT NULL, event_count INTEGER NOT NULL, events TEXT NOT NULL)`);
    sql.exec("CREATE INDEX ingested_batches_received ON ingested_batches (received_at)");
    // Per vehicle: newest reading and every rule's rolling state, as one JSON document.
    sql.exec("CREATE TABLE vehicle_state (vehicle_id TEXT PRIMARY KEY, data TEXT NOT NULL)");
    sql.exec("CREATE TABLE alerts (id TEXT PRIMARY KEY, data TEXT NOT NULL)");
    // The alert-event log clients resume from; seq is the tenant's alert-event sequence.
    // Each row keeps the alert as it was at that event, so a replay shows history, not just now.
    sql.exec(
      "CREATE TABLE alert_events (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, alert_id TEXT NOT NULL, at INTEGER NOT NULL, data TEXT NOT NULL)",
    );
  },
  (sql) => {
    // Escalation steps waiting for their time; deleted when fired or when the alert is acknowledged.
    sql.exec(`CREATE TABLE escalations (alert_id TEXT NOT NULL, step INTEGER NOT NULL, due_at INTEGER NOT NULL,
      roles TEXT NOT NULL, channels TEXT NOT NULL, PRIMARY KEY (alert_id, step))`);
    sql.exec("CREATE INDEX escalations_due ON escalations (due_at)");
  },
  // v4 converted C-MAPSS engine windows to rows; those models left the object (a later step drops the windows).
  () => {},
  (sql) => {
    // Alert episodes: alerts stored before them get peakValue = value and clearedAt = null.
    for (const table of ["alerts", "alert_events"]) {
      sql.exec(
        `UPDATE ${table} SET data = json_set(data, '$.peakValue', json_extract(data, '$.value'), '$.clearedAt', json('null'))
          WHERE json_type(data, '$.peakValue') IS NULL`,
      );
    }
    // Alerts whose continuing-episode update the live stream held back, due at due_at (unused since the
    // alert book holds those updates itself, alert-book.ts).
    sql.exec("CREATE TABLE IF NOT EXISTS live_pending (alert_id TEXT PRIMARY KEY, due_at INTEGER NOT NULL)");
  },
  (sql) => {
    // Every time-driven job and when it is next due (schedule.ts); the Geotab poll time moves here from meta.
    sql.exec("CREATE TABLE IF NOT EXISTS schedule (job TEXT PRIMARY KEY, due_at INTEGER NOT NULL)");
    sql.exec("INSERT OR IGNORE INTO schedule (job, due_at) SELECT 'geotab', CAST(value AS INTEGER) FROM meta WHERE key = 'geotabNextPoll'");
    sql.exec("DELETE FROM meta WHERE key = 'geotabNextPoll'");
    // Escalations are now scheduled from the event log past `escalatedSeq`; alerts so far had theirs at ingest.
    sql.exec("INSERT OR IGNORE INTO meta (key, value) SELECT 'escalatedSeq', value FROM meta WHERE key = 'seq'");
  },
  // Per-vehicle due times of offline rules (offline-watch.ts).
  createOfflineDue,
  (sql) => {
    // The downsampled per-vehicle readings store (readings-store.ts): vehicles and metric names as
    // small ids, one row per (vehicle, resolution, bucket start) holding a packed bucket.
    sql.exec("CREATE TABLE IF NOT EXISTS reading_series (id INTEGER PRIMARY KEY, vehicle_id TEXT NOT NULL UNIQUE)");
    sql.exec("CREATE TABLE IF NOT EXISTS reading_metrics (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
    sql.exec(`CREATE TABLE IF NOT EXISTS reading_buckets (series INTEGER NOT NULL, span INTEGER NOT NULL, start INTEGER NOT NULL,
      data BLOB NOT NULL, PRIMARY KEY (series, span, start)) WITHOUT ROWID`);
  },
  replaceEdgeModelState,
  // One row per batch with the states it changed, settled on the alarm (vehicle-states.ts; since journalInBatches, for what no batch carries).
  (sql) => sql.exec("CREATE TABLE IF NOT EXISTS vehicle_state_journal (id INTEGER PRIMARY KEY, data TEXT NOT NULL)"),
  // Time bounds on raw batches are rowid bounds (batch-range.ts): the index cost two rows per batch.
  (sql) => sql.exec("DROP INDEX IF EXISTS ingested_batches_received"),
  // Settled vehicle states in pages of many vehicles: a settle wrote a row per vehicle (vehicle-states.ts).
  pageVehicleStates,
  // A batch's rule-pass journal is a column of its own row, not a row of its own (vehicle-states.ts).
  journalInBatches,
  // Hour pages of minute buckets, GROUP_SIZE vehicles to a row (readings-store.ts); older per-vehicle pages stay readable.
  (sql) =>
    sql.exec(`CREATE TABLE IF NOT EXISTS reading_groups (grp INTEGER NOT NULL, start INTEGER NOT NULL, part INTEGER NOT NULL,
      data BLOB NOT NULL, PRIMARY KEY (grp, start, part)) WITHOUT ROWID`),
  // Which shard raised each relayed alert, so the room sends its changes there (shard-relay.ts).
  createAlertOrigins,
  // One row per insert into the text-keyed tables, not two (issue 18: rows written per alert).
  (sql) => rekeyWithoutRowid(sql),
];
