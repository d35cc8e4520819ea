import { and, eq, type SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import * as schema from "./schema";

export type Db = ReturnType<typeof database>;

export const database = (d1: D1Database) => drizzle(d1, { schema });

/**
 * The tenant filter every tenant-owned query goes through: `tenant_id = ?` AND the rest.
 * A row of another tenant is therefore simply not found (404), never forbidden.
 */
export function inTenant(table: { tenantId: SQLiteColumn }, tenantId: string, ...conditions: (SQL | undefined)[]): SQL {
  return and(eq(table.tenantId, tenantId), ...conditions) as SQL;
}

/** True when D1 rejected a write on a UNIQUE constraint (mapped to 409 by callers). */
export function isUniqueViolation(error: unknown): boolean {
  const text = String((error as { cause?: unknown })?.cause ?? error);
  return /UNIQUE constraint failed/i.test(text) || /UNIQUE constraint failed/i.test(String(error));
}
