/**
 * The object's text-keyed tables become WITHOUT ROWID tables (hub-storage.ts `rekeyWithoutRowid`):
 * an object that stored rows in the rowid tables keeps every row through the upgrade, and an
 * insert then writes one row where it wrote two (the table's row and its key's unique index).
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { HUB_MIGRATIONS, rekeyWithoutRowid, TEXT_KEYED_TABLES } from "../../durable-objects/hub-storage";
import { driveTime, runHubAlarm } from "./drive";
import { addVehicles, call, createTenant, isoAt, postTelemetry } from "./helpers";

driveTime();

const hubOf = (tenantId: string) => env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenantId));
const oilDrop = (vehicleId: string) => [0, 10].map((s) => ({ vehicleId, ts: isoAt(s), readings: { oilPressureKpa: 60 } }));

type Sql = SqlStorage;
const createSql = (sql: Sql, table: string) =>
  sql.exec<{ sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", table).one().sql;
const everyRow = (sql: Sql) =>
  Object.fromEntries(TEXT_KEYED_TABLES.map((t) => [t, sql.exec(`SELECT * FROM ${t} ORDER BY 1, 2`).toArray()]));

/** The tables as the previous version stored them: the same schema as rowid tables, the same rows. */
function asRowidTables(sql: Sql) {
  for (const table of TEXT_KEYED_TABLES) {
    const indexes = sql
      .exec<{ sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", table)
      .toArray();
    const create = createSql(sql, table).replace(/\s*WITHOUT ROWID\s*$/i, "");
    sql.exec(`ALTER TABLE ${table} RENAME TO ${table}_old`);
    sql.exec(create.replace(/^CREATE TABLE\s+("?)(\w+)\1/i, `CREATE TABLE ${table}`));
    sql.exec(`INSERT INTO ${table} SELECT * FROM ${table}_old`);
    sql.exec(`DROP TABLE ${table}_old`);
    for (const index of indexes) sql.exec(index.sql);
  }
}

describe("text-keyed object tables without rowid", { timeout: 30_000 }, () => {
  it("an object upgraded with alerts, escalations and jobs stored keeps every row, and an insert writes one row", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["RK-1", "RK-2"]);
    const policy = { steps: [{ afterMinutes: 10, roles: ["admin"], channels: ["sms"] }] };
    expect((await call("PUT", "/api/escalation-policies/critical", { token: tenant.admin.token, body: policy })).status).toBe(200);
    expect((await postTelemetry(tenant, { events: oilDrop("RK-1") })).status).toBe(202);
    await runHubAlarm(tenant.id);

    const before = await runInDurableObject(hubOf(tenant.id), (_hub, state) => {
      const sql = state.storage.sql;
      for (const table of TEXT_KEYED_TABLES) expect(createSql(sql, table)).toMatch(/WITHOUT ROWID$/);
      asRowidTables(sql);
      sql.exec("UPDATE _schema SET version = ?", HUB_MIGRATIONS.length - 1);
      return everyRow(sql);
    });
    expect(before.alerts).toHaveLength(1);
    expect(before.escalations).toHaveLength(1);
    expect(before.schedule!.length).toBeGreaterThan(0);
    await runInDurableObject(hubOf(tenant.id), (_hub, state) => state.abort("upgrade")).catch(() => {});

    // The new instance runs the step: the same rows, in WITHOUT ROWID tables.
    await runInDurableObject(hubOf(tenant.id), (_hub, state) => {
      const sql = state.storage.sql;
      expect(sql.exec<{ version: number }>("SELECT version FROM _schema").one().version).toBe(HUB_MIGRATIONS.length);
      for (const table of TEXT_KEYED_TABLES) expect(createSql(sql, table)).toMatch(/WITHOUT ROWID$/);
      expect(everyRow(sql)).toEqual(before);
      const indexes = sql.exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      );
      expect(indexes.toArray().map((i) => i.name)).toEqual(
        expect.arrayContaining(["escalations_due", "offline_due_at", "predictive_outcomes_component"]),
      );
      // A second run changes nothing.
      rekeyWithoutRowid(sql);
      expect(everyRow(sql)).toEqual(before);
      // One row written per insert into a table without other indexes (two as a rowid table).
      expect(sql.exec("INSERT INTO schedule (job, due_at) VALUES ('probe', 1)").rowsWritten).toBe(1);
      sql.exec("DELETE FROM schedule WHERE job = 'probe'");
    });

    // And the object goes on: a second alert is stored and scheduled beside the first.
    expect((await postTelemetry(tenant, { events: oilDrop("RK-2") })).status).toBe(202);
    await runHubAlarm(tenant.id);
    await runInDurableObject(hubOf(tenant.id), (_hub, state) => {
      expect(state.storage.sql.exec("SELECT id FROM alerts").toArray()).toHaveLength(2);
      expect(state.storage.sql.exec("SELECT alert_id FROM escalations").toArray()).toHaveLength(2);
    });
  });
});
