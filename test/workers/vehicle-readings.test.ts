/** GET /api/vehicles/:id/readings: recent readings of one vehicle, from the hub, tenant- and driver-scoped. */
import { describe, expect, it } from "vitest";
import { addVehicles, call, createTenant, postTelemetry, userWithRole } from "./helpers";

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

describe("vehicle readings", { timeout: 30_000 }, () => {
  it("returns the vehicle's own readings within the window, oldest first", async () => {
    const tenant = await createTenant();
    const v = await addVehicles(tenant, ["R-1", "R-2"]);
    const res = await postTelemetry(tenant, {
      events: [
        { vehicleId: "R-1", ts: ago(30), readings: { engineTempC: 90 } },
        { vehicleId: "R-1", ts: ago(10), readings: { engineTempC: 95, speedKph: 60 } },
        { vehicleId: "R-2", ts: ago(20), readings: { engineTempC: 70 } },
        { vehicleId: "R-1", ts: ago(300), readings: { engineTempC: 80 } },
      ],
    });
    expect(res.status).toBe(202);

    const one = await call("GET", `/api/vehicles/${v["R-1"]!.id}/readings?hours=2`, { token: tenant.admin.token });
    expect(one.status).toBe(200);
    const body = (await one.json()) as { vehicleId: string; points: { ts: string; readings: Record<string, number> }[] };
    expect(body.vehicleId).toBe(v["R-1"]!.id);
    expect(body.points.map((p) => p.readings.engineTempC)).toEqual([90, 95]);
    expect(body.points[1]!.readings.speedKph).toBe(60);

    const longer = (await (
      await call("GET", `/api/vehicles/${v["R-1"]!.id}/readings?hours=6`, { token: tenant.admin.token })
    ).json()) as typeof body;
    expect(longer.points.map((p) => p.readings.engineTempC)).toEqual([80, 90, 95]);
  });

  it("rejects a bad window by name, hides other tenants' and other drivers' vehicles", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    const v = await addVehicles(tenant, ["R-1"]);
    const bad = await call("GET", `/api/vehicles/${v["R-1"]!.id}/readings?hours=1000`, { token: tenant.admin.token });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain("hours");
    expect((await call("GET", `/api/vehicles/${v["R-1"]!.id}/readings`, { token: other.admin.token })).status).toBe(404);
    const driver = await userWithRole(tenant, "driver");
    expect((await call("GET", `/api/vehicles/${v["R-1"]!.id}/readings`, { token: driver.token })).status).toBe(404);
    expect((await call("GET", `/api/vehicles/${v["R-1"]!.id}/readings`)).status).toBe(401);
  });
});
