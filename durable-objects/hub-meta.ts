/** The object's small key/value facts (`meta` table): tenant id, cursors, schedule times. */
export class HubMeta {
  constructor(private readonly sql: SqlStorage) {}

  get(key: string): string | undefined {
    return this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0]?.value;
  }

  set(key: string, value: string) {
    this.sql.exec("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value);
  }

  delete(key: string) {
    this.sql.exec("DELETE FROM meta WHERE key = ?", key);
  }
}
