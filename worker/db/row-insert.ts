import { getTableColumns, getTableName } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";

const texts = new Map<string, string>();

/**
 * One row's INSERT, its SQL built once per table, set of columns and `ending` (a conflict or
 * returning clause) and bound to the row's values encoded as drizzle encodes them (booleans,
 * JSON). drizzle's insert builder builds the whole statement again for every row: on the alert
 * work's hot path (the D1 sync, planning's deliveries and decisions) that building and its garbage
 * were what the runtime's other work waited on (BENCHMARKS.md, "The sequential tail is the work
 * behind the alert"). Columns the row leaves out take their SQL default; a column whose default is
 * computed in JS (drizzle's `$default`) cannot be left out here.
 */
export function insertRow<T extends SQLiteTable>(d1: D1Database, table: T, row: T["$inferInsert"], ending = ""): D1PreparedStatement {
  return insertInto(d1, table, row, null, ending);
}

/** An SQL condition with its own parameters, bound after the row's values. */
export interface Condition {
  sql: string;
  params: unknown[];
}

/**
 * The row only if `when` holds (`insert … select <values> where <when>`): a check and its insert in
 * one statement, so nothing can change between them and no read goes before the write.
 */
export function insertRowWhen<T extends SQLiteTable>(
  d1: D1Database,
  table: T,
  row: T["$inferInsert"],
  when: Condition,
  ending = "",
): D1PreparedStatement {
  return insertInto(d1, table, row, when, ending);
}

function insertInto<T extends SQLiteTable>(d1: D1Database, table: T, row: T["$inferInsert"], when: Condition | null, ending: string) {
  const values = row as Record<string, unknown>;
  const columns = getTableColumns(table) as Record<string, T["_"]["columns"][string]>;
  const keys = Object.keys(values).filter((key) => values[key] !== undefined);
  const signature = `${getTableName(table)}|${keys.join(",")}|${when?.sql ?? ""}|${ending}`;
  let text = texts.get(signature);
  if (text === undefined) {
    const missing = Object.keys(columns).filter((key) => !keys.includes(key) && columns[key]!.defaultFn);
    if (missing.length) throw new Error(`insertRow: ${getTableName(table)}.${missing.join(", ")} has a JS default; give it a value`);
    const names = keys.map((key) => `"${columns[key]!.name}"`);
    const slots = keys.map(() => "?").join(", ");
    const source = when ? `select ${slots} where ${when.sql}` : `values (${slots})`;
    text = `insert into "${getTableName(table)}" (${names.join(", ")}) ${source} ${ending}`.trim();
    texts.set(signature, text);
  }
  const encoded = keys.map((key) => (values[key] === null ? null : columns[key]!.mapToDriverValue(values[key])));
  return d1.prepare(text).bind(...encoded, ...(when?.params ?? []));
}
