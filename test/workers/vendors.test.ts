import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signMotive } from "../../worker/integrations/motive/signature";
import { signSamsara } from "../../worker/integrations/samsara/signature";
import { fixture } from "../fixtures/vendors";
import { freezeClock } from "./drive";
import { addVehicles, call, countRows, createTenant, userWithRole, type TestTenant } from "./helpers";

const SAMSARA_SECRET = btoa("fleetpulse samsara webhook secret");
const SAMSARA_VEHICLE = "281474991840886";
const MOTIVE_SECRET = "mOt1ve-shared-secret-01";
const MOTIVE_VEHICLE = "8675309";

type Json = Record<string, unknown>;
type Problem = { status: number; errors?: { path: string; message: string }[] };

const configure = (tenant: TestTenant, vendor: string, body: unknown, token = tenant.admin.token) =>
  call("PUT", `/api/integrations/${vendor}`, { token, body });

async function postSamsara(
  slug: string,
  body: unknown,
  options: { secret?: string; timestamp?: number; signature?: string; headers?: Record<string, string> } = {},
) {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = options.signature ?? (await signSamsara(options.secret ?? SAMSARA_SECRET, timestamp, raw));
  return exports.default.fetch(
    new Request(`http://fleetpulse.test/webhooks/${slug}/samsara`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-samsara-timestamp": String(timestamp),
        "x-samsara-signature": signature,
        ...options.headers,
      },
      body: raw,
    }),
  );
}

async function postMotive(slug: string, body: unknown, options: { secret?: string; signature?: string | null } = {}) {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  const signature = options.signature === undefined ? await signMotive(options.secret ?? MOTIVE_SECRET, raw) : options.signature;
  return exports.default.fetch(
    new Request(`http://fleetpulse.test/webhooks/${slug}/motive`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(signature === null ? {} : { "x-kt-webhook-signature": signature }) },
      body: raw,
    }),
  );
}

async function latest(tenant: TestTenant, vehicleId: string) {
  const res = await call("GET", `/api/vehicles/${vehicleId}`, { token: tenant.admin.token });
  expect(res.status).toBe(200);
  return ((await res.json()) as { latest: { ts: string; readings: Record<string, number>; dtc: string[] } | null }).latest;
}

async function batches(tenantId: string) {
  const { runInDurableObject } = await import("cloudflare:test");
  const hub = env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenantId));
  return runInDurableObject(hub, (_instance, state) =>
    state.storage.sql.exec<{ key: string; event_count: number }>("SELECT key, event_count FROM ingested_batches ORDER BY key").toArray(),
  );
}

async function alerts(tenant: TestTenant) {
  await env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenant.id)).syncNow();
  const res = await call("GET", "/api/alerts", { token: tenant.admin.token });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: { type: string; severity: string; vehicleId: string; message: string; occurrences: number }[] })
    .items;
}

async function samsaraTenant() {
  const tenant = await createTenant();
  const vehicles = await addVehicles(tenant, [SAMSARA_VEHICLE]);
  expect((await configure(tenant, "samsara", { secret: SAMSARA_SECRET })).status).toBe(200);
  return { tenant, vehicle: vehicles[SAMSARA_VEHICLE]! };
}

async function motiveTenant(config: Json = { secret: MOTIVE_SECRET }) {
  const tenant = await createTenant();
  const vehicles = await addVehicles(tenant, [MOTIVE_VEHICLE]);
  expect((await configure(tenant, "motive", config)).status).toBe(200);
  return { tenant, vehicle: vehicles[MOTIVE_VEHICLE]! };
}

const paths = async (res: Response) => ((await res.json()) as Problem).errors?.map((e) => e.path).sort();

describe("PUT/GET /api/integrations", () => {
  it("lists the three vendors, stores credentials encrypted, audits, and never returns a secret", async () => {
    const tenant = await createTenant();
    const before = await call("GET", "/api/integrations", { token: tenant.admin.token });
    expect(before.status).toBe(200);
    expect(await before.json()).toEqual({
      items: [
        { vendor: "samsara", configured: false, updatedAt: null },
        { vendor: "motive", configured: false, updatedAt: null },
        { vendor: "geotab", configured: false, updatedAt: null },
      ],
      nextCursor: null,
    });

    const samsara = await configure(tenant, "samsara", { secret: SAMSARA_SECRET });
    expect(samsara.status).toBe(200);
    const samsaraText = await samsara.text();
    expect(JSON.parse(samsaraText)).toEqual({
      vendor: "samsara",
      configured: true,
      updatedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/),
    });
    expect(samsaraText).not.toContain(SAMSARA_SECRET);

    const geotab = await configure(tenant, "geotab", {
      server: "my.geotab.com",
      database: "acme",
      userName: "api@acme.example",
      password: "pa55-word-geotab",
    });
    expect(geotab.status).toBe(200);
    expect(await geotab.text()).not.toContain("pa55-word-geotab");

    const rows = await env.DB.prepare("SELECT vendor, config_enc FROM integrations WHERE tenant_id = ? ORDER BY vendor")
      .bind(tenant.id)
      .all<{ vendor: string; config_enc: string }>();
    expect(rows.results.map((r) => r.vendor)).toEqual(["geotab", "samsara"]);
    for (const row of rows.results) {
      expect(row.config_enc).toMatch(/^v2\.k2\./); // keyring envelope, active key (docs/security.md)
      expect(row.config_enc).not.toContain(SAMSARA_SECRET);
      expect(row.config_enc).not.toContain("pa55-word-geotab");
    }

    const after = (await (await call("GET", "/api/integrations", { token: tenant.admin.token })).json()) as { items: Json[] };
    expect(after.items.map((i) => [i.vendor, i.configured])).toEqual([
      ["samsara", true],
      ["motive", false],
      ["geotab", true],
    ]);
    expect(JSON.stringify(after)).not.toMatch(/secret|password|pa55/i);

    const audit = await env.DB.prepare(
      "SELECT action, target_type, target_id, detail FROM audit_log WHERE tenant_id = ? AND action = 'integration.configure' ORDER BY target_id",
    )
      .bind(tenant.id)
      .all<Json>();
    expect(audit.results).toEqual([
      { action: "integration.configure", target_type: "integration", target_id: "geotab", detail: null },
      { action: "integration.configure", target_type: "integration", target_id: "samsara", detail: null },
    ]);
  });

  it("validates each vendor's body strictly, naming every bad or unknown field; an unknown vendor is 404", async () => {
    const tenant = await createTenant();
    expect(await paths(await configure(tenant, "samsara", { secret: "not base64!" }))).toEqual(["secret"]);
    expect(await paths(await configure(tenant, "samsara", { secret: SAMSARA_SECRET, webhookId: "1411751028848270" }))).toEqual([
      "webhookId",
    ]);
    expect(await paths(await configure(tenant, "samsara", {}))).toEqual(["secret"]);
    expect(await paths(await configure(tenant, "motive", { secret: "short" }))).toEqual(["secret"]);
    expect(await paths(await configure(tenant, "motive", { secret: MOTIVE_SECRET, units: "furlongs" }))).toEqual(["units"]);
    expect(await paths(await configure(tenant, "geotab", { server: "my.geotab.com", apiKey: "x" }))).toEqual([
      "apiKey",
      "database",
      "password",
      "userName",
    ]);
    expect(
      await paths(await configure(tenant, "geotab", { server: "https://my.geotab.com/", database: "d", userName: "u", password: "p" })),
    ).toEqual(["server"]);

    const unknown = await configure(tenant, "teletrac", { secret: SAMSARA_SECRET });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toContain("application/problem+json");
    expect(await countRows("integrations", "tenant_id = ?", tenant.id)).toBe(0);
  });

  it("is for admins only: managers and technicians get 403, no token 401, nothing is stored", async () => {
    const tenant = await createTenant();
    const manager = await userWithRole(tenant, "manager");
    const technician = await userWithRole(tenant, "technician");
    expect((await configure(tenant, "samsara", { secret: SAMSARA_SECRET }, manager.token)).status).toBe(403);
    expect((await configure(tenant, "motive", { secret: MOTIVE_SECRET }, technician.token)).status).toBe(403);
    expect((await call("GET", "/api/integrations", { token: manager.token })).status).toBe(403);
    expect((await call("PUT", "/api/integrations/samsara", { body: { secret: SAMSARA_SECRET } })).status).toBe(401);
    expect((await call("GET", "/api/integrations")).status).toBe(401);
    expect(await countRows("integrations", "tenant_id = ?", tenant.id)).toBe(0);
  });

  it("documents the integration endpoints and both vendor webhooks in the OpenAPI document", async () => {
    const doc = (await (await call("GET", "/api/openapi.json")).json()) as { paths: Record<string, Json> };
    expect(Object.keys(doc.paths["/api/integrations"] ?? {})).toContain("get");
    for (const vendor of ["samsara", "motive", "geotab"])
      expect(Object.keys(doc.paths[`/api/integrations/${vendor}`] ?? {})).toContain("put");
    for (const vendor of ["samsara", "motive"]) expect(Object.keys(doc.paths[`/webhooks/{tenantSlug}/${vendor}`] ?? {})).toContain("post");
    // Every endpoint served under these prefixes is documented (the unknown-vendor guard is middleware, not an endpoint).
    const { app } = await import("../../worker/app");
    const documented = new Set(Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)));
    const served = app.routes
      .filter((r) => /^\/(api\/integrations|webhooks)\//.test(`${r.path}/`) && r.method !== "ALL")
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`);
    expect(served.length).toBeGreaterThanOrEqual(7);
    for (const route of served) expect(documented, route).toContain(route);
  });
});

describe("POST /webhooks/:slug/samsara", () => {
  it("accepts signed Samsara events, maps their units onto readings, and raises a DTC alert through the rules", async () => {
    const { tenant, vehicle } = await samsaraTenant();
    const fault = await postSamsara(tenant.slug, fixture("samsara-engine-fault-on", Date.now() - 120_000));
    expect(fault.status).toBe(200);
    expect(await fault.json()).toEqual({ accepted: 1 });

    const stats = await postSamsara(tenant.slug, fixture("samsara-vehicle-stats", Date.now() - 60_000));
    expect(stats.status).toBe(200);
    expect(await stats.json()).toEqual({ accepted: 1 });
    const now = await latest(tenant, vehicle.id);
    expect(now!.readings).toEqual({
      lat: 52.520008,
      lon: 13.404954,
      speedKph: 86.904576, // ECU 54 mph wins over the GPS estimate at the same instant
      coolantTempC: 92.5,
      engineTempC: 92.5,
      oilPressureKpa: 310,
      batteryV: 13.85,
      rpm: 1450,
      fuelPct: 54,
      odometerKm: 120345.2,
      engineHours: 5120.4,
    });
    expect(now!.dtc).toEqual(["SPN110-FMI0"]);

    const items = await alerts(tenant);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ type: "diagnostic_trouble_code", severity: "high", vehicleId: vehicle.id });

    const incident = await postSamsara(tenant.slug, fixture("samsara-alert-incident-speeding", Date.now()));
    expect(await incident.json()).toEqual({ accepted: 1 });
    expect((await latest(tenant, vehicle.id))!.readings).toMatchObject({ speedKph: 130.356864 });
  });

  it("answers a repeated eventId with duplicate and processes nothing again", async () => {
    const { tenant } = await samsaraTenant();
    const body = fixture("samsara-engine-fault-on");
    expect(await (await postSamsara(tenant.slug, body)).json()).toEqual({ accepted: 1 });
    const again = await postSamsara(tenant.slug, body, { timestamp: Math.floor(Date.now() / 1000) + 1 });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ accepted: 0, duplicate: true });
    expect(await batches(tenant.id)).toEqual([{ key: "samsara:4a1c0c7e-9a57-4c4b-8f0e-2d5b6a0f3e11", event_count: 1 }]);
    expect(await alerts(tenant)).toHaveLength(1);
  });

  it("refuses unsigned, tampered, stale, foreign-secret, unconfigured and unknown-vendor calls with 401, storing nothing", async () => {
    const { tenant } = await samsaraTenant();
    const unconfigured = await createTenant();
    await addVehicles(unconfigured, [SAMSARA_VEHICLE]);
    const body = JSON.stringify(fixture("samsara-engine-fault-on"));
    // The clock stands still, so ±301 s is past the 300 s tolerance however long the dozen requests take.
    const now = Math.floor(freezeClock() / 1000);
    const good = await signSamsara(SAMSARA_SECRET, now, body);
    const cases: Record<string, Response> = {
      tampered: await postSamsara(tenant.slug, body.replace('"110"', '"111"'), { timestamp: now, signature: good }),
      otherTimestamp: await postSamsara(tenant.slug, body, { timestamp: now - 1, signature: good }),
      stale: await postSamsara(tenant.slug, body, { timestamp: now - 301 }),
      future: await postSamsara(tenant.slug, body, { timestamp: now + 301 }),
      foreignSecret: await postSamsara(tenant.slug, body, { secret: btoa("some other samsara secret") }),
      garbage: await postSamsara(tenant.slug, body, { signature: "v1=deadbeef" }),
      missingSignature: await call("POST", `/webhooks/${tenant.slug}/samsara`, { body, headers: { "x-samsara-timestamp": String(now) } }),
      missingAll: await call("POST", `/webhooks/${tenant.slug}/samsara`, { body }),
      notConfigured: await postSamsara(unconfigured.slug, body),
      unknownTenant: await postSamsara("no-such-tenant", body),
      unknownVendor: await call("POST", `/webhooks/${tenant.slug}/teletrac`, { body }),
    };
    for (const [name, res] of Object.entries(cases)) {
      expect(res.status, name).toBe(401);
      expect(res.headers.get("content-type"), name).toContain("application/problem+json");
    }
    expect(await batches(tenant.id)).toEqual([]);
    expect(await batches(unconfigured.id)).toEqual([]);
    // Within the tolerance it is fine.
    expect((await postSamsara(tenant.slug, body, { timestamp: now - 299 })).status).toBe(200);
    expect((await postSamsara(tenant.slug, body, { timestamp: now + 299 })).status).toBe(200);
  });

  it("acknowledges events that carry no vehicle data (route stops, 1.0 pings) with accepted 0", async () => {
    const { tenant } = await samsaraTenant();
    const route = await postSamsara(tenant.slug, fixture("samsara-route-stop-arrival"));
    expect(route.status).toBe(200);
    expect(await route.json()).toEqual({ accepted: 0 });
    const ping = await postSamsara(tenant.slug, { eventId: "ping-1", eventMs: Date.now(), eventType: "Ping", event: {} });
    expect(await ping.json()).toEqual({ accepted: 0 });
    // Their ids are kept, with no events, so a repeat answers duplicate (contract-webhooks.test.ts).
    expect(await batches(tenant.id)).toEqual([
      { key: "samsara:9b3d6f1e-2a40-4b8c-a1f7-5e0c3d2b1a99", event_count: 0 },
      { key: "samsara:ping-1", event_count: 0 },
    ]);
  });

  it("rejects a signed but unusable event with 400 naming the vendor's fields, without using up its eventId", async () => {
    const { tenant, vehicle } = await samsaraTenant();
    const stats = fixture<{ data: Json }>("samsara-vehicle-stats");
    const broken = {
      ...stats,
      data: { ...stats.data, vehicle: undefined, engineCoolantTemperatureMilliC: { time: "yesterday", value: "hot" } },
    };
    const res = await postSamsara(tenant.slug, broken);
    expect(res.status).toBe(400);
    expect(await paths(res)).toEqual([
      "data.engineCoolantTemperatureMilliC.time",
      "data.engineCoolantTemperatureMilliC.value",
      "data.vehicle",
    ]);

    const fault = fixture<Json>("samsara-engine-fault-on");
    expect(await paths(await postSamsara(tenant.slug, { ...fault, data: { vehicle: { id: SAMSARA_VEHICLE } } }))).toEqual(["data.fault"]);
    expect(await paths(await postSamsara(tenant.slug, { ...fault, eventId: undefined, eventTime: undefined }))).toEqual([
      "eventId",
      "eventMs",
    ]);
    expect(await paths(await postSamsara(tenant.slug, "{not json"))).toEqual(["(body)"]);
    const old = await postSamsara(tenant.slug, fixture("samsara-engine-fault-on", Date.now() - 8 * 86_400_000));
    expect(await paths(old)).toEqual(["eventTime"]);

    // A vehicle FleetPulse does not know is named at Samsara's field; once registered, the same event is taken.
    const stranger = { ...fault, data: { ...(fault.data as Json), vehicle: { id: "281474999999999" } } };
    const unknown = await postSamsara(tenant.slug, stranger);
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as Problem).errors).toEqual([
      { path: "data.vehicle.id", message: 'Unknown vehicle externalId "281474999999999"' },
    ]);
    expect(await batches(tenant.id)).toEqual([]);
    await addVehicles(tenant, ["281474999999999"]);
    expect(await (await postSamsara(tenant.slug, stranger)).json()).toEqual({ accepted: 1 });
    expect(await latest(tenant, vehicle.id)).toBeNull();
  });
});

describe("POST /webhooks/:slug/motive", () => {
  it("verifies X-KT-Webhook-Signature exactly as Motive's documentation example computes it", async () => {
    const { tenant } = await motiveTenant({ secret: "8cbd43f98ba1e33c28c9" });
    const res = await postMotive(tenant.slug, '{"action":"test"}', { signature: "5e1a966298ba4f3e91847aea8746198ca0530dd2" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 0 });
  });

  it("accepts a vehicle location in the account's units; the location id is the idempotency key", async () => {
    const { tenant, vehicle } = await motiveTenant();
    const body = fixture<Json>("motive-vehicle-location-updated");
    const res = await postMotive(tenant.slug, body);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 1 });
    expect((await latest(tenant, vehicle.id))!.readings).toEqual({
      lat: 34.0522,
      lon: -118.2437,
      speedKph: 88.51392, // 55 mph
      odometerKm: 120347.227123, // 74,780.3 mi
      engineHours: 5120.4,
      fuelUsedL: 45175.861313, // 11,934.2 gal used to date
    });
    expect(await (await postMotive(tenant.slug, body)).json()).toEqual({ accepted: 0, duplicate: true });
    // The same fix announced again as "received" is the same location object.
    expect(await (await postMotive(tenant.slug, { ...body, action: "vehicle_location_received" })).json()).toEqual({
      accepted: 0,
      duplicate: true,
    });
    expect(await batches(tenant.id)).toEqual([{ key: "motive:location:5d3d5cf6-501f-4566-ad07-a80c05c743a7", event_count: 1 }]);

    const metric = await motiveTenant({ secret: MOTIVE_SECRET, units: "metric" });
    await postMotive(metric.tenant.slug, body);
    expect((await latest(metric.tenant, metric.vehicle.id))!.readings).toMatchObject({
      speedKph: 55,
      odometerKm: 74780.3,
      fuelUsedL: 11934.2,
    });
  });

  it("raises the DTC alert for an opened fault code and harsh braking from three hard brakes in 600 s", async () => {
    const { tenant, vehicle } = await motiveTenant();
    expect(await (await postMotive(tenant.slug, fixture("motive-fault-code-opened", Date.now() - 500_000))).json()).toEqual({
      accepted: 1,
    });
    expect((await latest(tenant, vehicle.id))!.dtc).toEqual(["P0217"]);

    const base = Date.now() - 400_000;
    for (const [i, offset] of [0, 120_000, 240_000].entries()) {
      const brake = fixture<Json>("motive-driver-performance-hard-brake", base + offset);
      const res = await postMotive(tenant.slug, { ...brake, id: 914278 + i });
      expect(await res.json()).toEqual({ accepted: 1 });
    }
    const last = (await latest(tenant, vehicle.id))!;
    expect(last.readings.harshBrake).toBe(1);
    expect(last.readings.accelG).toBeCloseTo(-0.501, 3); // 52 → 30 mph in 2 s
    const types = (await alerts(tenant)).map((a) => a.type).sort();
    expect(types).toEqual(["diagnostic_trouble_code", "harsh_braking"]);
  });

  it("refuses tampered, unsigned, foreign-secret and unconfigured calls with 401, storing nothing", async () => {
    const { tenant } = await motiveTenant();
    const unconfigured = await createTenant();
    const body = JSON.stringify(fixture("motive-vehicle-location-updated"));
    const good = await signMotive(MOTIVE_SECRET, body);
    const cases: Record<string, Response> = {
      tampered: await postMotive(tenant.slug, body.replace('"speed":55', '"speed":95'), { signature: good }),
      unsigned: await postMotive(tenant.slug, body, { signature: null }),
      foreignSecret: await postMotive(tenant.slug, body, { secret: "another-shared-secret" }),
      truncated: await postMotive(tenant.slug, body, { signature: good.slice(0, 20) }),
      notConfigured: await postMotive(unconfigured.slug, body),
      unknownTenant: await postMotive("no-such-tenant", body),
    };
    for (const [name, res] of Object.entries(cases)) {
      expect(res.status, name).toBe(401);
      expect(res.headers.get("content-type"), name).toContain("application/problem+json");
    }
    expect(await batches(tenant.id)).toEqual([]);
    expect((await postMotive(tenant.slug, body, { signature: good.toUpperCase() })).status).toBe(200);
  });

  it("rejects a signed but unusable payload with 400 naming its fields", async () => {
    const { tenant } = await motiveTenant();
    const body = fixture<Json>("motive-vehicle-location-updated");
    expect(await paths(await postMotive(tenant.slug, { ...body, vehicle_id: undefined, lat: "north" }))).toEqual(["lat", "vehicle_id"]);
    expect(await paths(await postMotive(tenant.slug, { id: 1 }))).toEqual(["action"]);
    const unknown = await postMotive(tenant.slug, { ...body, vehicle_id: 1 });
    expect(((await unknown.json()) as Problem).errors).toEqual([{ path: "vehicle_id", message: 'Unknown vehicle externalId "1"' }]);
    expect(await batches(tenant.id)).toEqual([]);
  });
});
