import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../worker/app";
import { call, createTenant, postTelemetry } from "./helpers";

/** A limiter of 3 a minute (vitest.config.ts), standing in for one of the real ones. */
const small = (env as unknown as { TEST_RATE_LIMIT: RateLimit }).TEST_RATE_LIMIT;

/** Calls the app with one limiter binding replaced by the small one. */
function callLimited(binding: "API_RATE_LIMIT" | "WEBHOOK_RATE_LIMIT", request: Request) {
  return app.fetch(request, { ...env, [binding]: small }, createExecutionContext());
}

async function expectTooMany(res: Response) {
  expect(res.status).toBe(429);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  expect(((await res.json()) as { status: number }).status).toBe(429);
}

describe("rate limits", () => {
  it("answers 429 with retry-after once a token's /api requests exceed the limit, and counts other tokens apart", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    const me = (token: string) => new Request("http://fleetpulse.test/api/me", { headers: { authorization: `Bearer ${token}` } });
    for (let i = 0; i < 3; i++) expect((await callLimited("API_RATE_LIMIT", me(tenant.admin.token))).status).toBe(200);
    await expectTooMany(await callLimited("API_RATE_LIMIT", me(tenant.admin.token)));
    expect((await callLimited("API_RATE_LIMIT", me(other.admin.token))).status).toBe(200);
  });

  it("limits webhooks per tenant", async () => {
    const tenant = await createTenant();
    const post = () =>
      new Request(`http://fleetpulse.test/webhooks/${tenant.slug}/telemetry`, {
        method: "POST",
        body: "{}",
        headers: { "content-type": "application/json" },
      });
    // Unsigned posts answer 401, and still count: a flood is limited before any work.
    for (let i = 0; i < 3; i++) expect((await callLimited("WEBHOOK_RATE_LIMIT", post())).status).toBe(401);
    await expectTooMany(await callLimited("WEBHOOK_RATE_LIMIT", post()));
    // The real limit (6,000 a minute) lets a signed batch through.
    expect((await postTelemetry(tenant, { events: [] })).status).not.toBe(429);
  });

  it("allows 10 exports a minute per user, then 429 (the real COSTLY_RATE_LIMIT binding)", async () => {
    const tenant = await createTenant();
    for (let i = 0; i < 10; i++) {
      const res = await call("GET", "/api/reports/alerts.csv", { token: tenant.admin.token });
      expect(res.status, `export ${i + 1}`).toBe(200);
      await res.arrayBuffer();
    }
    await expectTooMany(await call("GET", "/api/reports/alerts.csv", { token: tenant.admin.token }));
  });
});

describe("login throttle", () => {
  it("lets at most 5 of 12 parallel guesses from one address be checked, and does not lock the user out elsewhere", async () => {
    const tenant = await createTenant();
    const headers = { "cf-connecting-ip": "198.51.100.7" };
    const guesses = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        call("POST", "/api/auth/login", { headers, body: { tenant: tenant.slug, email: tenant.admin.email, password: `guess-${i}` } }),
      ),
    );
    const statuses = guesses.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBe(5);
    expect(statuses.filter((s) => s === 429).length).toBe(7);
    // The attacker's address stays blocked even with the right password ...
    const attacker = await call("POST", "/api/auth/login", {
      headers,
      body: { tenant: tenant.slug, email: tenant.admin.email, password: tenant.admin.password },
    });
    expect(attacker.status).toBe(429);
    // ... while the real user, elsewhere, signs in.
    const owner = await call("POST", "/api/auth/login", {
      headers: { "cf-connecting-ip": "192.0.2.44" },
      body: { tenant: tenant.slug, email: tenant.admin.email, password: tenant.admin.password },
    });
    expect(owner.status).toBe(200);
  });
});
