import { fillPlaceholders, sql } from "drizzle-orm";
import type { Db } from "./client";

/** What drizzle's `.prepare()` gives for a query: its SQL with placeholders, and how to map a batch's rows. */
interface Prepared {
  getQuery(): { sql: string; params: unknown[] };
  mapResult(response: unknown, isFromBatch?: boolean): unknown;
}

const built = new WeakMap<Db, Map<string, Prepared[]>>();

/**
 * A value that stands for `name` in a query built once (`preparedBatch`); typed as the value it
 * stands for, so the same query builders serve both ways.
 */
export const placeholder = <T>(name: string) => sql.placeholder(name) as unknown as T;

/**
 * A fixed set of queries, each built by drizzle once per client (the queries `build` returns,
 * written with `placeholder`s) and bound to `values`: the statements, and how to map their results
 * (in the same order) as drizzle would. drizzle's own batch builds every query again on each call:
 * for the planning job's nested audience queries that building was most of the job's CPU and
 * garbage, which the runtime's other work waited on (BENCHMARKS.md, "The sequential tail is the
 * work behind the alert").
 */
/** The rows of each query of a fixed set, in order, as drizzle maps them. */
export type RowsOf<Q extends readonly unknown[]> = { -readonly [K in keyof Q]: Awaited<Q[K]> };

export function preparedStatements<Q extends readonly { prepare(): unknown }[]>(
  db: Db,
  name: string,
  build: () => Q,
  values: Record<string, unknown>,
) {
  let byName = built.get(db);
  if (!byName) built.set(db, (byName = new Map()));
  const queries = byName.get(name) ?? build().map((query) => query.prepare() as Prepared);
  byName.set(name, queries);
  const statements = queries.map((p) => {
    const query = p.getQuery();
    return db.$client.prepare(query.sql).bind(...fillPlaceholders(query.params, values));
  });
  return {
    statements,
    map: (results: D1Result[]) => results.map((result, i) => queries[i]!.mapResult(result, true)) as unknown as RowsOf<Q>,
  };
}

/**
 * `preparedStatements` run in one D1 batch. `then` statements (writes that vary per call) run
 * after them in the same batch, one transaction; their results come back as D1 gives them.
 */
export async function preparedBatch(
  db: Db,
  name: string,
  build: () => readonly { prepare(): unknown }[],
  values: Record<string, unknown>,
  then: D1PreparedStatement[] = [],
): Promise<unknown[]> {
  const { statements, map } = preparedStatements(db, name, build, values);
  const results = await db.$client.batch([...statements, ...then]);
  return [...map(results.slice(0, statements.length)), ...results.slice(statements.length)];
}

/**
 * The same fixed set of queries for each of several jobs (one `values` per job), all in ONE D1
 * batch: each job's rows, in job order (a queue batch's planning jobs read together).
 */
export async function preparedBatchEach<Q extends readonly { prepare(): unknown }[]>(
  db: Db,
  name: string,
  build: () => Q,
  values: Record<string, unknown>[],
): Promise<RowsOf<Q>[]> {
  const queries = values.map((v) => preparedStatements(db, name, build, v));
  if (!queries.length) return [];
  const results = await db.$client.batch(queries.flatMap((q) => q.statements));
  let at = 0;
  return queries.map((q) => q.map(results.slice(at, (at += q.statements.length))));
}
