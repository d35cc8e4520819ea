import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../worker";
import { app } from "../../worker/app";
import { call, countRows, createTenant, userWithRole } from "./helpers";
import { keyringOf } from "../../worker/lib/keyring";

describe("limits, errors and headers", () => {
  it("answers 413 problem JSON for a body over 1 MiB and stores nothing", async () => {
    const tenant = await createTenant();
    const body = JSON.stringify({ externalId: "BIG-1", name: "x".repeat(1024 * 1024) });
    const res = await call("POST", "/api/vehicles", { token: tenant.admin.token, body });
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(await countRows("vehicles", "tenant_id = ?", tenant.id)).toBe(0);
  });

  it("sets a request id and secure headers, and answers unknown API paths with problem JSON", async () => {
    const res = await call("GET", "/api/nope");
    expect(res.status).toBe(404);
    expect(res.headers.get("x-request-id")).toBeTruthy();
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("strict-transport-security")).toContain("max-age");
    expect(((await res.json()) as { status: number }).status).toBe(404);
  });
});

describe("audit log", () => {
  it("records writes, logins and failed logins, readable by admins only", async () => {
    const tenant = await createTenant();
    const manager = await userWithRole(tenant, "manager");
    await call("POST", "/api/vehicles", {
      token: manager.token,
      body: { externalId: "AUD-1", name: "Audited" },
      headers: { "user-agent": "audit-test/1.0" },
    });
    await call("POST", "/api/auth/login", { body: { tenant: tenant.slug, email: manager.email, password: "wrong password" } });

    const res = await call("GET", "/api/audit?limit=100", { token: tenant.admin.token });
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as {
      items: { action: string; actorId: string | null; userAgent: string | null; ip: string | null; at: string }[];
    };
    const actions = items.map((i) => i.action);
    for (const action of ["tenant.create", "auth.login", "user.create", "vehicle.create", "auth.login_failed"])
      expect(actions).toContain(action);
    const vehicleCreate = items.find((i) => i.action === "vehicle.create")!;
    expect(vehicleCreate).toMatchObject({ actorId: manager.id, userAgent: "audit-test/1.0", ip: "127.0.0.1" });
    // Newest first.
    expect([...items.map((i) => i.at)].sort().reverse()).toEqual(items.map((i) => i.at));
    expect((await call("GET", "/api/audit", { token: manager.token })).status).toBe(403);
  });

  it("writes no audit row for a rejected write", async () => {
    const tenant = await createTenant();
    const before = await countRows("audit_log", "tenant_id = ?", tenant.id);
    await call("POST", "/api/vehicles", { token: tenant.admin.token, body: { externalId: "" } });
    expect(await countRows("audit_log", "tenant_id = ?", tenant.id)).toBe(before);
  });
});

describe("webhook secret rotation", () => {
  it("issues a new whsec_ secret and keeps the old one for 24 h; the sweep drops it after", async () => {
    const tenant = await createTenant();
    const res = await call("POST", "/api/integrations/webhook-secret/rotate", { token: tenant.admin.token });
    expect(res.status).toBe(200);
    const rotated = (await res.json()) as { webhookSecret: string; previousSecretValidUntil: string };
    expect(rotated.webhookSecret).toMatch(/^whsec_/);
    expect(rotated.webhookSecret).not.toBe(tenant.webhookSecret);
    const hours = (Date.parse(rotated.previousSecretValidUntil) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);

    const { activeWebhookSecrets } = await import("../../worker/services/tenants");
    const row = await env.DB.prepare("SELECT * FROM tenants WHERE id = ?").bind(tenant.id).first();
    const asTenant = {
      id: tenant.id, // ciphertexts are bound to their tenant
      webhookSecretEnc: row!.webhook_secret_enc as string,
      previousWebhookSecretEnc: row!.previous_webhook_secret_enc as string,
      previousSecretExpiresAt: row!.previous_secret_expires_at as number,
    } as Parameters<typeof activeWebhookSecrets>[0];
    expect(await activeWebhookSecrets(asTenant, keyringOf(env))).toEqual([rotated.webhookSecret, tenant.webhookSecret]);

    // A cron run 25 h later forgets the old secret.
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now() + 25 * 3_600_000, cron: "*/5 * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await countRows("tenants", "id = ? AND previous_webhook_secret_enc IS NULL", tenant.id)).toBe(1);
    const technician = await userWithRole(tenant, "technician");
    expect((await call("POST", "/api/integrations/webhook-secret/rotate", { token: technician.token })).status).toBe(403);
  });
});

describe("OpenAPI", () => {
  it("documents every API route the app serves", async () => {
    const res = await exports.default.fetch("http://fleetpulse.test/api/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe("3.1.0");
    const documented = new Set(Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)));
    const served = app.routes
      // /api/dev/* exists only under ENVIRONMENT=development (benchmarks) and is kept out of the docs on purpose.
      .filter(
        (r) =>
          /^\/(api|webhooks)\//.test(r.path) &&
          !r.path.startsWith("/api/dev/") &&
          r.method !== "ALL" &&
          !["/api/openapi.json", "/api/docs"].includes(r.path),
      )
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`);
    expect(served.length).toBeGreaterThanOrEqual(9);
    for (const route of served) expect(documented, route).toContain(route);
  });

  it("serves a self-contained HTML reference", async () => {
    const res = await exports.default.fetch("http://fleetpulse.test/api/docs");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("/api/vehicles/{id}");
    expect(html).not.toMatch(/<script[^>]+src="(https?:)?\/\/|<link[^>]+href="(https?:)?\/\//); // same-origin renderer only
  });
});
