import { DurableObject } from "cloudflare:workers";
import { migrateStorage, type StorageMigration } from "./storage-migrations";

/** Storage schema steps; append only. */
const MIGRATIONS: StorageMigration[] = [
  (sql) => sql.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"),
];

/**
 * One object per tenant (`idFromName(tenantId)`): the unit of ordering and live fan-out.
 * It owns the tenant's rolling rule state, telemetry windows and live socket room.
 */
export class TenantHub extends DurableObject<Env> {
  readonly schemaVersion: Promise<number>;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.schemaVersion = ctx.blockConcurrencyWhile(async () => migrateStorage(ctx.storage.sql, MIGRATIONS));
  }
}
