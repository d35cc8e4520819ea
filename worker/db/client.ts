import { and, eq, gt, gte, lt, lte, or, type SQL, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import * as schema from "./schema";

export type Db = ReturnType<typeof database>;

/**
 * The drizzle client of a D1 binding, one per binding and isolate: building it walks the whole
 * schema (relational config), which cost more CPU than a list page's own queries, on every request and job.
 */
const clients = new WeakMap<D1Database, ReturnType<typeof drizzle<typeof schema>>>();
export function database(d1: D1Database) {
  let db = clients.get(d1);
  if (!db) clients.set(d1, (db = drizzle(d1, { schema })));
  return db;
}

/**
 * The tenant filter every tenant-owned query goes through: `tenant_id = ?` AND the rest.
 * A row of another tenant is therefore simply not found (404), never forbidden.
 */
export function inTenant(table: { tenantId: SQLiteColumn }, tenantId: string, ...conditions: (SQL | undefined)[]): SQL {
  return and(eq(table.tenantId, tenantId), ...conditions) as SQL;
}

/**
 * The same tenant check where rows are found by their ids: `+tenant_id = ?` filters the rows the
 * id lookups found and keeps SQLite from walking the tenant's index instead (every row the
 * tenant ever had, when the ids name a handful).
 */
export function ofTenant(column: SQLiteColumn, tenantId: string): SQL {
  return sql`+${column} = ${tenantId}`;
}

/**
 * Keyset paging: rows strictly past the cursor's (sort key, id) in the list's order — "newest
 * first" lists page with `desc`, alphabetical ones with `asc`. No cursor, no condition.
 */
export function pastCursor(
  sortColumn: SQLiteColumn,
  idColumn: SQLiteColumn,
  cursor: [string | number, string] | undefined,
  order: "asc" | "desc",
): SQL | undefined {
  if (!cursor) return undefined;
  const beyond = order === "desc" ? lt : gt;
  // The leading bound alone lets SQLite seek the (…, sort, id) index to the cursor; without it
  // the OR makes it walk every row before the cursor, so deep pages cost more and more.
  const bound = order === "desc" ? lte(sortColumn, cursor[0]) : gte(sortColumn, cursor[0]);
  return and(bound, or(beyond(sortColumn, cursor[0]), and(eq(sortColumn, cursor[0]), beyond(idColumn, cursor[1]))));
}

/** True when D1 rejected a write on a UNIQUE constraint (mapped to 409 by callers). */
export function isUniqueViolation(error: unknown): boolean {
  const text = String((error as { cause?: unknown })?.cause ?? error);
  return /UNIQUE constraint failed/i.test(text) || /UNIQUE constraint failed/i.test(String(error));
}
