// Lists in milliseconds (issue #18, docs/telemetry-and-alerts.md "Listing alerts"): with thousands
// of alerts, a page of GET /api/alerts reads about its own rows from D1 (D1's `meta.rows_read`),
// whatever the filter, and remembered facets and search pages follow every change.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { database } from "../../worker/db/client";
import type { AuthContext } from "../../worker/env";
import { listAlerts, type AlertFilters } from "../../worker/services/alerts";
import { listVehicles } from "../../worker/services/vehicles";
import { addVehicles, call, createTenant, type TestTenant } from "./helpers";

const ALERTS = 3_000;
const VEHICLES = 10;
const SPACING_MS = 25_000;
const TYPES = ["engine_overheating", "low_oil_pressure", "harsh_braking", "speeding", "diagnostic_trouble_code"];
const SEVERITIES = ["critical", "high", "medium", "low"];
const STATUSES = ["open", "acknowledged", "resolved"];

/** A D1 binding that records `meta.rows_read` of every statement of every batch run through it. */
function countingD1(d1: D1Database) {
  const reads: number[] = [];
  const binding = new Proxy(d1, {
    get(target, prop) {
      if (prop === "batch")
        return async (statements: D1PreparedStatement[]) => {
          const results = await target.batch(statements);
          for (const result of results) reads.push(result.meta.rows_read);
          return results;
        };
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db: database(binding), reads, total: () => reads.reduce((a, b) => a + b, 0), reset: () => reads.splice(0) };
}

/** `ALERTS` alerts straight into D1, newest `newest`, like the bench's seeding (the FTS and counts triggers run). */
async function seedAlerts(tenant: TestTenant, vehicleIds: string[], newest: number) {
  // Literal values (all generated here): D1 allows 100 bound parameters per statement.
  const statements: D1PreparedStatement[] = [];
  for (let start = 0; start < ALERTS; start += 200) {
    const values: string[] = [];
    for (let i = start; i < Math.min(ALERTS, start + 200); i++) {
      const created = newest - (ALERTS - 1 - i) * SPACING_MS;
      const type = TYPES[i % TYPES.length]!;
      const row = [
        `${tenant.id}_a${i}`,
        tenant.id,
        i + 1,
        vehicleIds[i % vehicleIds.length],
        type,
        SEVERITIES[(i * 7) % 4],
        STATUSES[(i * 13) % 3],
      ];
      values.push(
        `(${row.map((v) => (typeof v === "number" ? v : `'${v}'`)).join(",")},'${type.replaceAll("_", " ")} alert',${i % 997},1,${created},${created})`,
      );
    }
    statements.push(
      env.DB.prepare(
        `INSERT INTO alerts (id, tenant_id, seq, vehicle_id, type, severity, status, message, value, occurrences, created_at, last_seen_at) VALUES ${values.join(",")}`,
      ),
    );
  }
  await env.DB.batch(statements);
}

async function fleet() {
  const tenant = await createTenant();
  const vehicles = await addVehicles(
    tenant,
    Array.from({ length: VEHICLES }, (_, i) => `R-${i}`),
  );
  const vehicleIds = Object.values(vehicles).map((v) => v.id);
  const newest = Date.now() - 60_000;
  await seedAlerts(tenant, vehicleIds, newest);
  const auth: AuthContext = { tenantId: tenant.id, userId: tenant.admin.id, role: "admin" };
  return { tenant, vehicleIds, newest, auth };
}

/** Per page: its limit + 1 rows, an index entry beside each, and a handful for the version and counts. */
const pageBound = (limit: number) => 2 * (limit + 1) + 20;

describe("GET /api/alerts reads about a page of rows", () => {
  it("whatever the filter, once its facets are known; a page never scans", async () => {
    const { vehicleIds, auth } = await fleet();
    const d1 = countingD1(env.DB);
    const filters: [string, AlertFilters, number][] = [
      ["status", { status: "open" }, 50],
      ["status + severity (Overview)", { status: "open", severity: "critical" }, 500],
      ["vehicle", { vehicleId: vehicleIds[3] }, 50],
      ["type", { type: "harsh_braking" }, 50],
      ["search", { q: "overheating" }, 50],
      ["vehicle + type", { vehicleId: vehicleIds[3], type: "speeding" }, 50],
    ];
    for (const [name, f, limit] of filters) {
      d1.reset();
      const cold = await listAlerts(d1.db, auth, f, limit);
      // The page statement alone is bounded even before the facets are known (a search's first
      // page reads its matches: FTS5 yields them by rowid, not newest first).
      if (!f.q) expect(d1.reads[0], `${name}: page, first request ${d1.reads}`).toBeLessThanOrEqual(pageBound(limit));
      d1.reset();
      const warm = await listAlerts(d1.db, auth, f, limit);
      expect(d1.total(), `${name}: whole request, facets known ${d1.reads}`).toBeLessThanOrEqual(pageBound(limit));
      expect(warm).toEqual(cold);
      expect(warm.rows.length).toBeGreaterThan(0);
    }
  });

  it("a time range reads only the alerts in it", async () => {
    const { newest, auth } = await fleet();
    const d1 = countingD1(env.DB);
    const inRange = 80;
    const list = await listAlerts(d1.db, auth, { from: newest - (inRange - 1) * SPACING_MS }, 50);
    const counted = Object.values(list.facets.status).reduce((a, b) => a + b, 0);
    expect(counted).toBe(inRange);
    // The page, then the range's own index entries (each read again from the GROUP BY's sorter).
    expect(d1.total(), `${d1.reads}`).toBeLessThanOrEqual(pageBound(50) + 2 * inRange);
  });

  it("pages on with the cursor, each page bounded", async () => {
    const { auth } = await fleet();
    const d1 = countingD1(env.DB);
    const seen = new Set<string>();
    let after: [number, string] | undefined;
    for (let n = 0; n < 4; n++) {
      await listAlerts(d1.db, auth, { type: "speeding" }, 50, after);
      d1.reset();
      const { rows } = await listAlerts(d1.db, auth, { type: "speeding" }, 50, after);
      expect(d1.total(), `page ${n}: ${d1.reads}`).toBeLessThanOrEqual(pageBound(50));
      for (const row of rows.slice(0, 50)) seen.add(row.id);
      const last = rows[49]!;
      after = [last.createdAt, last.id];
    }
    expect(seen.size).toBe(200);
  });
});

describe("remembered facets and search pages", () => {
  it("follow a changed alert (its higher seq) at once", async () => {
    const { tenant, auth } = await fleet();
    const db = database(env.DB);
    const before = await listAlerts(db, auth, { q: "overheating", status: "open" }, 20);
    const first = before.rows[0]!;
    await env.DB.prepare(
      "UPDATE alerts SET status = 'resolved', seq = (SELECT max(seq) + 1 FROM alerts WHERE tenant_id = ?1) WHERE id = ?2",
    )
      .bind(tenant.id, first.id)
      .run();
    const after = await listAlerts(db, auth, { q: "overheating", status: "open" }, 20);
    expect(after.facets.status.open).toBe(before.facets.status.open - 1);
    expect(after.rows.map((r) => r.id)).not.toContain(first.id);
    const byType = await listAlerts(db, auth, { type: first.type }, 20);
    const direct = await env.DB.prepare("SELECT count(*) AS n FROM alerts WHERE tenant_id = ? AND type = ? AND status = 'resolved'")
      .bind(tenant.id, first.type)
      .first<{ n: number }>();
    expect(byType.facets.status.resolved).toBe(direct!.n);
  });

  it("follow a renamed vehicle (its name is searched)", async () => {
    const { tenant, vehicleIds, auth } = await fleet();
    const db = database(env.DB);
    const before = await listAlerts(db, auth, { q: "R-4" }, 10);
    expect(before.facets.status.open + before.facets.status.acknowledged + before.facets.status.resolved).toBe(ALERTS / VEHICLES);
    const res = await call("PATCH", `/api/vehicles/${vehicleIds[4]}`, { token: tenant.admin.token, body: { name: "Spare" } });
    expect(res.status).toBe(200);
    const after = await listAlerts(db, auth, { q: "R-4" }, 10);
    expect(after.rows).toEqual([]);
    expect(after.facets.status).toEqual({ open: 0, acknowledged: 0, resolved: 0 });
  });
});

describe("GET /api/vehicles", () => {
  it("reads a page of vehicles in (name, id) order, not the fleet", async () => {
    const tenant = await createTenant();
    const now = Date.now();
    const inserts = Array.from({ length: 300 }, (_, i) =>
      env.DB.prepare("INSERT INTO vehicles (id, tenant_id, external_id, name, updated_at) VALUES (?, ?, ?, ?, ?)").bind(
        `${tenant.id}_v${i}`,
        tenant.id,
        `X-${i}`,
        `Van ${String(299 - i).padStart(3, "0")}`,
        now,
      ),
    );
    await env.DB.batch(inserts);
    const d1 = countingD1(env.DB);
    const [first] = await d1.db.batch([listVehicles(d1.db, tenant.id, 50)]);
    expect(first.map((v) => v.name).slice(0, 2)).toEqual(["Van 000", "Van 001"]);
    const last = first[49]!;
    const [second] = await d1.db.batch([listVehicles(d1.db, tenant.id, 50, [last.name, last.id])]);
    expect(second[0]!.name).toBe("Van 050");
    for (const read of d1.reads) expect(read).toBeLessThanOrEqual(pageBound(50));
  });
});
