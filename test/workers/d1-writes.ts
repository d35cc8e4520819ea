/**
 * Counts rows D1 writes (its own `meta.rows_written`: table, index, FTS and trigger rows) while a
 * test runs. The Worker, its Durable Objects and the test share one isolate, so patching the D1
 * binding's prototypes here reaches every D1 call the code under test makes.
 */
import { env } from "cloudflare:workers";

export interface D1Writes {
  rows: number;
  /** Rows by the statement's first words, to see where they go. */
  byStatement: Record<string, number>;
  /** Round trips to D1 (a statement run alone, or one batch), each a request the isolate pays for. */
  calls: number;
  callsByStatement: Record<string, number>;
  /** Rows each statement read (D1's `meta.rows_read`, its triggers' reads included), in order. */
  reads: { sql: string; rows: number }[];
}

const isWrite = (sql: string) => /^\s*(insert|update|delete|replace|with)\b/i.test(sql);
const label = (sql: string) => sql.replace(/\s+/g, " ").trim().slice(0, 48);

export async function countD1Writes(run: () => Promise<void>): Promise<D1Writes> {
  const counted: D1Writes = { rows: 0, byStatement: {}, calls: 0, callsByStatement: {}, reads: [] };
  const call = (sql: string) => {
    counted.calls++;
    counted.callsByStatement[label(sql)] = (counted.callsByStatement[label(sql)] ?? 0) + 1;
  };
  const add = (sql: string, meta: { rows_written?: number; rows_read?: number } | undefined) => {
    counted.reads.push({ sql, rows: meta?.rows_read ?? 0 });
    const rows = meta?.rows_written ?? 0;
    if (!rows) return;
    counted.rows += rows;
    counted.byStatement[label(sql)] = (counted.byStatement[label(sql)] ?? 0) + rows;
  };
  const statementProto = Object.getPrototypeOf(env.DB.prepare("SELECT 1")) as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const dbProto = Object.getPrototypeOf(env.DB) as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const saved = {
    run: statementProto.run!,
    all: statementProto.all!,
    raw: statementProto.raw!,
    first: statementProto.first!,
    batch: dbProto.batch!,
  };
  const sqlOf = (statement: unknown) => String((statement as { statement?: string }).statement ?? "");
  let inner = false;
  /** `all()` on behalf of `raw()`/`first()`: its rows are counted, the call was already. */
  const allUncounted = async (statement: unknown) => {
    inner = true; // read synchronously at the start of the patched all(), before its first await
    const result = statementProto.all!.call(statement);
    inner = false;
    return result;
  };
  for (const name of ["run", "all"] as const) {
    statementProto[name] = async function (this: unknown, ...args: unknown[]) {
      if (!inner) call(sqlOf(this));
      const result = (await saved[name].apply(this, args)) as { meta?: { rows_written?: number; rows_read?: number } };
      add(sqlOf(this), result.meta);
      return result;
    };
  }
  // `raw()` and `first()` answer without meta: a writing statement (INSERT … RETURNING) goes
  // through `all()` instead, and its rows are handed back in the shape the caller asked for.
  /** A read through `raw()`/`first()` has no meta: it is run once more through `all()` for its `rows_read`. */
  const readAgain = async (statement: unknown, result: unknown) => {
    const { meta } = (await saved.all.call(statement)) as { meta?: { rows_read?: number } };
    counted.reads.push({ sql: sqlOf(statement), rows: meta?.rows_read ?? 0 });
    return result;
  };
  statementProto.raw = async function (this: unknown, ...args: unknown[]) {
    call(sqlOf(this));
    if (!isWrite(sqlOf(this))) return readAgain(this, await saved.raw.apply(this, args));
    const { results } = (await allUncounted(this)) as { results: Record<string, unknown>[] };
    const rows = results.map((row) => Object.values(row));
    const names = (args[0] as { columnNames?: boolean } | undefined)?.columnNames;
    return names ? [Object.keys(results[0] ?? {}), ...rows] : rows;
  };
  statementProto.first = async function (this: unknown, ...args: unknown[]) {
    call(sqlOf(this));
    if (!isWrite(sqlOf(this))) return readAgain(this, await saved.first.apply(this, args));
    const { results } = (await allUncounted(this)) as { results: Record<string, unknown>[] };
    const row = results[0] ?? null;
    return typeof args[0] === "string" ? (row?.[args[0]] ?? null) : row;
  };
  dbProto.batch = async function (this: unknown, statements: unknown) {
    call(`batch of ${(statements as unknown[]).length}: ${sqlOf((statements as unknown[])[0])}`);
    const results = (await saved.batch.call(this, statements)) as { meta?: { rows_written?: number; rows_read?: number } }[];
    (statements as unknown[]).forEach((statement, i) => add(sqlOf(statement), results[i]?.meta));
    return results;
  };
  try {
    await run();
  } finally {
    Object.assign(statementProto, { run: saved.run, all: saved.all, raw: saved.raw, first: saved.first });
    dbProto.batch = saved.batch;
  }
  return counted;
}
