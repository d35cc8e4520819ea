import { describe, expect, it } from "vitest";
import { call, countRows, createTenant, userWithRole } from "./helpers";
import { problemTextWithoutRequestId } from "./problem-helpers";

async function addVehicle(token: string, externalId: string, extra: Record<string, unknown> = {}) {
  const res = await call("POST", "/api/vehicles", { token, body: { externalId, name: `Unit ${externalId}`, ...extra } });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; externalId: string; driverId: string | null };
}

describe("vehicles", () => {
  it("creates, reads, patches and pages vehicles in name order", async () => {
    const tenant = await createTenant();
    const token = tenant.admin.token;
    for (const n of ["C", "A", "B"]) await addVehicle(token, `V-${n}`, { odometerKm: 1000 });
    const first = await call("GET", "/api/vehicles?limit=2", { token });
    const page1 = (await first.json()) as { items: { externalId: string }[]; nextCursor: string };
    expect(page1.items.map((v) => v.externalId)).toEqual(["V-A", "V-B"]);
    const page2 = (await (await call("GET", `/api/vehicles?limit=2&cursor=${page1.nextCursor}`, { token })).json()) as {
      items: { id: string; externalId: string }[];
      nextCursor: string | null;
    };
    expect(page2.items.map((v) => v.externalId)).toEqual(["V-C"]);
    expect(page2.nextCursor).toBeNull();

    const id = page2.items[0]!.id;
    const patched = await call("PATCH", `/api/vehicles/${id}`, { token, body: { odometerKm: 1234.5, type: "van" } });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ odometerKm: 1234.5, type: "van" });
    const detail = await call("GET", `/api/vehicles/${id}`, { token });
    expect(await detail.json()).toMatchObject({
      id,
      odometerKm: 1234.5,
      latest: null,
      risk: { score: null, label: null, topFeatures: null },
    });
  });

  it("answers 409 for a duplicate externalId within a tenant only", async () => {
    const [a, b] = [await createTenant(), await createTenant()];
    await addVehicle(a.admin.token, "DUP-1");
    const dup = await call("POST", "/api/vehicles", { token: a.admin.token, body: { externalId: "DUP-1", name: "Again" } });
    expect(dup.status).toBe(409);
    await addVehicle(b.admin.token, "DUP-1");
  });

  it("hides another tenant's vehicle as 404 for read and patch", async () => {
    const [a, b] = [await createTenant(), await createTenant()];
    const vehicle = await addVehicle(a.admin.token, "MINE-1");
    const read = await call("GET", `/api/vehicles/${vehicle.id}`, { token: b.admin.token });
    expect(read.status).toBe(404);
    const patch = await call("PATCH", `/api/vehicles/${vehicle.id}`, { token: b.admin.token, body: { name: "Stolen" } });
    expect(patch.status).toBe(404);
    const mine = (await (await call("GET", `/api/vehicles/${vehicle.id}`, { token: a.admin.token })).json()) as { name: string };
    expect(mine.name).toBe("Unit MINE-1");
    // Same body shape as a truly missing id: nothing reveals that it exists elsewhere.
    const missing = await call("GET", "/api/vehicles/veh_doesnotexist", { token: b.admin.token });
    expect(await problemTextWithoutRequestId(missing)).toBe(
      await problemTextWithoutRequestId(await call("GET", `/api/vehicles/${vehicle.id}`, { token: b.admin.token })),
    );
  });

  it("lets a driver read only its own vehicle and no list", async () => {
    const tenant = await createTenant();
    const driver = await userWithRole(tenant, "driver");
    const own = await addVehicle(tenant.admin.token, "DRV-1", { driverId: driver.id });
    const other = await addVehicle(tenant.admin.token, "DRV-2");
    expect((await call("GET", `/api/vehicles/${own.id}`, { token: driver.token })).status).toBe(200);
    expect((await call("GET", `/api/vehicles/${other.id}`, { token: driver.token })).status).toBe(404);
    expect((await call("GET", "/api/vehicles", { token: driver.token })).status).toBe(403);
  });

  it("rejects a driverId that is not a driver of the tenant", async () => {
    const [a, b] = [await createTenant(), await createTenant()];
    const foreignDriver = await userWithRole(b, "driver");
    const manager = await userWithRole(a, "manager");
    // Another tenant's user is nobody here (404); a user of the wrong role is an invalid value (400).
    for (const [driverId, status] of [
      [foreignDriver.id, 404],
      [manager.id, 400],
    ] as const) {
      const res = await call("POST", "/api/vehicles", { token: a.admin.token, body: { externalId: `X-${driverId}`, name: "X", driverId } });
      expect(res.status).toBe(status);
      expect(((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(["driverId"]);
    }
    expect(await countRows("vehicles", "tenant_id = ?", a.id)).toBe(0);
  });

  it("names every bad field of an invalid body, including unknown ones, and stores nothing", async () => {
    const tenant = await createTenant();
    const res = await call("POST", "/api/vehicles", {
      token: tenant.admin.token,
      body: { externalId: "bad id!", name: "", odometerKm: -5, engineHours: "many", vin: "IIIII", color: "red" },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const problem = (await res.json()) as { errors: { path: string; message: string }[] };
    expect(problem.errors.map((e) => e.path).sort()).toEqual(["color", "engineHours", "externalId", "name", "odometerKm", "vin"]);
    expect(problem.errors.every((e) => e.message.length > 0)).toBe(true);
    expect(await countRows("vehicles", "tenant_id = ?", tenant.id)).toBe(0);
  });

  it("rejects malformed JSON (400), a non-JSON content type (415) and bad query parameters (400)", async () => {
    const tenant = await createTenant();
    const token = tenant.admin.token;
    const malformed = await call("POST", "/api/vehicles", { token, body: "{not json" });
    expect(malformed.status).toBe(400);
    const wrongType = await call("POST", "/api/vehicles", { token, body: "externalId=X", headers: { "content-type": "text/plain" } });
    expect(wrongType.status).toBe(415);
    expect(wrongType.headers.get("content-type")).toContain("application/problem+json");
    const badLimit = await call("GET", "/api/vehicles?limit=501", { token });
    expect(badLimit.status).toBe(400);
    expect(((await badLimit.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe("limit");
    const badCursor = await call("GET", "/api/vehicles?cursor=zzz", { token });
    expect(((await badCursor.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe("cursor");
    expect(await countRows("vehicles", "tenant_id = ?", tenant.id)).toBe(0);
  });
});
