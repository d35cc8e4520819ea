/**
 * ETag / If-Match on the set-up resources (plans, technicians, bays, users), as on vehicles, rules
 * and work orders: a stale write is a 412 carrying the current state and its ETag, and changes nothing.
 */
import { describe, expect, it } from "vitest";
import { expectStaleWriteRefused } from "./etag-helpers";
import { call, createTenant, userWithRole } from "./helpers";

type Json = any;

async function created(token: string, path: string, body: Record<string, unknown>): Promise<string> {
  const res = await call("POST", path, { token, body });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as Json).id;
}

describe("ETag and If-Match on set-up resources", () => {
  it("guards maintenance plans", async () => {
    const tenant = await createTenant();
    const id = await created(tenant.admin.token, "/api/maintenance/plans", { name: "Oil", everyKm: 10_000, durationMinutes: 60 });
    await expectStaleWriteRefused(`/api/maintenance/plans/${id}`, tenant.admin.token, { name: "Oil (Ann)" }, { name: "Oil (Bob)" });
  });

  it("guards technicians", async () => {
    const tenant = await createTenant();
    const id = await created(tenant.admin.token, "/api/technicians", { name: "Ana", skills: [], shifts: [], timeZone: "UTC" });
    await expectStaleWriteRefused(`/api/technicians/${id}`, tenant.admin.token, { name: "Ana (Ann)" }, { skills: ["brakes"] });
  });

  it("guards bays", async () => {
    const tenant = await createTenant();
    const id = await created(tenant.admin.token, "/api/bays", { name: "Bay", capacity: 1 });
    await expectStaleWriteRefused(`/api/bays/${id}`, tenant.admin.token, { capacity: 2 }, { capacity: 3 });
  });

  it("guards users, and a manager may read one but not change it", async () => {
    const tenant = await createTenant();
    const driver = await userWithRole(tenant, "driver");
    await expectStaleWriteRefused(`/api/users/${driver.id}`, tenant.admin.token, { name: "Dee (Ann)" }, { phone: "+15550100" });
    const manager = await userWithRole(tenant, "manager");
    expect((await call("GET", `/api/users/${driver.id}`, { token: manager.token })).status).toBe(200);
    expect((await call("GET", `/api/users/${driver.id}`, { token: driver.token })).status).toBe(403);
  });

  it("answers 404, not 412, for another tenant's resource", async () => {
    const [a, b] = [await createTenant(), await createTenant()];
    const bay = await created(a.admin.token, "/api/bays", { name: "Bay", capacity: 1 });
    const driver = await userWithRole(a, "driver");
    for (const path of [`/api/bays/${bay}`, `/api/users/${driver.id}`]) {
      expect((await call("GET", path, { token: b.admin.token })).status).toBe(404);
      const res = await call("PATCH", path, { token: b.admin.token, body: { name: "x" }, headers: { "if-match": '"0"' } });
      expect(res.status).toBe(404);
    }
  });
});
