/// <reference path="../stand-ins/env.d.ts" />
import { describe, expect, it } from "vitest";
import { addVehicles, call, createTenant, isoAt, postTelemetry, type TestTenant } from "./helpers";
import { driveTime, settleTenant } from "./drive";
import { deliveriesOf, prefs, received, staffWithPhone } from "./notification-helpers";

// The tenant's alarm and the notification queue run when a test says so (see drive.ts).
driveTime();

const speeding = (externalId: string, start: number) =>
  [start, start + 40].map((s) => ({ vehicleId: externalId, ts: isoAt(s), readings: { speedKph: 150 } }));
const oilDrop = (externalId: string, start: number) =>
  [start, start + 10].map((s) => ({ vehicleId: externalId, ts: isoAt(s), readings: { oilPressureKpa: 60 } }));

type Alert = { id: string; vehicleId: string; type: string; silenced: boolean };
const alertsOf = async (tenant: TestTenant) =>
  ((await (await call("GET", "/api/alerts?limit=100", { token: tenant.admin.token })).json()) as { items: Alert[] }).items;

async function depotFleet() {
  const tenant = await createTenant();
  const v = await addVehicles(tenant, ["N-1", "S-1"]);
  const north = await call("PATCH", `/api/vehicles/${v["N-1"]!.id}`, {
    token: tenant.admin.token,
    body: { groups: ["depot-north", "trucks"] },
  });
  expect(north.status).toBe(200);
  expect(((await north.json()) as { groups: string[] }).groups).toEqual(["depot-north", "trucks"]);
  await call("PATCH", `/api/vehicles/${v["S-1"]!.id}`, { token: tenant.admin.token, body: { groups: ["depot-south"] } });
  return { tenant, north: v["N-1"]!, south: v["S-1"]! };
}

describe("groups and routing", { timeout: 30_000 }, () => {
  it("a vehicle's groups are in its JSON; bad groups are a 400 naming the field and change nothing", async () => {
    const { tenant, north } = await depotFleet();
    const bad = await call("PATCH", `/api/vehicles/${north.id}`, { token: tenant.admin.token, body: { groups: ["a", "a", ""] } });
    expect(bad.status).toBe(400);
    const problem = (await bad.json()) as { errors: { path: string }[] };
    expect(problem.errors.every((e) => e.path.startsWith("groups"))).toBe(true);
    const read = (await (await call("GET", `/api/vehicles/${north.id}`, { token: tenant.admin.token })).json()) as { groups: string[] };
    expect(read.groups).toEqual(["depot-north", "trucks"]);
  });

  it("a group-scoped rule evaluates only vehicles in its groups", async () => {
    const { tenant, north, south } = await depotFleet();
    const rule = await call("POST", "/api/rules", {
      token: tenant.admin.token,
      body: {
        name: "North speeding",
        metric: "speedKph",
        op: "gt",
        threshold: 130,
        forSeconds: 30,
        severity: "low",
        groups: ["depot-north"],
      },
    });
    expect(rule.status).toBe(201);
    expect(((await rule.json()) as { groups: string[] }).groups).toEqual(["depot-north"]);
    expect((await postTelemetry(tenant, { events: [...speeding("N-1", 0), ...speeding("S-1", 0)] })).status).toBe(202);
    await settleTenant(tenant.id);
    const northSpeeding = (await alertsOf(tenant)).filter((a) => a.type === "north_speeding");
    expect(northSpeeding.map((a) => a.vehicleId)).toEqual([north.id]);
    // The tenant-wide speeding rule still fires for both: only the scoped rule is limited.
    const speedingAll = (await alertsOf(tenant)).filter((a) => a.type === "speeding").map((a) => a.vehicleId);
    expect(speedingAll.sort()).toEqual([north.id, south.id].sort());
  });

  it("a group-scoped audience: the depot's own manager is told, the other depot's manager is not (and the decision says why)", async () => {
    const { tenant, north } = await depotFleet();
    const northManager = await staffWithPhone(tenant, "manager", prefs({ critical: ["sms"] }));
    const southManager = await staffWithPhone(tenant, "manager", prefs({ critical: ["sms"] }));
    const allManager = await staffWithPhone(tenant, "manager", prefs({ critical: ["sms"] }));
    for (const [user, groups] of [
      [northManager, ["depot-north"]],
      [southManager, ["depot-south"]],
    ] as const) {
      const res = await call("PATCH", `/api/users/${user.id}`, { token: tenant.admin.token, body: { groups } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { groups: string[] }).groups).toEqual(groups);
    }
    expect((await postTelemetry(tenant, { events: oilDrop("N-1", 0) })).status).toBe(202);
    await settleTenant(tenant.id);

    expect(await received("sms", { to: northManager.phone })).toHaveLength(1);
    expect(await received("sms", { to: allManager.phone })).toHaveLength(1);
    expect(await received("sms", { to: southManager.phone })).toHaveLength(0);
    expect(await deliveriesOf(tenant, `&userId=${southManager.id}`)).toHaveLength(0);

    const alert = (await alertsOf(tenant)).find((a) => a.vehicleId === north.id)!;
    const res = await call("GET", `/api/alerts/${alert.id}/decisions`, { token: tenant.admin.token });
    const { items } = (await res.json()) as {
      items: { userId: string; outcome: string; reason: string; detail: Record<string, unknown> }[];
    };
    expect(items).toContainEqual(
      expect.objectContaining({
        userId: southManager.id,
        outcome: "skipped",
        reason: "group_scope",
        detail: { userGroups: ["depot-south"], vehicleGroups: ["depot-north", "trucks"] },
      }),
    );
    expect(items).toContainEqual(expect.objectContaining({ userId: northManager.id, outcome: "told", reason: "preference" }));
  });

  it("a group-scoped silence silences only vehicles in its groups", async () => {
    const { tenant, north, south } = await depotFleet();
    const silence = await call("POST", "/api/silences", {
      token: tenant.admin.token,
      body: {
        matchers: {},
        groups: ["depot-south"],
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        comment: "South depot maintenance day",
      },
    });
    expect(silence.status).toBe(201);
    expect(((await silence.json()) as { groups: string[] }).groups).toEqual(["depot-south"]);
    expect((await postTelemetry(tenant, { events: [...oilDrop("N-1", 0), ...oilDrop("S-1", 0)] })).status).toBe(202);
    await settleTenant(tenant.id);
    const byVehicle = new Map((await alertsOf(tenant)).map((a) => [a.vehicleId, a]));
    expect(byVehicle.get(south.id)?.silenced).toBe(true);
    expect(byVehicle.get(north.id)?.silenced).toBe(false);
  });
});
