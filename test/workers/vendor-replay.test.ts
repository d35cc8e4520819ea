import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { pollGeotab } from "../../worker/integrations/geotab/poller";
import { signMotive } from "../../worker/integrations/motive/signature";
import { signSamsara } from "../../worker/integrations/samsara/signature";
import { replay, type VendorName } from "../fixtures/vendors/replay";
import { GeotabStandIn } from "../fixtures/vendors/geotab-stand-in";
import { addVehicles, call, createTenant, type TestTenant } from "./helpers";

/**
 * Recorded Samsara, Motive and Geotab traffic for three trucks, interleaved across vendors, out of
 * order and partial, replayed through the real signed webhooks (and Geotab's poller against its
 * stand-in). The fixture says, by hand, which alerts open, which clear or resolve, and what each
 * vehicle's merged `latest` is, with each reading's own time.
 */

const SAMSARA_SECRET = btoa("fleetpulse samsara replay secret");
const MOTIVE_SECRET = "mOt1ve-replay-secret-01";
const GEOTAB = {
  server: "my.geotab.com",
  database: `replay_${crypto.randomUUID().slice(0, 8)}`,
  userName: "api@fleet.example",
  password: "g30tab-api-password",
};

async function postSigned(tenant: TestTenant, vendor: "samsara" | "motive", body: unknown) {
  const raw = JSON.stringify(body);
  const timestamp = Math.floor(Date.now() / 1000);
  const headers: Record<string, string> =
    vendor === "samsara"
      ? { "x-samsara-timestamp": String(timestamp), "x-samsara-signature": await signSamsara(SAMSARA_SECRET, timestamp, raw) }
      : { "x-kt-webhook-signature": await signMotive(MOTIVE_SECRET, raw) };
  return exports.default.fetch(
    new Request(`http://fleetpulse.test/webhooks/${tenant.slug}/${vendor}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: raw,
    }),
  );
}

describe("recorded vendor traffic, replayed", () => {
  it("opens every expected alert, clears and resolves the right episodes, and merges each vehicle's latest readings", {
    timeout: 60_000,
  }, async () => {
    const traffic = replay();
    const tenant = await createTenant();
    const registered = await addVehicles(tenant, Object.values(traffic.vehicles));
    const vehicleIds = Object.fromEntries(
      (Object.keys(traffic.vehicles) as VendorName[]).map((vendor) => [vendor, registered[traffic.vehicles[vendor]]!.id]),
    ) as Record<VendorName, string>;
    const configure = (vendor: string, body: unknown) => call("PUT", `/api/integrations/${vendor}`, { token: tenant.admin.token, body });
    expect((await configure("samsara", { secret: SAMSARA_SECRET })).status).toBe(200);
    expect((await configure("motive", { secret: MOTIVE_SECRET, units: "metric" })).status).toBe(200);
    expect((await configure("geotab", GEOTAB)).status).toBe(200);
    for (const rule of traffic.rules)
      expect((await call("POST", "/api/rules", { token: tenant.admin.token, body: rule })).status).toBe(201);

    const geotab = new GeotabStandIn({
      accounts: [{ database: GEOTAB.database, userName: GEOTAB.userName, password: GEOTAB.password }],
      devices: traffic.geotab.devices,
      diagnostics: traffic.geotab.diagnostics,
    });
    for (const [i, delivery] of traffic.deliveries.entries()) {
      if (delivery.vendor === "geotab") {
        // The records a poll round finds: the stand-in's feeds grow, the poller reads past its stored versions.
        for (const [feed, records] of Object.entries(delivery.feeds)) geotab.feeds[feed]!.push(...records);
        const round = await pollGeotab(env, tenant.id, geotab.fetch);
        expect(round.accepted, `delivery ${i}: ${delivery.note}`).toBeGreaterThan(0);
        continue;
      }
      const res = await postSigned(tenant, delivery.vendor, delivery.body);
      const answer = (await res.json()) as { accepted: number; duplicate?: boolean };
      expect([res.status, answer], `delivery ${i}: ${delivery.note}`).toEqual([200, { accepted: 1 }]);
    }

    await env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenant.id)).syncNow();
    const listed = await call("GET", "/api/alerts?limit=100", { token: tenant.admin.token });
    const alerts = ((await listed.json()) as { items: Record<string, unknown>[] }).items;
    const summary = (a: Record<string, unknown>) => `${a.vehicleId} ${a.type}`;
    expect(alerts.map(summary).sort()).toEqual(traffic.expected.alerts.map((e) => `${vehicleIds[e.vehicle]} ${e.type}`).sort());
    for (const { vehicle, messageNames, ...fields } of traffic.expected.alerts) {
      const alert = alerts.find((a) => a.vehicleId === vehicleIds[vehicle] && a.type === fields.type);
      expect(alert, `${vehicle} ${fields.type}`).toMatchObject(fields);
      if (messageNames) expect(alert!.message, `${vehicle} ${fields.type}`).toContain(messageNames);
    }

    for (const vendor of Object.keys(traffic.expected.latest) as VendorName[]) {
      const res = await call("GET", `/api/vehicles/${vehicleIds[vendor]}`, { token: tenant.admin.token });
      expect(res.status).toBe(200);
      const { latest } = (await res.json()) as { latest: unknown };
      expect(latest, vendor).toEqual(traffic.expected.latest[vendor]);
    }
  });
});
