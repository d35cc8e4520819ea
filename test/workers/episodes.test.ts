import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signMotive } from "../../worker/integrations/motive/signature";
import { addVehicles, call, createTenant, isoAt, postTelemetry, TIME_BASE, type TestTenant } from "./helpers";

/** Alert episodes through the signed webhook (docs/api.md "Alert rules"). */

type AlertJson = {
  id: string;
  status: string;
  occurrences: number;
  message: string;
  value: number | null;
  peakValue: number | null;
  createdAt: string;
  lastSeenAt: string;
  clearedAt: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
};

async function alerts(tenant: TestTenant, type: string) {
  await env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenant.id)).syncNow();
  const res = await call("GET", `/api/alerts?type=${type}`, { token: tenant.admin.token });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: AlertJson[] }).items;
}

/** A rule on coolantTempC > 100 that opens on the first matching reading (no default rule reads it). */
async function coolantRule(tenant: TestTenant, extra: Record<string, unknown> = {}) {
  const res = await call("POST", "/api/rules", {
    token: tenant.admin.token,
    body: { name: "Coolant hot", metric: "coolantTempC", op: "gt", threshold: 100, severity: "high", ...extra },
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; autoResolve: boolean; cooldownSeconds: number };
}

const coolant = (externalId: string, seconds: number, value: number) => ({
  vehicleId: externalId,
  ts: isoAt(seconds),
  readings: { coolantTempC: value },
});

async function post(tenant: TestTenant, events: unknown[]) {
  expect((await postTelemetry(tenant, { events })).status).toBe(202);
}

describe("alert episodes", () => {
  it("a continuing condition updates lastSeenAt, value and peakValue of the one alert", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["E-1"]);
    await post(
      tenant,
      [0, 30, 60].map((s) => ({ vehicleId: "E-1", ts: isoAt(s), readings: { engineTempC: 115 } })),
    );
    await post(tenant, [
      { vehicleId: "E-1", ts: isoAt(90), readings: { engineTempC: 121 } },
      { vehicleId: "E-1", ts: isoAt(120), readings: { engineTempC: 117 } },
    ]);
    const items = await alerts(tenant, "engine_overheating");
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      occurrences: 1,
      value: 117,
      peakValue: 121,
      createdAt: isoAt(60),
      lastSeenAt: isoAt(120),
      clearedAt: null,
    });
  });

  it("with cooldown 0, two episodes are two alerts; the first is cleared by the breaking reading", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["Z-1"]);
    await coolantRule(tenant, { cooldownSeconds: 0 });
    await post(tenant, [coolant("Z-1", 0, 105), coolant("Z-1", 10, 90), coolant("Z-1", 20, 106)]);
    const items = await alerts(tenant, "coolant_hot");
    expect(items).toHaveLength(2);
    expect(items[1]).toMatchObject({ value: 105, clearedAt: isoAt(10), status: "open", occurrences: 1 });
    expect(items[0]).toMatchObject({ value: 106, clearedAt: null, status: "open", occurrences: 1 });
  });

  it("with autoResolve the clearing reading resolves the alert (resolvedBy null, resolvedAt = its ts)", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["A-1"]);
    const rule = await coolantRule(tenant, { autoResolve: true });
    expect(rule.autoResolve).toBe(true);
    await post(tenant, [coolant("A-1", 0, 105), coolant("A-1", 10, 110), coolant("A-1", 20, 95)]);
    const [alert] = await alerts(tenant, "coolant_hot");
    expect(alert).toMatchObject({ status: "resolved", resolvedBy: null, resolvedAt: isoAt(20), clearedAt: isoAt(20), peakValue: 110 });
  });

  it("a new episode inside the cooldown reopens the alert: occurrences + 1, clearedAt null, status kept", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["R-1"]);
    await coolantRule(tenant);
    await post(tenant, [coolant("R-1", 0, 105), coolant("R-1", 10, 90)]);
    const [cleared] = await alerts(tenant, "coolant_hot");
    expect(cleared).toMatchObject({ clearedAt: isoAt(10), occurrences: 1 });
    expect((await call("POST", `/api/alerts/${cleared!.id}/ack`, { token: tenant.admin.token, body: {} })).status).toBe(200);
    await post(tenant, [coolant("R-1", 20, 104)]);
    const items = await alerts(tenant, "coolant_hot");
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      id: cleared!.id,
      occurrences: 2,
      clearedAt: null,
      status: "acknowledged",
      value: 104,
      lastSeenAt: isoAt(20),
    });
  });

  it("a manual resolve ends the episode: the condition must fire anew for a new alert", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["M-1"]);
    await coolantRule(tenant);
    await post(tenant, [coolant("M-1", 0, 105)]);
    const [first] = await alerts(tenant, "coolant_hot");
    expect((await call("POST", `/api/alerts/${first!.id}/resolve`, { token: tenant.admin.token, body: {} })).status).toBe(200);
    await post(tenant, [coolant("M-1", 10, 106)]);
    const items = await alerts(tenant, "coolant_hot");
    expect(items).toHaveLength(2);
    expect(items[1]).toMatchObject({ id: first!.id, status: "resolved", value: 105 });
    expect(items[0]).toMatchObject({ status: "open", value: 106, occurrences: 1 });
  });

  it("a DTC episode counts each new code as an occurrence and names every code seen", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["D-1"]);
    const dtc = (s: number, codes: string[]) => ({ vehicleId: "D-1", ts: isoAt(s), readings: {}, dtc: codes });
    await post(tenant, [dtc(0, ["P0217"]), dtc(10, ["P0217"]), dtc(20, ["P0217", "P0300"])]);
    const [alert] = await alerts(tenant, "diagnostic_trouble_code");
    expect(alert).toMatchObject({ occurrences: 2, value: null, peakValue: null, lastSeenAt: isoAt(20) });
    expect(alert!.message).toContain("P0217, P0300");
  });

  it("a late fault event after a newer location-only event still raises", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["L-1"]);
    await post(tenant, [{ vehicleId: "L-1", ts: isoAt(100), readings: { lat: 52.52, lon: 13.4 } }]);
    await post(tenant, [{ vehicleId: "L-1", ts: isoAt(50), readings: {}, dtc: ["P0217"] }]);
    const items = await alerts(tenant, "diagnostic_trouble_code");
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ createdAt: isoAt(50) });
  });
});

describe("Motive fault codes", () => {
  const SECRET = "mOt1ve-episodes-secret-01";
  const fault = (action: string, id: number, code: string, seconds: number) => ({
    action,
    id,
    code,
    last_observed_at: new Date(TIME_BASE + seconds * 1000).toISOString(),
    vehicle_id: 4242,
  });
  async function postMotive(slug: string, body: unknown) {
    const raw = JSON.stringify(body);
    const res = await exports.default.fetch(
      new Request(`http://fleetpulse.test/webhooks/${slug}/motive`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-kt-webhook-signature": await signMotive(SECRET, raw) },
        body: raw,
      }),
    );
    expect(res.status).toBe(200);
  }

  it("closing one of two open codes keeps the episode; closing the last clears it", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["4242"]);
    const put = await call("PUT", "/api/integrations/motive", { token: tenant.admin.token, body: { secret: SECRET } });
    expect(put.status).toBe(200);
    await postMotive(tenant.slug, fault("fault_code_opened", 1, "P0217", 0));
    await postMotive(tenant.slug, fault("fault_code_opened", 2, "P0300", 10));
    await postMotive(tenant.slug, fault("fault_code_closed", 1, "P0217", 20));
    let [alert] = await alerts(tenant, "diagnostic_trouble_code");
    expect(alert).toMatchObject({ occurrences: 2, clearedAt: null, lastSeenAt: isoAt(20) });
    await postMotive(tenant.slug, fault("fault_code_closed", 2, "P0300", 30));
    [alert] = await alerts(tenant, "diagnostic_trouble_code");
    expect(alert).toMatchObject({ occurrences: 2, clearedAt: isoAt(30) });
  });
});
