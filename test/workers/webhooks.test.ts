import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signStandardWebhook } from "../../worker/lib/standard-webhooks";
import { advanceClock, freezeClock } from "./drive";
import { addVehicles, call, createTenant, isoAt, postTelemetry } from "./helpers";

const batch = (externalId: string, n = 1, readings: Record<string, number> = { speedKph: 50 }) => ({
  events: Array.from({ length: n }, (_, i) => ({ vehicleId: externalId, ts: isoAt(i), readings })),
});

async function acceptedBatches(tenantId: string) {
  const hub = env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenantId));
  const { runInDurableObject } = await import("cloudflare:test");
  return runInDurableObject(hub, (_instance, state) => state.storage.sql.exec("SELECT key, event_count FROM ingested_batches").toArray());
}

describe("POST /webhooks/:slug/telemetry — signatures", () => {
  it("accepts a correctly signed batch with 202 once it is durable", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["T-1"]);
    const res = await postTelemetry(tenant, batch("T-1", 3), { id: "msg_ok" });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 3 });
    expect(await acceptedBatches(tenant.id)).toEqual([{ key: "std:msg_ok", event_count: 3 }]);
  });

  it("rejects tampered bodies, stale or future timestamps, missing headers and foreign secrets with 401, storing nothing", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    await addVehicles(tenant, ["T-1"]);
    const body = JSON.stringify(batch("T-1"));
    // The clock stands still, so ±301 s is past the 300 s tolerance however long the requests take.
    const now = Math.floor(freezeClock() / 1000);
    const goodSig = await signStandardWebhook(tenant.webhookSecret, "msg_x", now, body);
    const cases: Record<string, Response> = {
      tampered: await postTelemetry(tenant, body.replace("50", "51"), { id: "msg_x", timestamp: now, signature: goodSig }),
      stale: await postTelemetry(tenant, body, { timestamp: now - 301 }),
      future: await postTelemetry(tenant, body, { timestamp: now + 301 }),
      otherTenantSecret: await postTelemetry(tenant, body, { secret: other.webhookSecret }),
      garbageSignature: await postTelemetry(tenant, body, { signature: "v1,AAAA" }),
      missingSignature: await call("POST", `/webhooks/${tenant.slug}/telemetry`, {
        body,
        headers: { "webhook-id": "a", "webhook-timestamp": String(now) },
      }),
      missingAll: await call("POST", `/webhooks/${tenant.slug}/telemetry`, { body }),
      unknownTenant: await postTelemetry({ slug: "no-such-tenant", webhookSecret: tenant.webhookSecret }, body),
    };
    for (const [name, res] of Object.entries(cases)) {
      expect(res.status, name).toBe(401);
      expect(res.headers.get("content-type"), name).toContain("application/problem+json");
    }
    expect(await acceptedBatches(tenant.id)).toEqual([]);
    // Within tolerance on both sides is fine.
    expect((await postTelemetry(tenant, body, { timestamp: now - 299 })).status).toBe(202);
    expect((await postTelemetry(tenant, body, { timestamp: now + 299 })).status).toBe(202);
  });

  it("accepts any of several signatures and both secrets during a rotation", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["T-1"]);
    const body = JSON.stringify(batch("T-1"));
    const now = Math.floor(freezeClock() / 1000);
    const good = await signStandardWebhook(tenant.webhookSecret, "msg_multi", now, body);
    const res = await postTelemetry(tenant, body, { id: "msg_multi", timestamp: now, signature: `v1,bm90IGl0 ${good}` });
    expect(res.status).toBe(202);

    const rotated = (await (await call("POST", "/api/integrations/webhook-secret/rotate", { token: tenant.admin.token })).json()) as {
      webhookSecret: string;
    };
    // The old secret keeps verifying through the rotation.
    expect((await postTelemetry(tenant, body)).status).toBe(202);
    // An isolate caches a tenant's secrets for 10 s; once that has passed, the new one verifies too.
    advanceClock(10_001);
    expect((await postTelemetry(tenant, body, { secret: rotated.webhookSecret })).status).toBe(202);
    expect((await postTelemetry(tenant, body)).status).toBe(202);
  });
});

describe("POST /webhooks/:slug/telemetry — batches", () => {
  it("answers a repeated webhook-id with 200 duplicate and processes nothing again", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["T-1"]);
    expect((await postTelemetry(tenant, batch("T-1", 2), { id: "msg_dup" })).status).toBe(202);
    const again = await postTelemetry(tenant, batch("T-1", 2), { id: "msg_dup" });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ accepted: 0, duplicate: true });
    expect(await acceptedBatches(tenant.id)).toHaveLength(1);
  });

  it("rejects the whole batch for an unknown vehicle, naming its path, without using up the webhook-id", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["T-1"]);
    const body = { events: [...batch("T-1", 2).events, { vehicleId: "NOPE-9", ts: isoAt(5), readings: { speedKph: 1 } }] };
    const res = await postTelemetry(tenant, body, { id: "msg_unknown" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(["events.2.vehicleId"]);
    expect(await acceptedBatches(tenant.id)).toEqual([]);
    // Once the vehicle exists, the same webhook-id is accepted.
    await addVehicles(tenant, ["NOPE-9"]);
    expect((await postTelemetry(tenant, body, { id: "msg_unknown" })).status).toBe(202);
  });

  it("names every invalid field: bad ts, too old, future, non-numeric readings, unknown fields, empty and oversize batches", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["T-1"]);
    const bad = {
      events: [
        { vehicleId: "T-1", ts: "yesterday", readings: {} },
        { vehicleId: "T-1", ts: new Date(Date.now() - 8 * 86_400_000).toISOString() },
        { vehicleId: "T-1", ts: new Date(Date.now() + 10 * 60_000).toISOString() },
        { vehicleId: "T-1", ts: isoAt(0), readings: { speedKph: "fast" } },
        { vehicleId: "T-1", ts: isoAt(0), colour: "red" },
      ],
    };
    const res = await postTelemetry(tenant, bad);
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { detail: string; errors: { path: string }[] };
    expect(problem.detail).toBe("The request has invalid fields.");
    const paths = problem.errors.map((e) => e.path).sort();
    expect(paths).toEqual(["events.0.ts", "events.1.ts", "events.2.ts", "events.3.readings.speedKph", "events.4.colour"]);

    const empty = await postTelemetry(tenant, { events: [] });
    expect(((await empty.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe("events");
    const tooMany = await postTelemetry(tenant, batch("T-1", 1001));
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe("events");
    expect(await acceptedBatches(tenant.id)).toEqual([]);
  });

  it("answers 413 for a body over 1 MiB", async () => {
    const tenant = await createTenant();
    const res = await postTelemetry(tenant, { events: [], pad: "x".repeat(1024 * 1024) });
    expect(res.status).toBe(413);
  });
});
