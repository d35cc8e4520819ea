/**
 * Versioned schema for a Durable Object's SQLite storage. Each step runs once, in order, inside
 * `blockConcurrencyWhile`, and the applied version is kept in the `_schema` table.
 */
export type StorageMigration = (sql: SqlStorage) => void;

export function migrateStorage(sql: SqlStorage, migrations: StorageMigration[]): number {
  sql.exec("CREATE TABLE IF NOT EXISTS _schema (version INTEGER NOT NULL)");
  const row = sql.exec<{ version: number }>("SELECT version FROM _schema").toArray()[0];
  let version = row?.version ?? 0;
  if (!row) sql.exec("INSERT INTO _schema (version) VALUES (0)");
  for (; version < migrations.length; version++) {
    migrations[version]!(sql);
    sql.exec("UPDATE _schema SET version = ?", version + 1);
  }
  return version;
}
