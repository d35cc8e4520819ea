import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addVehicles, call, countRows, createTenant, isoAt, postTelemetry, userWithRole, type TestTenant } from "./helpers";

/** Alerts reach D1 on the object's alarm, off the hot path; tests sync now instead of waiting for it. */
async function synced(tenant: TestTenant) {
  await env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenant.id)).syncNow();
}

type AlertJson = {
  id: string;
  seq: number;
  status: string;
  occurrences: number;
  type: string;
  severity: string;
  message: string;
  vehicleId: string;
  lastSeenAt: string;
  value: number | null;
};
type ListJson = {
  items: AlertJson[];
  nextCursor: string | null;
  facets: { severity: Record<string, number>; status: Record<string, number> };
};

async function listAlerts(tenant: TestTenant, query = "", token = tenant.admin.token) {
  await synced(tenant);
  const res = await call("GET", `/api/alerts${query}`, { token });
  expect(res.status).toBe(200);
  return (await res.json()) as ListJson;
}

const reading = (externalId: string, seconds: number, readings: Record<string, number>) => ({
  vehicleId: externalId,
  ts: isoAt(seconds),
  readings,
});

describe("rules through the webhook path", () => {
  it("raises overheating exactly at forSeconds (60 s), once", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["H-1"]);
    await postTelemetry(tenant, { events: [0, 30, 59].map((s) => reading("H-1", s, { engineTempC: 115 })) });
    expect((await listAlerts(tenant)).items).toEqual([]);
    await postTelemetry(tenant, { events: [60, 90].map((s) => reading("H-1", s, { engineTempC: 116 })) });
    const { items } = await listAlerts(tenant);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ type: "engine_overheating", severity: "critical", status: "open", occurrences: 1, value: 116 });
    expect(items[0]!.message).toContain("Unit H-1");
  });

  it("applies a batch in event-time order whatever its order in the body", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["O-1"]);
    const events = [
      reading("O-1", 60, { engineTempC: 115 }),
      reading("O-1", 0, { engineTempC: 115 }),
      reading("O-1", 30, { engineTempC: 115 }),
    ];
    await postTelemetry(tenant, { events });
    expect((await listAlerts(tenant)).items).toHaveLength(1);
  });

  it("counts harsh braking in a 600 s window; further hits while the window holds continue the episode", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["B-1"]);
    await postTelemetry(tenant, { events: [0, 100, 200].map((s) => reading("B-1", s, { accelG: -0.6 })) });
    let { items } = await listAlerts(tenant);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ type: "harsh_braking", occurrences: 1 });
    await postTelemetry(tenant, { events: [300, 400, 500].map((s) => reading("B-1", s, { accelG: -0.7 })) });
    ({ items } = await listAlerts(tenant));
    expect(items).toHaveLength(1);
    expect(items[0]!.occurrences).toBe(1);
    expect(Date.parse(items[0]!.lastSeenAt) - Date.parse((items[0] as unknown as { createdAt: string }).createdAt)).toBe(300_000);
  });

  it("raises a new alert once the cooldown has elapsed, and after a resolve", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["C-1"]);
    const dtc = (s: number, codes: string[]) => ({ vehicleId: "C-1", ts: isoAt(s), readings: {}, dtc: codes });
    await postTelemetry(tenant, { events: [dtc(0, ["P0217"]), dtc(10, []), dtc(899, ["P0217"])] });
    let { items } = await listAlerts(tenant);
    expect(items.map((a) => a.occurrences)).toEqual([2]);
    await postTelemetry(tenant, { events: [dtc(900, []), dtc(1000, ["P0300"])] });
    ({ items } = await listAlerts(tenant));
    expect(items).toHaveLength(2);

    const newest = items[0]!;
    expect((await call("POST", `/api/alerts/${newest.id}/resolve`, { token: tenant.admin.token, body: { note: "fixed" } })).status).toBe(
      200,
    );
    await postTelemetry(tenant, { events: [dtc(1010, []), dtc(1020, ["P0300"])] });
    ({ items } = await listAlerts(tenant));
    expect(items).toHaveLength(3);
    expect(items[0]).toMatchObject({ status: "open", occurrences: 1 });
  });

  it("uses rule changes on the next event: a disabled rule stops, a new rule fires", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["R-1"]);
    const rules = (await (await call("GET", "/api/rules", { token: tenant.admin.token })).json()) as {
      items: { id: string; name: string }[];
    };
    expect(rules.items.map((r) => r.name)).toEqual([
      "Engine overheating",
      "Low oil pressure",
      "Low battery",
      "Harsh braking",
      "Speeding",
      "Diagnostic trouble code",
    ]);
    const dtcRule = rules.items.find((r) => r.name === "Diagnostic trouble code")!;
    expect((await call("PATCH", `/api/rules/${dtcRule.id}`, { token: tenant.admin.token, body: { enabled: false } })).status).toBe(200);
    const created = await call("POST", "/api/rules", {
      token: tenant.admin.token,
      body: { name: "Tyre pressure low", metric: "tirePressureKpa", op: "lt", threshold: 600, severity: "high" },
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({
      cooldownSeconds: 900,
      enabled: true,
      vehicleIds: null,
      forSeconds: null,
      window: null,
      type: "tyre_pressure_low",
    });
    await postTelemetry(tenant, { events: [{ vehicleId: "R-1", ts: isoAt(0), readings: { tirePressureKpa: 500 }, dtc: ["P0001"] }] });
    const { items } = await listAlerts(tenant);
    expect(items.map((a) => a.type)).toEqual(["tyre_pressure_low"]);
  });
});

describe("rules API validation", () => {
  it("names each bad field, requires threshold unless present, and rejects unknown vehicles and foreign rules", async () => {
    const [tenant, other] = [await createTenant(), await createTenant()];
    const before = await countRows("alert_rules", "tenant_id = ?", tenant.id);
    const bad = await call("POST", "/api/rules", {
      token: tenant.admin.token,
      body: {
        name: "",
        metric: "speedKph",
        op: "bigger",
        severity: "urgent",
        forSeconds: 10,
        window: { count: 3, seconds: 60 },
        extra: true,
      },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { path: string }[] }).errors.map((e) => e.path).sort()).toEqual([
      "extra",
      "name",
      "op",
      "severity",
    ]);
    const noThreshold = await call("POST", "/api/rules", {
      token: tenant.admin.token,
      body: { name: "x", metric: "speedKph", op: "gt", severity: "low" },
    });
    expect(((await noThreshold.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(["threshold"]);
    const both = await call("POST", "/api/rules", {
      token: tenant.admin.token,
      body: { name: "x", metric: "speedKph", op: "gt", threshold: 1, severity: "low", forSeconds: 10, window: { count: 3, seconds: 60 } },
    });
    expect(((await both.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(["window"]);
    const unknownVehicle = await call("POST", "/api/rules", {
      token: tenant.admin.token,
      body: { name: "x", metric: "speedKph", op: "gt", threshold: 1, severity: "low", vehicleIds: ["veh_nope"] },
    });
    expect(((await unknownVehicle.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(["vehicleIds.0"]);
    expect(await countRows("alert_rules", "tenant_id = ?", tenant.id)).toBe(before);

    const foreign = ((await (await call("GET", "/api/rules", { token: other.admin.token })).json()) as { items: { id: string }[] })
      .items[0]!;
    expect((await call("PATCH", `/api/rules/${foreign.id}`, { token: tenant.admin.token, body: { enabled: false } })).status).toBe(404);
    expect((await call("DELETE", `/api/rules/${foreign.id}`, { token: tenant.admin.token })).status).toBe(404);
    const technician = await userWithRole(tenant, "technician");
    expect((await call("GET", "/api/rules", { token: technician.token })).status).toBe(403);
  });
});

describe("alerts API", () => {
  it("searches full text over message, type and vehicle name, with facets and cursor paging", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["F-1", "F-2", "F-3"]);
    await call("PATCH", `/api/vehicles/${(await addVehicles(tenant, ["F-4"]))["F-4"]!.id}`, {
      token: tenant.admin.token,
      body: { name: "Kühlwagen Nord" },
    });
    await postTelemetry(tenant, {
      events: [
        { vehicleId: "F-1", ts: isoAt(0), readings: {}, dtc: ["P0217"] },
        ...[0, 100, 200].map((s) => reading("F-2", s, { accelG: -0.6 })),
        ...[0, 30].map((s) => reading("F-3", s, { speedKph: 130 })),
        { vehicleId: "F-4", ts: isoAt(0), readings: {}, dtc: ["P0420"] },
      ],
    });
    const all = await listAlerts(tenant);
    expect(all.items).toHaveLength(4);
    expect(all.facets).toEqual({
      severity: { critical: 0, high: 3, medium: 1, low: 0 },
      status: { open: 4, acknowledged: 0, resolved: 0 },
    });

    const braking = await listAlerts(tenant, "?q=braking");
    expect(braking.items.map((a) => a.type)).toEqual(["harsh_braking"]);
    expect(braking.facets.severity).toEqual({ critical: 0, high: 0, medium: 1, low: 0 });
    const oneVehicle = await listAlerts(tenant, `?vehicleId=${all.items.find((a) => a.type === "speeding")!.vehicleId}`);
    expect(oneVehicle.facets).toEqual({
      severity: { critical: 0, high: 1, medium: 0, low: 0 },
      status: { open: 1, acknowledged: 0, resolved: 0 },
    });
    expect((await listAlerts(tenant, "?q=P0420")).items).toHaveLength(1);
    expect((await listAlerts(tenant, "?q=kuhlwagen")).items).toHaveLength(1); // diacritics folded, prefix match
    expect((await listAlerts(tenant, "?q=nothing-like-this")).items).toEqual([]);
    const high = await listAlerts(tenant, "?severity=high");
    expect(high.items).toHaveLength(3);
    expect(high.facets.severity).toEqual({ critical: 0, high: 3, medium: 0, low: 0 });

    const first = await listAlerts(tenant, "?limit=3");
    expect(first.items).toHaveLength(3);
    const rest = await listAlerts(tenant, `?limit=3&cursor=${first.nextCursor}`);
    expect(rest.items).toHaveLength(1);
    expect(rest.nextCursor).toBeNull();
    expect(new Set([...first.items, ...rest.items].map((a) => a.id)).size).toBe(4);
    expect((await call("GET", "/api/alerts?severity=urgent", { token: tenant.admin.token })).status).toBe(400);
  });

  it("acknowledges, snoozes and resolves with 409 where illegal, and scopes drivers and other tenants", async () => {
    const [tenant, other] = [await createTenant(), await createTenant()];
    const driver = await userWithRole(tenant, "driver");
    const technician = await userWithRole(tenant, "technician");
    await addVehicles(tenant, ["A-1"], { driverId: driver.id });
    await addVehicles(tenant, ["A-2"]);
    await postTelemetry(tenant, {
      events: [
        { vehicleId: "A-1", ts: isoAt(0), readings: {}, dtc: ["P0217"] },
        { vehicleId: "A-2", ts: isoAt(0), readings: {}, dtc: ["P0217"] },
      ],
    });
    const { items } = await listAlerts(tenant);
    const own = items.find((a) => a.message.includes("A-1"))!;
    const notOwn = items.find((a) => a.message.includes("A-2"))!;

    expect((await listAlerts(tenant, "", driver.token)).items.map((a) => a.id)).toEqual([own.id]);
    expect((await call("GET", `/api/alerts/${notOwn.id}`, { token: driver.token })).status).toBe(404);
    expect((await call("POST", `/api/alerts/${notOwn.id}/ack`, { token: driver.token, body: {} })).status).toBe(404);
    expect((await call("GET", `/api/alerts/${own.id}`, { token: other.admin.token })).status).toBe(404);
    expect((await call("POST", `/api/alerts/${own.id}/ack`, { token: other.admin.token, body: {} })).status).toBe(404);

    const acked = await call("POST", `/api/alerts/${own.id}/ack`, { token: driver.token, body: { note: "pulled over" } });
    expect(acked.status).toBe(200);
    expect(await acked.json()).toMatchObject({ status: "acknowledged", acknowledgedBy: driver.id, note: "pulled over" });
    expect((await call("POST", `/api/alerts/${own.id}/resolve`, { token: driver.token, body: {} })).status).toBe(403);
    const snoozed = (await (
      await call("POST", `/api/alerts/${own.id}/snooze`, { token: technician.token, body: { minutes: 30 } })
    ).json()) as { snoozedUntil: string };
    expect(Date.parse(snoozed.snoozedUntil) - Date.now()).toBeGreaterThan(29 * 60_000);
    expect((await call("POST", `/api/alerts/${own.id}/snooze`, { token: technician.token, body: { minutes: 0 } })).status).toBe(400);
    expect((await call("POST", `/api/alerts/${own.id}/resolve`, { token: technician.token, body: {} })).status).toBe(200);
    for (const action of ["ack", "resolve"]) {
      expect((await call("POST", `/api/alerts/${own.id}/${action}`, { token: tenant.admin.token, body: {} })).status).toBe(409);
    }
    expect((await call("POST", `/api/alerts/${own.id}/snooze`, { token: tenant.admin.token, body: { minutes: 5 } })).status).toBe(409);

    // D1 reflects every change immediately after an action (the action syncs before answering).
    const resolved = (await (await call("GET", `/api/alerts?status=resolved`, { token: tenant.admin.token })).json()) as ListJson;
    expect(resolved.items.map((a) => a.id)).toEqual([own.id]);
    // Only the three changes that happened are audited, none of the rejected attempts.
    const audited = await env.DB.prepare("SELECT action FROM audit_log WHERE tenant_id = ? AND action LIKE 'alert.%' ORDER BY created_at")
      .bind(tenant.id)
      .all();
    expect(audited.results.map((r) => r.action)).toEqual(["alert.ack", "alert.snooze", "alert.resolve"]);
  });
});
