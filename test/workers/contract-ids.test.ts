import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../worker/lib/ids";
import { addVehicles, call, countRows, createTenant, postTelemetry, userWithRole, type TestTenant } from "./helpers";

/**
 * docs/api.md conventions: an id inside a request body that names nothing in the caller's tenant
 * — another tenant's, or a well-formed id of no one — is a 404 whose `errors` name the field.
 */

type Json = Record<string, unknown>;

/** What one tenant owns, by the kind of id a body can carry. */
interface Owned {
  tenant: TestTenant;
  vehicleId: string;
  driverId: string;
  technicianUserId: string;
  ruleId: string;
  planId: string;
  technicianId: string;
  bayId: string;
  alertId: string;
  workOrderId: string;
}

async function post(tenant: TestTenant, path: string, body: Json) {
  const res = await call("POST", path, { token: tenant.admin.token, body });
  if (res.status !== 201) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string };
}

async function anAlert(tenant: TestTenant, externalId: string) {
  const sent = await postTelemetry(tenant, {
    events: [{ vehicleId: externalId, ts: new Date().toISOString(), readings: {}, dtc: ["P0217"] }],
  });
  expect(sent.status).toBe(202);
  await env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenant.id)).syncNow();
  const res = await call("GET", "/api/alerts", { token: tenant.admin.token });
  const items = ((await res.json()) as { items: { id: string }[] }).items;
  expect(items).toHaveLength(1);
  return items[0]!.id;
}

async function ownedBy(tenant: TestTenant): Promise<Owned> {
  const { V1 } = await addVehicles(tenant, ["V1"]);
  const driver = await userWithRole(tenant, "driver");
  const techUser = await userWithRole(tenant, "technician");
  const rule = await post(tenant, "/api/rules", { name: "Hot", metric: "engineTempC", op: "gt", threshold: 120, severity: "low" });
  const plan = await post(tenant, "/api/maintenance/plans", { name: "Oil", everyKm: 10_000, durationMinutes: 60 });
  const technician = await post(tenant, "/api/technicians", { name: "Ana", skills: [], shifts: [], timeZone: "UTC" });
  const bay = await post(tenant, "/api/bays", { name: "Bay", capacity: 1 });
  const workOrder = await post(tenant, "/api/work-orders", { vehicleId: V1!.id, title: "Check", priority: "normal" });
  return {
    tenant,
    vehicleId: V1!.id,
    driverId: driver.id,
    technicianUserId: techUser.id,
    ruleId: rule.id,
    planId: plan.id,
    technicianId: technician.id,
    bayId: bay.id,
    alertId: await anAlert(tenant, "V1"),
    workOrderId: workOrder.id,
  };
}

/** One endpoint that takes an id in its body: the request with `id` in the field at `path`. */
interface Case {
  name: string;
  kind: keyof Omit<Owned, "tenant" | "workOrderId">;
  /** The error path and message the 404 must carry. */
  path: string;
  message: string;
  /** The table a rejected create must leave unchanged. */
  table?: string;
  request: (mine: Owned, id: string) => { method: string; url: string; body: Json };
}

const CASES: Case[] = [
  {
    name: "POST /api/vehicles driverId",
    kind: "driverId",
    path: "driverId",
    message: "No such user",
    table: "vehicles",
    request: (_, id) => ({ method: "POST", url: "/api/vehicles", body: { externalId: "NEW", name: "New", driverId: id } }),
  },
  {
    name: "PATCH /api/vehicles/{id} driverId",
    kind: "driverId",
    path: "driverId",
    message: "No such user",
    request: (m, id) => ({ method: "PATCH", url: `/api/vehicles/${m.vehicleId}`, body: { driverId: id } }),
  },
  {
    name: "POST /api/rules vehicleIds.N",
    kind: "vehicleId",
    path: "vehicleIds.1",
    message: "No such vehicle",
    table: "alert_rules",
    request: (m, id) => ({
      method: "POST",
      url: "/api/rules",
      body: { name: "R", metric: "rpm", op: "gt", threshold: 1, severity: "low", vehicleIds: [m.vehicleId, id] },
    }),
  },
  {
    name: "PATCH /api/rules/{id} vehicleIds.N",
    kind: "vehicleId",
    path: "vehicleIds.0",
    message: "No such vehicle",
    request: (m, id) => ({ method: "PATCH", url: `/api/rules/${m.ruleId}`, body: { vehicleIds: [id, m.vehicleId] } }),
  },
  {
    name: "POST /api/maintenance/plans vehicleIds.N",
    kind: "vehicleId",
    path: "vehicleIds.1",
    message: "No such vehicle",
    table: "maintenance_plans",
    request: (m, id) => ({
      method: "POST",
      url: "/api/maintenance/plans",
      body: { name: "P", everyDays: 30, durationMinutes: 30, vehicleIds: [m.vehicleId, id] },
    }),
  },
  {
    name: "PATCH /api/maintenance/plans/{id} vehicleIds.N",
    kind: "vehicleId",
    path: "vehicleIds.0",
    message: "No such vehicle",
    request: (m, id) => ({ method: "PATCH", url: `/api/maintenance/plans/${m.planId}`, body: { vehicleIds: [id] } }),
  },
  {
    name: "POST /api/maintenance/service-records vehicleId",
    kind: "vehicleId",
    path: "vehicleId",
    message: "No such vehicle",
    table: "service_records",
    request: (m, id) => ({ method: "POST", url: "/api/maintenance/service-records", body: { vehicleId: id, planId: m.planId } }),
  },
  {
    name: "POST /api/maintenance/service-records planId",
    kind: "planId",
    path: "planId",
    message: "No such maintenance plan",
    table: "service_records",
    request: (m, id) => ({ method: "POST", url: "/api/maintenance/service-records", body: { vehicleId: m.vehicleId, planId: id } }),
  },
  {
    name: "POST /api/technicians userId",
    kind: "technicianUserId",
    path: "userId",
    message: "No such user",
    table: "technicians",
    request: (_, id) => ({
      method: "POST",
      url: "/api/technicians",
      body: { name: "T", skills: [], shifts: [], timeZone: "UTC", userId: id },
    }),
  },
  {
    name: "PATCH /api/technicians/{id} userId",
    kind: "technicianUserId",
    path: "userId",
    message: "No such user",
    request: (m, id) => ({ method: "PATCH", url: `/api/technicians/${m.technicianId}`, body: { userId: id } }),
  },
  {
    name: "POST /api/work-orders vehicleId",
    kind: "vehicleId",
    path: "vehicleId",
    message: "No such vehicle",
    table: "work_orders",
    request: (_, id) => ({ method: "POST", url: "/api/work-orders", body: { vehicleId: id, title: "W", priority: "low" } }),
  },
  {
    name: "POST /api/work-orders planId",
    kind: "planId",
    path: "planId",
    message: "No such maintenance plan",
    table: "work_orders",
    request: (m, id) => ({
      method: "POST",
      url: "/api/work-orders",
      body: { vehicleId: m.vehicleId, planId: id, title: "W", priority: "low" },
    }),
  },
  {
    name: "POST /api/work-orders alertId",
    kind: "alertId",
    path: "alertId",
    message: "No such alert",
    table: "work_orders",
    request: (m, id) => ({
      method: "POST",
      url: "/api/work-orders",
      body: { vehicleId: m.vehicleId, alertId: id, title: "W", priority: "low" },
    }),
  },
  {
    name: "POST /api/work-orders/from-alert alertId",
    kind: "alertId",
    path: "alertId",
    message: "No such alert",
    table: "work_orders",
    request: (_, id) => ({ method: "POST", url: "/api/work-orders/from-alert", body: { alertId: id } }),
  },
  {
    name: "PATCH /api/work-orders/{id} technicianId",
    kind: "technicianId",
    path: "technicianId",
    message: "No such technician",
    request: (m, id) => ({ method: "PATCH", url: `/api/work-orders/${m.workOrderId}`, body: { technicianId: id } }),
  },
  {
    name: "PATCH /api/work-orders/{id} bayId",
    kind: "bayId",
    path: "bayId",
    message: "No such bay",
    request: (m, id) => ({ method: "PATCH", url: `/api/work-orders/${m.workOrderId}`, body: { bayId: id } }),
  },
  {
    name: "POST /api/silences matchers.vehicleId",
    kind: "vehicleId",
    path: "matchers.vehicleId",
    message: "No such vehicle",
    table: "silences",
    request: (_, id) => ({ method: "POST", url: "/api/silences", body: silence({ vehicleId: id }) }),
  },
  {
    name: "POST /api/silences matchers.ruleId",
    kind: "ruleId",
    path: "matchers.ruleId",
    message: "No such rule",
    table: "silences",
    request: (_, id) => ({ method: "POST", url: "/api/silences", body: silence({ ruleId: id }) }),
  },
];

function silence(matchers: Json): Json {
  const now = Date.now();
  return { matchers, startsAt: new Date(now).toISOString(), endsAt: new Date(now + 3_600_000).toISOString(), comment: "test" };
}

/** A well-formed id of the kind that names nothing anywhere. */
const PREFIX: Record<Case["kind"], string> = {
  vehicleId: "veh",
  driverId: "usr",
  technicianUserId: "usr",
  ruleId: "rul",
  planId: "pln",
  technicianId: "tec",
  bayId: "bay",
  alertId: "alr",
};

describe("ids in request bodies that name nothing in the caller's tenant", () => {
  let mine: Owned;
  let theirs: Owned;
  beforeAll(async () => {
    mine = await ownedBy(await createTenant());
    theirs = await ownedBy(await createTenant());
  });

  for (const c of CASES) {
    it(`${c.name}: 404 naming ${c.path} for another tenant's id and for a well-formed id of no one`, async () => {
      const before = c.table ? await countRows(c.table, "tenant_id = ?", mine.tenant.id) : 0;
      for (const [label, id] of [
        ["other tenant's", theirs[c.kind]],
        ["nobody's", newId(PREFIX[c.kind])],
      ] as const) {
        const { method, url, body } = c.request(mine, id);
        const res = await call(method, url, { token: mine.tenant.admin.token, body });
        expect(res.status, `${label} id`).toBe(404);
        expect(res.headers.get("content-type")).toContain("application/problem+json");
        const problem = (await res.json()) as { status: number; errors: unknown };
        expect(problem.status).toBe(404);
        expect(problem.errors, `${label} id`).toEqual([{ path: c.path, message: c.message }]);
      }
      if (c.table) expect(await countRows(c.table, "tenant_id = ?", mine.tenant.id)).toBe(before);
    });
  }

  it("names every unknown entry of a list at once, and still takes the tenant's own ids", async () => {
    const ghost = newId("veh");
    const res = await call("POST", "/api/rules", {
      token: mine.tenant.admin.token,
      body: { name: "R", metric: "rpm", op: "gt", threshold: 1, severity: "low", vehicleIds: [theirs.vehicleId, mine.vehicleId, ghost] },
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { errors: unknown }).errors).toEqual([
      { path: "vehicleIds.0", message: "No such vehicle" },
      { path: "vehicleIds.2", message: "No such vehicle" },
    ]);
    const own = await call("PATCH", `/api/rules/${mine.ruleId}`, {
      token: mine.tenant.admin.token,
      body: { vehicleIds: [mine.vehicleId] },
    });
    expect(own.status).toBe(200);
    const builtin = await call("POST", "/api/silences", {
      token: mine.tenant.admin.token,
      body: silence({ ruleId: "builtin:predictive_failure", vehicleId: mine.vehicleId }),
    });
    expect(builtin.status).toBe(201);
  });

  it("keeps a 400 for an id that names a user of the wrong role", async () => {
    const res = await call("PATCH", `/api/vehicles/${mine.vehicleId}`, {
      token: mine.tenant.admin.token,
      body: { driverId: mine.technicianUserId },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: unknown }).errors).toEqual([
      { path: "driverId", message: "Must be a user with the driver role" },
    ]);
  });
});
