/**
 * How vehicle states are stored in the tenant object (the in-memory side is vehicle-states.ts):
 * settled states in pages of many vehicles (`vehicle_state_pages`), changes since the last settle
 * as each batch's `journal` column and as journal rows that name the batch they follow, and the
 * cursor `journalThrough` past the batches settled. Also the hub storage steps that shaped them.
 */

/** A settled page or a journal row holds vehicles' states up to about this many characters (a SQLite value holds at most 2 MB). */
const PAGE_CHARS = 512 * 1024;

/** Vehicles' serialised states cut into pages of at most PAGE_CHARS (a larger single state gets a page alone). */
export function packPages(states: [vehicleId: string, json: string][]): { vehicleIds: string[]; data: string }[] {
  const pages: { vehicleIds: string[]; parts: string[]; size: number }[] = [];
  for (const [vehicleId, json] of states) {
    const part = `${JSON.stringify(vehicleId)}:${json}`;
    let page = pages.at(-1);
    if (!page || (page.parts.length && page.size + part.length + 1 > PAGE_CHARS))
      pages.push((page = { vehicleIds: [], parts: [], size: 2 }));
    page.vehicleIds.push(vehicleId);
    page.parts.push(part);
    page.size += part.length + 1;
  }
  return pages.map(({ vehicleIds, parts }) => ({ vehicleIds, data: `{${parts.join(",")}}` }));
}

export const writePage = (sql: SqlStorage, page: number, data: string) =>
  sql.exec("INSERT INTO vehicle_state_pages (page, data) VALUES (?, ?) ON CONFLICT (page) DO UPDATE SET data = excluded.data", page, data);

export const deletePage = (sql: SqlStorage, page: number) => sql.exec("DELETE FROM vehicle_state_pages WHERE page = ?", page);

/** Hub storage step: one `vehicle_state` row per vehicle becomes pages of many (a settle wrote a row per vehicle). */
export function pageVehicleStates(sql: SqlStorage) {
  sql.exec("CREATE TABLE IF NOT EXISTS vehicle_state_pages (page INTEGER PRIMARY KEY, data TEXT NOT NULL)");
  if (!sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'vehicle_state'").toArray().length) return;
  const rows = sql.exec<{ vehicle_id: string; data: string }>("SELECT vehicle_id, data FROM vehicle_state ORDER BY vehicle_id").toArray();
  const first = sql.exec<{ next: number }>("SELECT coalesce(max(page), 0) + 1 AS next FROM vehicle_state_pages").one().next;
  for (const [i, page] of packPages(rows.map((r) => [r.vehicle_id, r.data])).entries()) writePage(sql, first + i, page.data);
  sql.exec("DROP TABLE vehicle_state");
}

/** The `meta` key of the newest batch whose journal is settled into the pages. */
const JOURNAL_CURSOR = "journalThrough";

export const saveJournalCursor = (sql: SqlStorage, through: number) =>
  sql.exec(
    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    JOURNAL_CURSOR,
    String(through),
  );

/** A batch past the cursor (its stored events, and its journal or null), or a journal row (`data` only). */
type JournalEntry = { after: number; data: string | null; events?: string };

export const readPages = (sql: SqlStorage) => sql.exec<{ page: number; data: string }>("SELECT page, data FROM vehicle_state_pages");

export const readJournalCursor = (sql: SqlStorage) =>
  Number(sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", JOURNAL_CURSOR).toArray()[0]?.value ?? 0);

/** The newest raw batch's id (0 when none is stored). */
export const newestBatch = (sql: SqlStorage) =>
  sql.exec<{ id: number | null }>("SELECT max(rowid) AS id FROM ingested_batches").one().id ?? 0;

export const writeJournalRow = (sql: SqlStorage, afterBatch: number, data: string) =>
  sql.exec("INSERT INTO vehicle_state_journal (after_batch, data) VALUES (?, ?)", afterBatch, data);

export const clearJournalRows = (sql: SqlStorage) => sql.exec("DELETE FROM vehicle_state_journal");

/**
 * What happened since the last settle, in the order it was written: the batches past `through`
 * (their events, from which the latest readings are replayed, and their journals) and the journal
 * rows (models' state, resolves, a large batch's overflow), each after the batch that was newest
 * when written.
 */
export function readJournal(sql: SqlStorage, through: number): Iterable<JournalEntry> {
  const batches = sql
    .exec<JournalEntry>("SELECT rowid AS after, journal AS data, events FROM ingested_batches WHERE rowid > ? ORDER BY rowid", through)
    .toArray();
  const rows = sql.exec<JournalEntry>("SELECT after_batch AS after, data FROM vehicle_state_journal ORDER BY after_batch, id").toArray();
  return inJournalOrder(batches, rows);
}

/** Batches' journals and journal rows in the order they were written: each row after the batch it names. */
function* inJournalOrder(batches: JournalEntry[], rows: JournalEntry[]): Generator<JournalEntry> {
  let b = 0;
  for (const row of rows) {
    while (b < batches.length && batches[b]!.after <= row.after) yield batches[b++]!;
    yield row;
  }
  while (b < batches.length) yield batches[b++]!;
}

/**
 * Hub storage step: a batch's rule-pass journal moves into its own row (written anyway), so it is
 * neither a second row nor a deleted one; journal rows say which batch they follow.
 */
export function journalInBatches(sql: SqlStorage) {
  const has = (table: string, column: string) =>
    sql.exec("SELECT 1 FROM pragma_table_info(?) WHERE name = ?", table, column).toArray().length > 0;
  if (!has("ingested_batches", "journal")) sql.exec("ALTER TABLE ingested_batches ADD COLUMN journal TEXT");
  if (!has("vehicle_state_journal", "after_batch"))
    sql.exec("ALTER TABLE vehicle_state_journal ADD COLUMN after_batch INTEGER NOT NULL DEFAULT 0");
  // Every batch so far has its journal in journal rows, which replay first (after batch 0). Run
  // again (a test rewinds the steps), the cursor already there stays.
  sql.exec("INSERT OR IGNORE INTO meta (key, value) SELECT ?, coalesce(max(rowid), 0) FROM ingested_batches", JOURNAL_CURSOR);
}

/**
 * Hub storage step: the C-MAPSS engine windows and AI4I scores left the object with their models
 * (docs/decisions); the vehicle health models start their own state from the next reading.
 */
export function dropEdgeModelState(sql: SqlStorage) {
  for (const row of sql.exec<{ vehicle_id: string; data: string }>("SELECT vehicle_id, data FROM vehicle_state").toArray()) {
    const state = JSON.parse(row.data) as Record<string, unknown>;
    if (!("engineWindow" in state || "engineLayout" in state || "machineRisk" in state || "risk" in state)) continue;
    for (const key of ["engineWindow", "engineLayout", "machineRisk", "risk"]) delete state[key];
    sql.exec("UPDATE vehicle_state SET data = ? WHERE vehicle_id = ?", JSON.stringify(state), row.vehicle_id);
  }
}
