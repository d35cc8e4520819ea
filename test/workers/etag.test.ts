/** ETag on GET, If-Match on PATCH: a stale write is a 412 carrying the current state, and changes nothing. */
import { describe, expect, it } from "vitest";
import { addVehicles, call, createTenant, userWithRole } from "./helpers";

type Json = any;

async function stale(path: string, token: string, first: Record<string, unknown>, second: Record<string, unknown>) {
  const read = await call("GET", path, { token });
  expect(read.status).toBe(200);
  const etag = read.headers.get("etag")!;
  expect(etag).toMatch(/^"[0-9a-f]+"$/);
  // A GET again gives the same ETag while nothing changed.
  expect((await call("GET", path, { token })).headers.get("etag")).toBe(etag);

  const won = await call("PATCH", path, { token, body: first, headers: { "if-match": etag } });
  expect(won.status, await won.clone().text()).toBe(200);
  const newEtag = won.headers.get("etag")!;
  expect(newEtag).not.toBe(etag);
  expect((await call("GET", path, { token })).headers.get("etag")).toBe(newEtag);

  const lost = await call("PATCH", path, { token, body: second, headers: { "if-match": etag } });
  expect(lost.status).toBe(412);
  expect(lost.headers.get("content-type")).toContain("application/problem+json");
  expect(lost.headers.get("etag")).toBe(newEtag);
  const problem = (await lost.json()) as Json;
  expect(problem.current).toMatchObject(first);
  // Nothing of the stale write was applied.
  const now = (await (await call("GET", path, { token })).json()) as Json;
  expect(now).toMatchObject(first);

  // With the new ETag (or without If-Match) the write applies.
  expect((await call("PATCH", path, { token, body: second, headers: { "if-match": newEtag } })).status).toBe(200);
  expect((await call("PATCH", path, { token, body: first })).status).toBe(200);
  expect((await call("PATCH", path, { token, body: second, headers: { "if-match": "*" } })).status).toBe(200);
}

describe("ETag and If-Match", () => {
  it("guards vehicles", async () => {
    const tenant = await createTenant();
    const { "E-1": v } = await addVehicles(tenant, ["E-1"]);
    const manager = await userWithRole(tenant, "manager");
    await stale(`/api/vehicles/${v!.id}`, manager.token, { name: "Renamed by Ann" }, { name: "Renamed by Bob" });
  });

  it("guards rules", async () => {
    const tenant = await createTenant();
    const rules = (await (await call("GET", "/api/rules", { token: tenant.admin.token })).json()) as Json;
    const rule = rules.items[0];
    await stale(`/api/rules/${rule.id}`, tenant.admin.token, { threshold: 120 }, { threshold: 130 });
  });

  it("guards work orders", async () => {
    const tenant = await createTenant();
    const { "W-1": v } = await addVehicles(tenant, ["W-1"]);
    const created = await call("POST", "/api/work-orders", {
      token: tenant.admin.token,
      body: { vehicleId: v!.id, title: "Brakes", priority: "normal" },
    });
    const wo = (await created.json()) as Json;
    await stale(`/api/work-orders/${wo.id}`, tenant.admin.token, { notes: "Ann: pads ordered" }, { notes: "Bob: pads fitted" });
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
