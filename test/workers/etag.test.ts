/** ETag on GET, If-Match on PATCH: a stale write is a 412 carrying the current state, and changes nothing. */
import { describe, expect, it } from "vitest";
import { expectStaleWriteRefused } from "./etag-helpers";
import { addVehicles, call, createTenant, userWithRole } from "./helpers";

type Json = any;

describe("ETag and If-Match", () => {
  it("guards vehicles", async () => {
    const tenant = await createTenant();
    const { "E-1": v } = await addVehicles(tenant, ["E-1"]);
    const manager = await userWithRole(tenant, "manager");
    await expectStaleWriteRefused(`/api/vehicles/${v!.id}`, manager.token, { name: "Renamed by Ann" }, { name: "Renamed by Bob" });
  });

  it("guards rules", async () => {
    const tenant = await createTenant();
    const rules = (await (await call("GET", "/api/rules", { token: tenant.admin.token })).json()) as Json;
    const rule = rules.items[0];
    await expectStaleWriteRefused(`/api/rules/${rule.id}`, tenant.admin.token, { threshold: 120 }, { threshold: 130 });
  });

  it("guards work orders", async () => {
    const tenant = await createTenant();
    const { "W-1": v } = await addVehicles(tenant, ["W-1"]);
    const created = await call("POST", "/api/work-orders", {
      token: tenant.admin.token,
      body: { vehicleId: v!.id, title: "Brakes", priority: "normal" },
    });
    const wo = (await created.json()) as Json;
    await expectStaleWriteRefused(
      `/api/work-orders/${wo.id}`,
      tenant.admin.token,
      { notes: "Ann: pads ordered" },
      { notes: "Bob: pads fitted" },
    );
  });

  it("answers 404 before 412 for another tenant's resource", async () => {
    const [a, b] = [await createTenant(), await createTenant()];
    const { "X-1": v } = await addVehicles(a, ["X-1"]);
    const res = await call("PATCH", `/api/vehicles/${v!.id}`, {
      token: b.admin.token,
      body: { name: "x" },
      headers: { "if-match": '"0"' },
    });
    expect(res.status).toBe(404);
  });
});
