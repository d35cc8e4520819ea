import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signMotive } from "../../worker/integrations/motive/signature";
import { signSamsara } from "../../worker/integrations/samsara/signature";
import { signStandardWebhook } from "../../worker/lib/standard-webhooks";
import { fixture } from "../fixtures/vendors";
import { addVehicles, call, createTenant, type TestTenant } from "./helpers";

/**
 * docs/api.md, webhooks: every signature covers the raw body bytes (a correctly signed body that
 * is not UTF-8 is a 400 for the malformed body, never a 401), a repeated id is
 * `{accepted: 0, duplicate: true}`, and two deliveries of one id at the same moment give one
 * `accepted` and one `duplicate`, never a 500.
 */

const SAMSARA_SECRET = btoa("contract samsara secret");
const SAMSARA_VEHICLE = "281474991840886";
const MOTIVE_SECRET = "contract-motive-secret";
const MOTIVE_VEHICLE = "8675309";

type Kind = "telemetry" | "samsara" | "motive";
type Json = Record<string, unknown>;

const encode = (text: string) => new TextEncoder().encode(text);

/** `text` as UTF-8 with every `@` replaced by the byte 0xFF, which no UTF-8 sequence contains. */
function notUtf8(text: string): Uint8Array {
  const bytes = encode(text);
  return bytes.map((b) => (b === 0x40 ? 0xff : b));
}

async function tenantFor(kind: Kind) {
  const tenant = await createTenant();
  const externalId = kind === "samsara" ? SAMSARA_VEHICLE : kind === "motive" ? MOTIVE_VEHICLE : "T-1";
  await addVehicles(tenant, [externalId]);
  if (kind !== "telemetry") {
    const secret = kind === "samsara" ? { secret: SAMSARA_SECRET } : { secret: MOTIVE_SECRET };
    const res = await call("PUT", `/api/integrations/${kind}`, { token: tenant.admin.token, body: secret });
    expect(res.status).toBe(200);
  }
  return tenant;
}

/** Signs the exact bytes given (or, to forge, other bytes), as each sender does, and posts them. */
async function deliver(
  kind: Kind,
  tenant: TestTenant,
  body: Uint8Array | string,
  id = `msg_${crypto.randomUUID()}`,
  signedAs: Uint8Array | string = body,
) {
  const bytes = typeof body === "string" ? encode(body) : body;
  const signed = typeof signedAs === "string" ? encode(signedAs) : signedAs;
  const now = Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (kind === "telemetry") {
    Object.assign(headers, {
      "webhook-id": id,
      "webhook-timestamp": String(now),
      "webhook-signature": await signStandardWebhook(tenant.webhookSecret, id, now, signed),
    });
  } else if (kind === "samsara") {
    Object.assign(headers, { "x-samsara-timestamp": String(now), "x-samsara-signature": await signSamsara(SAMSARA_SECRET, now, signed) });
  } else {
    headers["x-kt-webhook-signature"] = await signMotive(MOTIVE_SECRET, signed);
  }
  return exports.default.fetch(
    new Request(`http://fleetpulse.test/webhooks/${tenant.slug}/${kind}`, { method: "POST", headers, body: bytes }),
  );
}

/** A valid body of each kind carrying one reading for the tenant's vehicle. */
function validBody(kind: Kind): string {
  if (kind === "telemetry") return JSON.stringify({ events: [{ vehicleId: "T-1", ts: new Date().toISOString(), readings: { rpm: 900 } }] });
  if (kind === "samsara") return JSON.stringify(fixture("samsara-engine-fault-on", Date.now()));
  return JSON.stringify(fixture("motive-vehicle-location-updated", Date.now()));
}

async function batches(tenantId: string) {
  const { runInDurableObject } = await import("cloudflare:test");
  const hub = env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenantId));
  return runInDurableObject(hub, (_instance, state) =>
    state.storage.sql.exec<{ key: string; event_count: number }>("SELECT key, event_count FROM ingested_batches ORDER BY key").toArray(),
  );
}

const KINDS: Kind[] = ["telemetry", "samsara", "motive"];

describe("webhook signatures cover the raw bytes", () => {
  for (const kind of KINDS) {
    it(`${kind}: a correctly signed body that is not UTF-8 is a 400 for the body, and nothing is stored`, async () => {
      const tenant = await tenantFor(kind);
      // Valid JSON bytes apart from one string value holding the byte 0xFF.
      const broken = notUtf8(validBody(kind).replace("{", '{"note":"@",'));
      expect(() => new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(broken)).toThrow();
      const res = await deliver(kind, tenant, broken);
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(((await res.json()) as { errors: unknown }).errors).toEqual([{ path: "(body)", message: "Malformed UTF-8" }]);
      expect(await batches(tenant.id)).toEqual([]);

      // The signature is still checked first: these bytes under a signature of other bytes are a 401.
      const forged = await deliver(kind, tenant, broken, undefined, notUtf8('{"note":"@@"}'));
      expect(forged.status).toBe(401);
      expect(await batches(tenant.id)).toEqual([]);
    });

    it(`${kind}: a signed UTF-8 body that is not JSON is a 400 naming (body)`, async () => {
      const tenant = await tenantFor(kind);
      const res = await deliver(kind, tenant, "{not json ☃");
      expect(res.status).toBe(400);
      expect(((await res.json()) as { errors: unknown }).errors).toEqual([{ path: "(body)", message: "Malformed JSON" }]);
      expect(await batches(tenant.id)).toEqual([]);
    });
  }

  it("verifies a signature over multi-byte UTF-8 exactly as sent", async () => {
    const tenant = await tenantFor("motive");
    const body = JSON.stringify({ action: "user_duty_status_updated", id: 77, note: "Fahrer: Jürgen — 🚚" });
    const res = await deliver("motive", tenant, body);
    expect(res.status).toBe(200);
  });
});

describe("repeated vendor event ids", () => {
  it("samsara: an event without vehicle data answers duplicate the second time", async () => {
    const tenant = await tenantFor("samsara");
    const route = JSON.stringify(fixture("samsara-route-stop-arrival", Date.now()));
    expect(await (await deliver("samsara", tenant, route)).json()).toEqual({ accepted: 0 });
    expect(await (await deliver("samsara", tenant, route)).json()).toEqual({ accepted: 0, duplicate: true });
    const ping = JSON.stringify({ eventId: "ping-1", eventMs: Date.now(), eventType: "Ping", event: {} });
    expect(await (await deliver("samsara", tenant, ping)).json()).toEqual({ accepted: 0 });
    expect(await (await deliver("samsara", tenant, ping)).json()).toEqual({ accepted: 0, duplicate: true });
    expect(await batches(tenant.id)).toEqual([
      { key: "samsara:9b3d6f1e-2a40-4b8c-a1f7-5e0c3d2b1a99", event_count: 0 },
      { key: "samsara:ping-1", event_count: 0 },
    ]);
  });

  it("samsara and motive: a repeated event with vehicle data answers duplicate and is processed once", async () => {
    for (const kind of ["samsara", "motive"] as const) {
      const tenant = await tenantFor(kind);
      const body = validBody(kind);
      expect(await (await deliver(kind, tenant, body)).json()).toEqual({ accepted: 1 });
      expect(await (await deliver(kind, tenant, body)).json()).toEqual({ accepted: 0, duplicate: true });
      expect((await batches(tenant.id)).map((b) => b.event_count)).toEqual([1]);
    }
  });

  it("motive: a payload with an id but no vehicle data answers duplicate the second time; one without an id cannot", async () => {
    const tenant = await tenantFor("motive");
    const hos = JSON.stringify({ action: "user_duty_status_updated", id: 81234, duty_status: "on_duty" });
    expect(await (await deliver("motive", tenant, hos)).json()).toEqual({ accepted: 0 });
    expect(await (await deliver("motive", tenant, hos)).json()).toEqual({ accepted: 0, duplicate: true });
    const test = JSON.stringify({ action: "test" });
    expect(await (await deliver("motive", tenant, test)).json()).toEqual({ accepted: 0 });
    expect(await (await deliver("motive", tenant, test)).json()).toEqual({ accepted: 0 });
    expect(await batches(tenant.id)).toEqual([{ key: "motive:user_duty_status_updated:81234", event_count: 0 }]);
  });
});

describe("concurrent deliveries of one id", () => {
  for (const kind of KINDS) {
    it(`${kind}: two identical deliveries at once give one accepted and one duplicate, never a 500`, async () => {
      const tenant = await tenantFor(kind);
      const body = validBody(kind);
      // A refused call warms the Worker's tenant and secret caches, so both deliveries reach the
      // tenant's object together, while the object itself is fresh: it first loads vehicles and
      // rules from D1, the await a second delivery slips into.
      expect((await deliver(kind, tenant, body, "msg_warm", "forged")).status).toBe(401);
      const both = await Promise.all([deliver(kind, tenant, body, "msg_same"), deliver(kind, tenant, body, "msg_same")]);
      const answers = await Promise.all(both.map(async (r) => ({ status: r.status, body: (await r.json()) as Json })));
      const accepted = answers.filter((a) => a.body.accepted === 1 && !a.body.duplicate);
      const duplicate = answers.filter((a) => a.body.duplicate === true && a.body.accepted === 0);
      expect(answers.map((a) => a.status).sort(), JSON.stringify(answers)).toEqual(kind === "telemetry" ? [200, 202] : [200, 200]);
      expect(accepted).toHaveLength(1);
      expect(duplicate).toHaveLength(1);
      expect((await batches(tenant.id)).map((b) => b.event_count)).toEqual([1]);
    });
  }

  it("the tenant's object: two ingests of one key started together, while it loads from D1, end as one accepted and one duplicate", async () => {
    // Deterministic form of the race above: both calls start before either reaches its transaction.
    const { runInDurableObject } = await import("cloudflare:test");
    const tenant = await tenantFor("telemetry");
    const hub = env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenant.id));
    const events = [{ vehicleId: "T-1", ts: Date.now(), readings: { rpm: 900 } }];
    const results = await runInDurableObject(hub, async (instance) => {
      instance.invalidate(tenant.id);
      return Promise.all([instance.ingest(tenant.id, "std:race", events), instance.ingest(tenant.id, "std:race", events)]);
    });
    expect(results).toEqual([
      { ok: true, accepted: 1 },
      { ok: true, accepted: 0, duplicate: true },
    ]);
    expect(await batches(tenant.id)).toEqual([{ key: "std:race", event_count: 1 }]);
  });

  it("telemetry: two rejected deliveries of one id at once do not use it up", async () => {
    const tenant = await tenantFor("telemetry");
    const unknown = JSON.stringify({ events: [{ vehicleId: "NOPE", ts: new Date().toISOString(), readings: { rpm: 1 } }] });
    const [rejected, again] = await Promise.all([
      deliver("telemetry", tenant, unknown, "msg_r"),
      deliver("telemetry", tenant, unknown, "msg_r"),
    ]);
    expect([rejected.status, again.status]).toEqual([400, 400]);
    const good = await deliver("telemetry", tenant, validBody("telemetry"), "msg_r");
    expect(good.status).toBe(202);
    expect(await batches(tenant.id)).toEqual([{ key: "std:msg_r", event_count: 1 }]);
  });
});
