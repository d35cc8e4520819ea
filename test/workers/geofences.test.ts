import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { driveTime, freezeClock, runHubAlarm } from "./drive";
import { addVehicles, call, createTenant, isoAt, postTelemetry, type TestTenant, userWithRole } from "./helpers";

// Alarms run when a test says so: a dwell falls due on the alarm, and must not fire in between.
driveTime();

/** /api/geofences and the enter, exit and dwell rules (docs/geofences-and-offline.md). */

const CENTRE = { lat: 52, lon: 4 };
/** A point `m` metres north of the centre. */
const north = (m: number) => ({ lat: CENTRE.lat + m / 111_194.9, lon: CENTRE.lon });
const depot = { type: "circle", ...CENTRE, radiusM: 200 };

type AlertJson = {
  id: string;
  type: string;
  status: string;
  occurrences: number;
  message: string;
  createdAt: string;
  clearedAt: string | null;
};

async function alertsOf(tenant: TestTenant, type: string) {
  await env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenant.id)).syncNow();
  const res = await call("GET", `/api/alerts?type=${type}`, { token: tenant.admin.token });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: AlertJson[] }).items;
}

async function geofence(tenant: TestTenant, body: Record<string, unknown> = { name: "Depot", tags: ["depot"], shape: depot }) {
  const res = await call("POST", "/api/geofences", { token: tenant.admin.token, body });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; name: string; tags: string[]; shape: unknown; createdAt: string; updatedAt: string };
}

async function rule(tenant: TestTenant, body: Record<string, unknown>) {
  const res = await call("POST", "/api/rules", { token: tenant.admin.token, body: { severity: "medium", ...body } });
  expect(res.status).toBe(201);
  return (await res.json()) as Record<string, unknown>;
}

/** Fixes of vehicle G-1 at `seconds` (from the file's time base), `metres` north of the depot's centre. */
async function fixes(tenant: TestTenant, track: [seconds: number, metres: number][], base?: number) {
  const events = track.map(([s, m]) => ({ vehicleId: "G-1", ts: isoAt(s, base), readings: north(m) }));
  expect((await postTelemetry(tenant, { events })).status).toBe(202);
}

describe("geofence rules", { timeout: 30_000 }, () => {
  it("enter: GPS jitter across the boundary within the buffer raises nothing; a confirmed entry opens, a confirmed exit clears", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["G-1"]);
    const fence = await geofence(tenant);
    await rule(tenant, { name: "Entered depot", kind: "enter", geofenceId: fence.id, bufferM: 25, fixes: 2 });

    await fixes(tenant, [
      [0, 600],
      [10, 580], // settled outside (nothing raised for the side a vehicle starts on)
      [20, 190],
      [30, 215],
      [40, 180],
      [50, 222],
      [60, 178], // parked on the fence line: every fix within 25 m of it
    ]);
    expect(await alertsOf(tenant, "entered_depot")).toEqual([]);

    await fixes(tenant, [
      [70, 100],
      [80, 90],
    ]);
    const [entered] = await alertsOf(tenant, "entered_depot");
    expect(entered).toMatchObject({ status: "open", clearedAt: null, message: "Entered depot on Unit G-1: entered the geofence" });
    expect(entered!.createdAt).toBe(isoAt(80));

    // Late fixes from before the entry (out of order) do not flip it back out.
    await fixes(tenant, [
      [5, 900],
      [6, 900],
      [7, 900],
    ]);
    expect((await alertsOf(tenant, "entered_depot"))[0]).toMatchObject({ clearedAt: null });

    // One stray fix outside is not an exit; two are.
    await fixes(tenant, [
      [90, 400],
      [100, 100],
      [110, 400],
      [120, 420],
    ]);
    const [after] = await alertsOf(tenant, "entered_depot");
    expect(after).toMatchObject({ id: entered!.id, clearedAt: isoAt(120), occurrences: 1 });
  });

  it("exit: opens on a confirmed exit, not on out-of-order or jittery fixes", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["G-1"]);
    const fence = await geofence(tenant);
    await rule(tenant, { name: "Left depot", kind: "exit", geofenceId: fence.id });

    await fixes(tenant, [
      [100, 0],
      [110, 10],
      [120, 205],
      [130, 195],
      [140, 210], // within the default 20 m buffer
    ]);
    await fixes(tenant, [
      [50, 800],
      [60, 800],
    ]); // older than the newest fix: ignored
    expect(await alertsOf(tenant, "left_depot")).toEqual([]);

    await fixes(tenant, [
      [150, 300],
      [160, 400],
    ]);
    const [left] = await alertsOf(tenant, "left_depot");
    expect(left).toMatchObject({ status: "open", createdAt: isoAt(160) });
  });

  it("dwell: opens once the vehicle has been inside for the rule's minutes, clears on leaving", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["G-1"]);
    const fence = await geofence(tenant, {
      name: "Yard",
      shape: {
        type: "polygon",
        points: [
          [51.999, 3.9984],
          [51.999, 4.0016],
          [52.001, 4.0016],
          [52.001, 3.9984],
        ],
      },
    });
    await rule(tenant, { name: "Long stay", kind: "dwell", geofenceId: fence.id, minutes: 10 });

    await fixes(tenant, [
      [0, 500],
      [30, 500],
      [60, 0],
      [90, 0], // inside since 60 s
      [600, 20],
      [659, 10], // 9 min 59 s inside
    ]);
    expect(await alertsOf(tenant, "long_stay")).toEqual([]);
    await fixes(tenant, [[660, 0]]);
    const [dwell] = await alertsOf(tenant, "long_stay");
    expect(dwell).toMatchObject({
      status: "open",
      createdAt: isoAt(660),
      message: "Long stay on Unit G-1: inside the geofence for 10 min",
    });

    await fixes(tenant, [
      [700, 600],
      [710, 600],
    ]);
    expect((await alertsOf(tenant, "long_stay"))[0]).toMatchObject({ id: dwell!.id, clearedAt: isoAt(710) });
  });

  it("dwell: opens on the alarm when the vehicle stops reporting inside, at entry + minutes, not before", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["G-1"]);
    const fence = await geofence(tenant);
    await rule(tenant, { name: "Parked in depot", kind: "dwell", geofenceId: fence.id, minutes: 10 });
    const base = Date.now() - 5 * 60_000;
    // Confirmed inside from base + 60 s, then silence (a parked vehicle's tracker sleeps).
    await fixes(
      tenant,
      [
        [0, 600],
        [30, 600],
        [60, 0],
        [90, 0],
      ],
      base,
    );
    await runHubAlarm(tenant.id);
    expect(await alertsOf(tenant, "parked_in_depot")).toEqual([]);

    freezeClock(base + 659_000);
    await runHubAlarm(tenant.id);
    expect(await alertsOf(tenant, "parked_in_depot")).toEqual([]);

    freezeClock(base + 661_000);
    await runHubAlarm(tenant.id);
    const [dwell] = await alertsOf(tenant, "parked_in_depot");
    expect(dwell).toMatchObject({ status: "open", createdAt: isoAt(660, base) });

    // Later alarms and the next fix inside raise nothing more; leaving clears it.
    freezeClock(base + 900_000);
    await runHubAlarm(tenant.id);
    await fixes(tenant, [[800, 0]], base);
    await fixes(
      tenant,
      [
        [850, 600],
        [860, 600],
      ],
      base,
    );
    const after = await alertsOf(tenant, "parked_in_depot");
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: dwell!.id, occurrences: 1, clearedAt: isoAt(860, base) });
  });

  it("a changed shape reaches the tenant object at once", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["G-1"]);
    const fence = await geofence(tenant);
    await rule(tenant, { name: "Entered depot", kind: "enter", geofenceId: fence.id });
    await fixes(tenant, [
      [0, 600],
      [10, 600],
    ]);
    const moved = await call("PATCH", `/api/geofences/${fence.id}`, {
      token: tenant.admin.token,
      body: { shape: { ...depot, radiusM: 1000 } },
    });
    expect(moved.status).toBe(200);
    await fixes(tenant, [
      [20, 600],
      [30, 600],
    ]);
    expect(await alertsOf(tenant, "entered_depot")).toHaveLength(1);
  });
});

describe("/api/geofences", { timeout: 30_000 }, () => {
  it("creates, lists, reads, changes and deletes geofences in the documented shape", async () => {
    const tenant = await createTenant();
    const created = await geofence(tenant);
    expect(created).toEqual({
      id: expect.stringMatching(/^geo_/),
      name: "Depot",
      tags: ["depot"],
      shape: depot,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const polygon = await geofence(tenant, {
      name: "Site",
      shape: {
        type: "polygon",
        points: [
          [52, 4],
          [52, 4.01],
          [52.01, 4.01],
        ],
      },
    });
    expect(polygon.tags).toEqual([]);

    const list = await call("GET", "/api/geofences", { token: tenant.admin.token });
    expect(list.status).toBe(200);
    expect(((await list.json()) as { items: { id: string }[] }).items.map((g) => g.id)).toEqual([created.id, polygon.id]);

    const patched = await call("PATCH", `/api/geofences/${created.id}`, { token: tenant.admin.token, body: { tags: ["depot", "north"] } });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ id: created.id, name: "Depot", tags: ["depot", "north"], shape: depot });

    const one = await call("GET", `/api/geofences/${created.id}`, { token: tenant.admin.token });
    expect(await one.json()).toMatchObject({ tags: ["depot", "north"] });

    expect((await call("DELETE", `/api/geofences/${created.id}`, { token: tenant.admin.token })).status).toBe(204);
    expect((await call("GET", `/api/geofences/${created.id}`, { token: tenant.admin.token })).status).toBe(404);
  });

  it("rejects bad input with problem JSON naming each field, and stores nothing", async () => {
    const tenant = await createTenant();
    const cases: [unknown, string[]][] = [
      [{ name: "", shape: { type: "circle", lat: 91, lon: 4, radiusM: -5 } }, ["name", "shape.lat", "shape.radiusM"]],
      [
        {
          name: "Two points",
          shape: {
            type: "polygon",
            points: [
              [1, 1],
              [2, 2],
            ],
          },
        },
        ["shape.points"],
      ],
      [
        {
          name: "Bow tie",
          shape: {
            type: "polygon",
            points: [
              [0, 0],
              [1, 1],
              [1, 0],
              [0, 1],
            ],
          },
        },
        ["shape.points"],
      ],
      [{ name: "Square", shape: { type: "square", lat: 1, lon: 1 } }, ["shape.type"]],
      [{ name: "Extra", colour: "red", tags: ["a", "a"], shape: depot }, ["colour", "tags"]],
    ];
    for (const [body, paths] of cases) {
      const res = await call("POST", "/api/geofences", { token: tenant.admin.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      const problem = (await res.json()) as { errors: { path: string }[] };
      for (const path of paths) expect(problem.errors.map((e) => e.path)).toContain(path);
    }
    const list = await call("GET", "/api/geofences", { token: tenant.admin.token });
    expect(((await list.json()) as { items: unknown[] }).items).toEqual([]);
  });

  it("is tenant-scoped: another tenant's geofence is 404 everywhere, rules included", async () => {
    const owner = await createTenant();
    const other = await createTenant();
    const fence = await geofence(owner);
    for (const [method, body] of [
      ["GET", undefined],
      ["PATCH", { name: "Mine now" }],
      ["DELETE", undefined],
    ] as const) {
      expect((await call(method, `/api/geofences/${fence.id}`, { token: other.admin.token, body })).status).toBe(404);
    }
    const list = await call("GET", "/api/geofences", { token: other.admin.token });
    expect(((await list.json()) as { items: unknown[] }).items).toEqual([]);
    const res = await call("POST", "/api/rules", {
      token: other.admin.token,
      body: { name: "Theirs", kind: "enter", geofenceId: fence.id, severity: "low" },
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { errors: { path: string }[] }).errors).toEqual([{ path: "geofenceId", message: "No such geofence" }]);
  });

  it("admins and managers write, technicians read, drivers neither", async () => {
    const tenant = await createTenant();
    const manager = await userWithRole(tenant, "manager");
    const technician = await userWithRole(tenant, "technician");
    const driver = await userWithRole(tenant, "driver");
    const byManager = await call("POST", "/api/geofences", { token: manager.token, body: { name: "Depot", shape: depot } });
    expect(byManager.status).toBe(201);
    const { id } = (await byManager.json()) as { id: string };
    expect((await call("GET", "/api/geofences", { token: technician.token })).status).toBe(200);
    expect((await call("GET", `/api/geofences/${id}`, { token: technician.token })).status).toBe(200);
    expect((await call("POST", "/api/geofences", { token: technician.token, body: { name: "X", shape: depot } })).status).toBe(403);
    expect((await call("PATCH", `/api/geofences/${id}`, { token: technician.token, body: { name: "X" } })).status).toBe(403);
    expect((await call("DELETE", `/api/geofences/${id}`, { token: technician.token })).status).toBe(403);
    expect((await call("GET", "/api/geofences", { token: driver.token })).status).toBe(403);
  });

  it("a geofence a rule follows cannot be deleted (409) until the rule goes", async () => {
    const tenant = await createTenant();
    const fence = await geofence(tenant);
    const followed = await rule(tenant, { name: "Entered depot", kind: "enter", geofenceId: fence.id });
    expect((await call("DELETE", `/api/geofences/${fence.id}`, { token: tenant.admin.token })).status).toBe(409);
    expect((await call("DELETE", `/api/rules/${followed.id}`, { token: tenant.admin.token })).status).toBe(204);
    expect((await call("DELETE", `/api/geofences/${fence.id}`, { token: tenant.admin.token })).status).toBe(204);
  });

  it("rule kinds: per-kind fields are required and others refused; threshold rules keep working unchanged", async () => {
    const tenant = await createTenant();
    const fence = await geofence(tenant);
    const bad: [unknown, string[]][] = [
      [{ name: "No minutes", kind: "offline", severity: "low" }, ["minutes"]],
      [{ name: "Mixed", kind: "offline", minutes: 5, metric: "speedKph", threshold: 3, severity: "low" }, ["metric", "threshold"]],
      [{ name: "No fence", kind: "enter", severity: "low" }, ["geofenceId"]],
      [{ name: "Dwell", kind: "dwell", geofenceId: fence.id, severity: "low" }, ["minutes"]],
      [{ name: "Buffer", kind: "exit", geofenceId: fence.id, bufferM: -1, fixes: 0, severity: "low" }, ["bufferM", "fixes"]],
      [{ name: "No metric", severity: "low" }, ["metric", "op"]],
    ];
    for (const [body, paths] of bad) {
      const res = await call("POST", "/api/rules", { token: tenant.admin.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      const problem = (await res.json()) as { errors: { path: string }[] };
      expect(problem.errors.map((e) => e.path).sort(), JSON.stringify(body)).toEqual([...paths].sort());
    }
    const list = await call("GET", "/api/rules", { token: tenant.admin.token });
    const rules = ((await list.json()) as { items: Record<string, unknown>[] }).items;
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) expect(r).toMatchObject({ kind: "threshold", minutes: null, geofenceId: null });

    // A rule changes kind: the old kind's settings go, the new kind's are checked.
    const threshold = rules[0]!;
    const toOffline = await call("PATCH", `/api/rules/${threshold.id}`, {
      token: tenant.admin.token,
      body: { kind: "offline", minutes: 15 },
    });
    expect(toOffline.status).toBe(200);
    expect(await toOffline.json()).toMatchObject({ kind: "offline", minutes: 15, threshold: null, forSeconds: null, window: null });
    const rename = await call("PATCH", `/api/rules/${threshold.id}`, { token: tenant.admin.token, body: { name: "Silent" } });
    expect(rename.status).toBe(200);
    const back = await call("PATCH", `/api/rules/${threshold.id}`, { token: tenant.admin.token, body: { kind: "threshold" } });
    expect(back.status).toBe(400);
  });
});
