/**
 * The `reading_groups` rows of the readings store (readings-store.ts): a row per group of
 * GROUP_SIZE vehicles and hour holds their pages of minute buckets (readings-codec.ts
 * `encodeGroup`), cut into parts past GROUP_PART_BYTES, so a flush writes a row per group, not
 * per vehicle.
 */
import { decodeGroup, encodeGroup } from "./readings-codec";

/** Vehicles (series ids) whose hour pages share a row: series 1–16 are group 1, and so on. */
export const GROUP_SIZE = 16;
export const groupOf = (series: number) => Math.ceil(series / GROUP_SIZE);
/** A group row is cut into parts of about this size (a SQLite value holds at most 2 MB). */
const GROUP_PART_BYTES = 1024 * 1024;

/** A group's hour as stored: every vehicle's page by series id, and how many parts the row has. */
export interface GroupHour {
  pages: Map<number, ArrayBuffer>;
  parts: number;
}

export function readGroup(sql: SqlStorage, grp: number, start: number): GroupHour {
  const rows = sql
    .exec<{ data: ArrayBuffer }>("SELECT data FROM reading_groups WHERE grp = ? AND start = ? ORDER BY part", grp, start)
    .toArray();
  const pages = new Map<number, ArrayBuffer>();
  for (const row of rows) for (const [series, page] of decodeGroup(row.data)) pages.set(series, page);
  return { pages, parts: rows.length };
}

/** Writes the group's hour (`parts`: how many the stored row had, so fewer parts drop the rest). */
export function writeGroup(sql: SqlStorage, grp: number, start: number, { pages, parts: before }: GroupHour) {
  const parts = encodeGroup(pages, GROUP_PART_BYTES);
  for (const [part, data] of parts.entries())
    sql.exec("INSERT OR REPLACE INTO reading_groups (grp, start, part, data) VALUES (?, ?, ?, ?)", grp, start, part, data);
  if (before > parts.length) sql.exec("DELETE FROM reading_groups WHERE grp = ? AND start = ? AND part >= ?", grp, start, parts.length);
}

/** The rows (every part) of the vehicle's group with `after < start < before`; the vehicle's page is picked out by the reader. */
export const groupRowsOf = (sql: SqlStorage, series: number, after: number, before: number) =>
  sql.exec<{ start: number; data: ArrayBuffer }>(
    "SELECT start, data FROM reading_groups WHERE grp = ? AND start > ? AND start < ?",
    groupOf(series),
    after,
    before,
  );

/** Every (group, hour) starting at or before `last`, oldest first: what the retention job folds. */
export const groupHoursUpTo = (sql: SqlStorage, last: number) =>
  sql
    .exec<{ grp: number; start: number }>("SELECT DISTINCT grp, start FROM reading_groups WHERE start <= ? ORDER BY start, grp", last)
    .toArray();

export const deleteGroup = (sql: SqlStorage, grp: number, start: number) =>
  sql.exec("DELETE FROM reading_groups WHERE grp = ? AND start = ?", grp, start);

/** Drops every group row of an hour starting at or before `last`; returns how many rows went. */
export const pruneGroups = (sql: SqlStorage, last: number) => sql.exec("DELETE FROM reading_groups WHERE start <= ?", last).rowsWritten;
