// Answers of GET /api/vehicles remembered per isolate under the tenant's fleet revision and the
// object's risk revision (worker/services/vehicle-pages.ts, migration 0035): a repeated page costs
// one D1 statement and no risks copied, and the next list after a vehicle is added, renamed or
// reassigned, or scored by the models, shows it.
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { database } from "../../worker/db/client";
import { VERSION_REUSE_MS } from "../../worker/services/alert-list-cache";
import { vehicleListJson } from "../../worker/services/vehicle-pages";
import { countingD1 } from "./counting-d1";
import { countD1Writes } from "./d1-writes";
import { addVehicles, call, createTenant, isoAt, postTelemetry, userWithRole, type TestTenant } from "./helpers";

type FleetJson = {
  items: { id: string; name: string; driverId: string | null; risk: { score: number | null; at: string | null } }[];
  nextCursor: string | null;
};

async function fleet(tenant: TestTenant, query = "?limit=500") {
  const res = await call("GET", `/api/vehicles${query}`, { token: tenant.admin.token });
  expect(res.status).toBe(200);
  return (await res.json()) as FleetJson;
}

describe("remembered vehicle pages", () => {
  it("answer a repeated page with one D1 statement (none within the revision's reuse) and the object's word that its risks did not move", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["F-1", "F-2", "F-3"]);
    let now = Date.now();
    const clock = vi.spyOn(Date, "now").mockImplementation(() => now);
    try {
      const d1 = countingD1(env.DB);
      const db = database(d1.binding);
      const cold = await vehicleListJson(env, db, tenant.id, 2);
      expect((JSON.parse(cold) as FleetJson).items.map((v) => v.name)).toEqual(["Unit F-1", "Unit F-2"]);
      d1.reset();
      expect(await vehicleListJson(env, db, tenant.id, 2)).toBe(cold);
      expect(d1.count()).toBe(0);
      now += VERSION_REUSE_MS;
      expect(await vehicleListJson(env, db, tenant.id, 2)).toBe(cold);
      expect(d1.count()).toBe(1);
    } finally {
      clock.mockRestore();
    }
  });

  it("answer a token this isolate has not seen in one D1 round trip: its session check carries the fleet's revision", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["S-1", "S-2"]);
    const before = await fleet(tenant); // remembered under the revision
    const newToken = async () => (await userWithRole(tenant, "manager")).token;
    const token = await newToken();
    const cold = await countD1Writes(async () => {
      const res = await call("GET", "/api/vehicles?limit=500", { token });
      expect(await res.json()).toEqual(before);
    });
    // Two before: the session check, then the revision.
    expect(cold.calls, JSON.stringify(cold.callsByStatement)).toBe(1);
    // The revision the session check brings is current: a vehicle added since shows.
    await addVehicles(tenant, ["S-3"]);
    const res = await call("GET", "/api/vehicles?limit=500", { token: await newToken() });
    expect(((await res.json()) as FleetJson).items.map((v) => v.name)).toEqual(["Unit S-1", "Unit S-2", "Unit S-3"]);
  });

  it("show a vehicle's new risk on the very next list after the models scored it", async () => {
    const tenant = await createTenant();
    const { "R-1": scored } = await addVehicles(tenant, ["R-1", "R-2"]);
    const before = await fleet(tenant);
    expect(before.items.map((v) => v.risk.at)).toEqual([null, null]);
    expect(await fleet(tenant)).toEqual(before); // remembered
    const event = { vehicleId: "R-1", ts: isoAt(0), readings: { speedKph: 60, rpm: 1800, coolantTempC: 88 }, dtc: ["P0217"] };
    expect((await postTelemetry(tenant, { events: [event] })).status).toBe(202);
    const after = await fleet(tenant);
    expect(after.items.find((v) => v.id === scored!.id)?.risk.at).not.toBeNull();
    expect(after.items.find((v) => v.id !== scored!.id)?.risk.at).toBeNull();
  });

  it("show an added, a renamed and a reassigned vehicle on the very next list", async () => {
    const tenant = await createTenant();
    const { "G-1": first } = await addVehicles(tenant, ["G-1", "G-2"]);
    const before = await fleet(tenant);
    expect(before.items.map((v) => v.name)).toEqual(["Unit G-1", "Unit G-2"]);
    expect(await fleet(tenant)).toEqual(before); // remembered

    await addVehicles(tenant, ["G-3"]);
    expect((await fleet(tenant)).items.map((v) => v.name)).toEqual(["Unit G-1", "Unit G-2", "Unit G-3"]);

    const renamed = await call("PATCH", `/api/vehicles/${first!.id}`, { token: tenant.admin.token, body: { name: "Unit G-9" } });
    expect(renamed.status).toBe(200);
    expect((await fleet(tenant)).items.map((v) => v.name)).toEqual(["Unit G-2", "Unit G-3", "Unit G-9"]);

    const driver = await userWithRole(tenant, "driver");
    const assigned = await call("PATCH", `/api/vehicles/${first!.id}`, { token: tenant.admin.token, body: { driverId: driver.id } });
    expect(assigned.status).toBe(200);
    expect((await fleet(tenant)).items.find((v) => v.id === first!.id)?.driverId).toBe(driver.id);
  });

  it("are never another tenant's", async () => {
    const one = await createTenant();
    const two = await createTenant();
    await addVehicles(one, ["H-1"]);
    await addVehicles(two, ["H-1"]);
    const a = await fleet(one);
    const b = await fleet(two);
    expect(a.items).toHaveLength(1);
    expect(b.items).toHaveLength(1);
    expect(a.items[0]!.id).not.toBe(b.items[0]!.id);
    expect((await fleet(one)).items[0]!.id).toBe(a.items[0]!.id);
  });
});
