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
}

const isWrite = (sql: string) => /^\s*(insert|update|delete|replace|with)\b/i.test(sql);
const label = (sql: string) => sql.replace(/\s+/g, " ").trim().slice(0, 48);

export async function countD1Writes(run: () => Promise<void>): Promise<D1Writes> {
  const counted: D1Writes = { rows: 0, byStatement: {} };
  const add = (sql: string, meta: { rows_written?: number } | undefined) => {
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
  for (const name of ["run", "all"] as const) {
    statementProto[name] = async function (this: unknown, ...args: unknown[]) {
      const result = (await saved[name].apply(this, args)) as { meta?: { rows_written?: number } };
      add(sqlOf(this), result.meta);
      return result;
    };
  }
  // `raw()` and `first()` answer without meta: a writing statement (INSERT … RETURNING) goes
  // through `all()` instead, and its rows are handed back in the shape the caller asked for.
  statementProto.raw = async function (this: unknown, ...args: unknown[]) {
    if (!isWrite(sqlOf(this))) return saved.raw.apply(this, args);
    const { results } = (await statementProto.all!.call(this)) as { results: Record<string, unknown>[] };
    const rows = results.map((row) => Object.values(row));
    const names = (args[0] as { columnNames?: boolean } | undefined)?.columnNames;
    return names ? [Object.keys(results[0] ?? {}), ...rows] : rows;
  };
  statementProto.first = async function (this: unknown, ...args: unknown[]) {
    if (!isWrite(sqlOf(this))) return saved.first.apply(this, args);
    const { results } = (await statementProto.all!.call(this)) as { results: Record<string, unknown>[] };
    const row = results[0] ?? null;
    return typeof args[0] === "string" ? (row?.[args[0]] ?? null) : row;
  };
  dbProto.batch = async function (this: unknown, statements: unknown) {
    const results = (await saved.batch.call(this, statements)) as { meta?: { rows_written?: number } }[];
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
