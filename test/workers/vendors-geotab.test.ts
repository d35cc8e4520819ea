import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { IncomingEvent } from "../../worker/domain/telemetry";
import { GeotabError } from "../../worker/integrations/geotab/client";
import { pollAllGeotab, pollGeotab, type GeotabState } from "../../worker/integrations/geotab/poller";
import { ingestEvents } from "../../worker/services/ingest";
import { fixture } from "../fixtures/vendors";
import { GeotabStandIn, type GeotabAccount } from "../fixtures/vendors/geotab-stand-in";
import { addVehicles, call, createTenant, type TestTenant } from "./helpers";

type Feeds = Record<string, Record<string, unknown>[]>;

const account = (database: string): GeotabAccount => ({ database, userName: "api@fleet.example", password: "g30tab-api-password" });

/** A tenant with Geotab configured and the vehicles named by device id (b3) and by serial (b7's). */
async function geotabTenant(database = `db_${crypto.randomUUID().slice(0, 8)}`, server = "my.geotab.com") {
  const tenant = await createTenant();
  const vehicles = await addVehicles(tenant, ["b3", "G9F6E5D4C3B2"]);
  const res = await call("PUT", "/api/integrations/geotab", { token: tenant.admin.token, body: { server, ...account(database) } });
  expect(res.status).toBe(200);
  return { tenant, database, b3: vehicles.b3!, b7: vehicles.G9F6E5D4C3B2! };
}

function standIn(database: string, options: { path?: string; latestAt?: number } = {}) {
  const data = fixture<Feeds & { devices: Feeds[string]; diagnostics: Feeds[string] }>("geotab-feeds", options.latestAt);
  const { devices, diagnostics, ...feeds } = data;
  return new GeotabStandIn({ accounts: [account(database)], feeds, devices, diagnostics, ...(options.path ? { path: options.path } : {}) });
}

async function storedState(tenantId: string) {
  const row = await env.DB.prepare("SELECT state FROM integrations WHERE tenant_id = ? AND vendor = 'geotab'")
    .bind(tenantId)
    .first<{ state: string | null }>();
  return row?.state ? (JSON.parse(row.state) as GeotabState) : null;
}

async function batches(tenantId: string) {
  const { runInDurableObject } = await import("cloudflare:test");
  const hub = env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenantId));
  return runInDurableObject(hub, (_instance, state) =>
    state.storage.sql.exec<{ key: string; event_count: number }>("SELECT key, event_count FROM ingested_batches ORDER BY key").toArray(),
  );
}

async function latest(tenant: TestTenant, vehicleId: string) {
  const res = await call("GET", `/api/vehicles/${vehicleId}`, { token: tenant.admin.token });
  return ((await res.json()) as { latest: { readings: Record<string, number>; dtc: string[] } | null }).latest;
}

async function alertTypes(tenant: TestTenant) {
  await env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenant.id)).syncNow();
  const res = await call("GET", "/api/alerts", { token: tenant.admin.token });
  return ((await res.json()) as { items: { type: string; vehicleId: string; message: string }[] }).items;
}

const hex = (n: number) => n.toString(16).padStart(16, "0");

describe("Geotab poller", () => {
  it("pollAllGeotab sweeps every tenant with a Geotab integration; one failing tenant does not stop the rest", async () => {
    const ok = await geotabTenant();
    const broken = await geotabTenant(); // its database is unknown to the stand-in: InvalidUserException
    const result = await pollAllGeotab(env, standIn(ok.database).fetch);
    expect(result.tenants).toBeGreaterThanOrEqual(2);
    expect(result.failed).toContain(broken.tenant.id);
    expect(result.failed).not.toContain(ok.tenant.id);
    expect(result.accepted).toBeGreaterThan(0);
    expect((await storedState(ok.tenant.id))!.versions.LogRecord).toBe(hex(3));
    expect(await storedState(broken.tenant.id)).toBeNull();
  });

  it("authenticates, reads each feed the way Geotab expects, maps it, skips unknown devices and stores the versions", async () => {
    const { tenant, database, b3, b7 } = await geotabTenant();
    const geotab = standIn(database);
    const now = Date.now();
    const first = await pollGeotab(env, tenant.id, geotab.fetch, { now });

    // The requests, as MyGeotab sees them.
    const [auth] = geotab.callsOf("Authenticate");
    expect(auth).toEqual({ url: "https://my.geotab.com/apiv1", method: "Authenticate", params: account(database) });
    const feeds = geotab.callsOf("GetFeed");
    expect(feeds.map((c) => c.params.typeName)).toEqual(["LogRecord", "StatusData", "FaultData", "ExceptionEvent"]);
    for (const c of feeds) {
      expect(c.params.fromVersion).toBeUndefined(); // a first poll seeds from a date instead
      expect(c.params.search).toEqual({ fromDate: new Date(now - 3_600_000).toISOString() });
      expect(c.params.credentials).toMatchObject({ database, userName: "api@fleet.example", sessionId: expect.any(String) });
      expect(c.params).not.toHaveProperty("password");
    }
    // Faults name their diagnostic by id only: looked up once each. Devices once, for b7's serial.
    expect(geotab.callsOf("Get").map((c) => [c.params.typeName, c.params.search])).toEqual([
      ["Diagnostic", { id: "aPB3dq8S0EkOQ4kIYrUx0Hw" }],
      ["Diagnostic", { id: "a1LaLiYRvbEWmNSp3Y7QmXg" }],
      ["Device", undefined],
    ]);

    // DiagnosticIgnitionId maps to the ignition reading (offline rules), so it is not among the unmapped.
    expect(first).toMatchObject({ configured: true, skippedUnknownDevices: 2, unmapped: 2 });
    expect(first.accepted).toBe(8); // 2 log records, b3's status at 3 instants, 2 active faults, 1 harsh brake
    const versions = { LogRecord: hex(3), StatusData: hex(11), FaultData: hex(3), ExceptionEvent: hex(2) };
    expect((await storedState(tenant.id))!.versions).toEqual(versions);
    expect((await storedState(tenant.id))!.lastPoll).toMatchObject({ accepted: 8, skippedUnknownDevices: 2, unmapped: 2 });
    // All feeds of a round are one batch (the hub ignores a vehicle's events older than its newest).
    expect(await batches(tenant.id)).toEqual([
      {
        key: `geotab:LogRecord:seed-${hex(3)},StatusData:seed-${hex(11)},FaultData:seed-${hex(3)},ExceptionEvent:seed-${hex(2)}`,
        event_count: 8,
      },
    ]);

    // Units: odometer m → km, engine hours s → h; coolant is the engine temperature rules watch.
    expect((await latest(tenant, b3.id))!.readings).toMatchObject({
      coolantTempC: 116,
      engineTempC: 116,
      odometerKm: 120345.2,
      engineHours: 5120.4,
      batteryV: 13.9,
      oilPressureKpa: 310,
      fuelPct: 54.5,
      rpm: 1450,
    });
    expect((await latest(tenant, b7.id))!.readings).toMatchObject({ lat: 43.6532, lon: -79.3832, speedKph: 61 }); // matched by serial

    // Rules run on polled data exactly as on webhooks: overheating held 70 s, and both faults.
    const raised = (await alertTypes(tenant)).map((a) => `${a.type}:${a.vehicleId === b3.id ? "b3" : "b7"}`).sort();
    expect(raised).toEqual(["diagnostic_trouble_code:b3", "diagnostic_trouble_code:b7", "engine_overheating:b3"]);
    const messages = (await alertTypes(tenant)).map((a) => a.message).join(" ");
    expect(messages).toMatch(/SPN110-FMI0|P0217/);

    // Next poll: from the stored versions, nothing new.
    const second = await pollGeotab(env, tenant.id, geotab.fetch, { now });
    expect(second.accepted).toBe(0);
    expect(
      geotab
        .callsOf("GetFeed")
        .slice(4)
        .map((c) => [c.params.typeName, c.params.fromVersion]),
    ).toEqual(Object.entries(versions));

    // New data arrives; only it is fetched and ingested.
    geotab.feeds.LogRecord!.push({
      id: "b1A7F",
      dateTime: new Date(now - 10_000).toISOString(),
      device: { id: "b3" },
      latitude: 43.46,
      longitude: -79.69,
      speed: 88,
    });
    const third = await pollGeotab(env, tenant.id, geotab.fetch, { now });
    expect(third.accepted).toBe(1);
    expect((await storedState(tenant.id))!.versions.LogRecord).toBe(hex(4));
    expect((await latest(tenant, b3.id))!.readings).toMatchObject({ lat: 43.46, lon: -79.69, speedKph: 88 });
  });

  it("advances feed versions only after a durable ingest; a re-fetched round is never processed twice, and nothing is lost", async () => {
    const { tenant, database, b3 } = await geotabTenant();
    const geotab = standIn(database, { latestAt: Date.now() - 300_000 });
    const now = Date.now();
    await pollGeotab(env, tenant.id, geotab.fetch, { now });
    const versions = (await storedState(tenant.id))!.versions;
    expect(versions.StatusData).toBe(hex(11));

    const coolant = (seconds: number, value: number) => ({
      id: `aN${seconds}`,
      dateTime: new Date(now - 120_000 + seconds * 1000).toISOString(),
      device: { id: "b3" },
      diagnostic: { id: "DiagnosticEngineCoolantTemperatureId" },
      data: value,
    });
    geotab.feeds.StatusData!.push(coolant(0, 97), coolant(30, 98));
    const key = `geotab:LogRecord:${hex(3)},StatusData:${hex(11)},FaultData:${hex(3)},ExceptionEvent:${hex(2)}`;

    // 1. The hub is unreachable: nothing lands, no version moves; the round is remembered.
    const down = async () => {
      throw new Error("TenantHub unavailable");
    };
    await expect(pollGeotab(env, tenant.id, geotab.fetch, { now, ingest: down })).rejects.toThrow("TenantHub unavailable");
    expect((await storedState(tenant.id))!.versions).toEqual(versions);
    expect((await storedState(tenant.id))!.pending!.StatusData).toEqual({ fromVersion: hex(11), count: 2, toVersion: hex(13) });
    expect((await batches(tenant.id)).map((b) => b.key)).not.toContain(key);

    // 2. The batch lands but the answer is lost: still no version moves.
    const lostAnswer = async (tenantId: string, k: string, events: IncomingEvent[]) => {
      await ingestEvents(env, tenantId, k, events);
      throw new Error("connection reset after commit");
    };
    await expect(pollGeotab(env, tenant.id, geotab.fetch, { now, ingest: lostAnswer })).rejects.toThrow("connection reset");
    expect((await storedState(tenant.id))!.versions).toEqual(versions);
    expect((await batches(tenant.id)).filter((b) => b.key === key)).toEqual([{ key, event_count: 2 }]);

    // Meanwhile Geotab has a newer sample.
    geotab.feeds.StatusData!.push(coolant(60, 99));

    // 3. A normal poll re-reads exactly that round (same fromVersion, same count, same key): the
    //    hub knows it. Then a fresh round takes the newer sample, which the old key did not swallow.
    const before = geotab.callsOf("GetFeed").length;
    const retry = await pollGeotab(env, tenant.id, geotab.fetch, { now });
    const refetch = geotab
      .callsOf("GetFeed")
      .slice(before)
      .filter((c) => c.params.typeName === "StatusData");
    expect(refetch.map((c) => [c.params.fromVersion, c.params.resultsLimit])).toEqual([
      [hex(11), 2],
      [hex(13), 500],
    ]);
    expect(retry.accepted).toBe(1);
    const state = (await storedState(tenant.id))!;
    expect(state.versions.StatusData).toBe(hex(14));
    expect(state.pending).toBeUndefined();
    const rows = await batches(tenant.id);
    expect(rows.filter((b) => b.key === key)).toEqual([{ key, event_count: 2 }]);
    expect(rows.filter((b) => b.key.includes(`StatusData:${hex(13)}`))).toEqual([
      { key: `geotab:LogRecord:${hex(3)},StatusData:${hex(13)},FaultData:${hex(3)},ExceptionEvent:${hex(2)}`, event_count: 1 },
    ]);
    expect((await latest(tenant, b3.id))!.readings).toMatchObject({ coolantTempC: 99, engineTempC: 99 });
  });

  it("follows Geotab's server redirect, and refuses wrong credentials and non-Geotab servers without moving anything", async () => {
    const { tenant, database } = await geotabTenant();
    const federated = standIn(database, { path: "my501.geotab.com" });
    await pollGeotab(env, tenant.id, federated.fetch);
    expect(new Set(federated.calls.filter((c) => c.method !== "Authenticate").map((c) => c.url))).toEqual(
      new Set(["https://my501.geotab.com/apiv1"]),
    );

    const wrong = await geotabTenant();
    const refusing = standIn("some_other_database");
    const error = await pollGeotab(env, wrong.tenant.id, refusing.fetch).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GeotabError);
    expect((error as GeotabError).type).toBe("InvalidUserException");
    expect(refusing.callsOf("GetFeed")).toEqual([]);
    expect(await storedState(wrong.tenant.id)).toBeNull();

    const evil = await geotabTenant(undefined, "metadata.internal");
    const never = standIn(evil.database);
    await expect(pollGeotab(env, evil.tenant.id, never.fetch)).rejects.toThrow(/InvalidServer/);
    expect(never.calls).toEqual([]);
  });

  it("does nothing for a tenant without a Geotab integration", async () => {
    const tenant = await createTenant();
    const geotab = standIn("unused");
    expect(await pollGeotab(env, tenant.id, geotab.fetch)).toEqual({
      configured: false,
      accepted: 0,
      skippedUnknownDevices: 0,
      unmapped: 0,
      state: null,
    });
    expect(geotab.calls).toEqual([]);
  });

  it("keeps the feed versions when the same database is configured again, and resets them for another one", async () => {
    const { tenant, database } = await geotabTenant();
    await pollGeotab(env, tenant.id, standIn(database).fetch);
    const put = (db: string) =>
      call("PUT", "/api/integrations/geotab", {
        token: tenant.admin.token,
        body: { server: "my.geotab.com", ...account(db), password: "rotated-password-2" },
      });
    expect((await put(database)).status).toBe(200);
    expect((await storedState(tenant.id))!.versions.LogRecord).toBe(hex(3));
    expect((await put("another_database")).status).toBe(200);
    expect(await storedState(tenant.id)).toBeNull();
  });
});

describe("Geotab polling on the tenant's alarm", () => {
  it("arms the object's alarm when Geotab is configured, polls from it, and re-arms after a failing poll", async () => {
    const { runInDurableObject } = await import("cloudflare:test");
    const { vi } = await import("vitest");
    const { tenant, database } = await geotabTenant();
    const hub = env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenant.id));
    const nextPoll = () =>
      runInDurableObject(
        hub,
        (_i, state) =>
          state.storage.sql.exec<{ value: number }>("SELECT due_at AS value FROM schedule WHERE job = 'geotab'").toArray()[0]?.value,
      );
    const armedFor = Number(await nextPoll()) - Date.now();
    expect(armedFor).toBeGreaterThan(0);
    expect(armedFor).toBeLessThanOrEqual(60_000);
    const makeDue = () =>
      runInDurableObject(hub, (_i, state) => state.storage.sql.exec("UPDATE schedule SET due_at = 0 WHERE job = 'geotab'"));
    await makeDue();

    // The object fetches MyGeotab itself: route its fetch to the stand-in for this test.
    const geotab = standIn(database);
    vi.stubGlobal("fetch", geotab.fetch);
    try {
      await runInDurableObject(hub, (instance) => instance.alarm());
    } finally {
      vi.unstubAllGlobals();
    }
    expect(geotab.calls.map((c) => c.method)).toContain("GetFeed");
    expect((await batches(tenant.id)).length).toBeGreaterThan(0);
    const after = Number(await nextPoll());
    expect(after - Date.now()).toBeGreaterThan(50_000);

    // A poll that cannot reach Geotab is logged and the schedule continues: no retry storm, no lost tenant.
    await makeDue();
    vi.stubGlobal("fetch", async () => new Response("down", { status: 503 }));
    try {
      await runInDurableObject(hub, (instance) => instance.alarm());
    } finally {
      vi.unstubAllGlobals();
    }
    expect(Number(await nextPoll()) - Date.now()).toBeGreaterThan(50_000);
    expect(await runInDurableObject(hub, (_i, state) => state.storage.getAlarm())).not.toBeNull();
  });
});
