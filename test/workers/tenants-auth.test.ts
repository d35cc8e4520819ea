import { describe, expect, it } from "vitest";
import { call, countRows, createTenant, login, PLATFORM_TOKEN, uniqueSlug } from "./helpers";

describe("POST /api/admin/tenants", () => {
  it("creates a tenant with a whsec_ secret and its admin", async () => {
    const slug = uniqueSlug();
    const res = await call("POST", "/api/admin/tenants", {
      token: PLATFORM_TOKEN,
      body: { name: "Acme", slug, adminEmail: "Boss@Acme.example", adminPassword: "correct horse battery" },
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { tenant: { id: string; slug: string }; webhookSecret: string };
    expect(body.tenant.slug).toBe(slug);
    expect(body.webhookSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    // Stored encrypted, never in clear.
    const stored = await countRows("tenants", "slug = ? AND webhook_secret_enc NOT LIKE '%whsec%'", slug);
    expect(stored).toBe(1);
    // E-mail is case-normalised, so the admin signs in with any casing.
    const session = await login(slug, "boss@acme.example", "correct horse battery");
    expect(session.user.role).toBe("admin");
  });

  it("answers 409 for a duplicate slug and changes nothing", async () => {
    const tenant = await createTenant();
    const before = await countRows("users");
    const res = await call("POST", "/api/admin/tenants", {
      token: PLATFORM_TOKEN,
      body: { name: "Again", slug: tenant.slug, adminEmail: "x@y.example", adminPassword: "correct horse battery" },
    });
    expect(res.status).toBe(409);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(await countRows("users")).toBe(before);
  });

  it("answers 401 without the platform token, with a wrong one, or with a tenant JWT", async () => {
    const tenant = await createTenant();
    const body = { name: "X", slug: uniqueSlug(), adminEmail: "a@b.example", adminPassword: "correct horse battery" };
    for (const token of [undefined, "wrong-token", tenant.admin.token]) {
      const res = await call("POST", "/api/admin/tenants", { token, body });
      expect(res.status).toBe(401);
    }
    expect(await countRows("tenants", "slug = ?", body.slug)).toBe(0);
  });

  it("names every invalid field and stores nothing", async () => {
    const before = await countRows("tenants");
    const res = await call("POST", "/api/admin/tenants", {
      token: PLATFORM_TOKEN,
      body: { name: "", slug: "Not A Slug", adminEmail: "nope", adminPassword: "short", extra: 1 },
    });
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { status: number; errors: { path: string }[] };
    expect(problem.status).toBe(400);
    expect(problem.errors.map((e) => e.path).sort()).toEqual(["adminEmail", "adminPassword", "extra", "name", "slug"]);
    expect(await countRows("tenants")).toBe(before);
  });
});

describe("POST /api/auth/login", () => {
  it("answers unknown user, wrong password and unknown tenant with byte-identical 401s", async () => {
    const tenant = await createTenant();
    const wrongPassword = await call("POST", "/api/auth/login", {
      body: { tenant: tenant.slug, email: tenant.admin.email, password: "not the password" },
    });
    const unknownUser = await call("POST", "/api/auth/login", {
      body: { tenant: tenant.slug, email: "nobody@nowhere.example", password: "not the password" },
    });
    const unknownTenant = await call("POST", "/api/auth/login", {
      body: { tenant: uniqueSlug("none"), email: tenant.admin.email, password: "not the password" },
    });
    const bodies = await Promise.all([wrongPassword, unknownUser, unknownTenant].map((r) => r.text()));
    for (const res of [wrongPassword, unknownUser, unknownTenant]) expect(res.status).toBe(401);
    expect(bodies[1]).toBe(bodies[0]);
    expect(bodies[2]).toBe(bodies[0]);
    expect(bodies[0]).not.toMatch(/request/i);
  });

  it("blocks an account with 429 and retry-after after repeated failures, even for the right password", async () => {
    const tenant = await createTenant();
    for (let i = 0; i < 5; i++) {
      const res = await call("POST", "/api/auth/login", {
        body: { tenant: tenant.slug, email: tenant.admin.email, password: `wrong-${i}` },
      });
      expect(res.status).toBe(401);
    }
    const blocked = await call("POST", "/api/auth/login", {
      body: { tenant: tenant.slug, email: tenant.admin.email, password: tenant.admin.password },
    });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    // Every failure is in the tenant's audit log.
    expect(await countRows("audit_log", "tenant_id = ? AND action = 'auth.login_failed'", tenant.id)).toBe(5);
  });

  it("blocks an IP after repeated failures across accounts", async () => {
    const tenant = await createTenant();
    const headers = { "cf-connecting-ip": "203.0.113.77" };
    for (let i = 0; i < 20; i++) {
      const res = await call("POST", "/api/auth/login", {
        headers,
        body: { tenant: tenant.slug, email: `u${i}@x.example`, password: "wrong pass" },
      });
      expect(res.status).toBe(401);
    }
    const res = await call("POST", "/api/auth/login", {
      headers,
      body: { tenant: tenant.slug, email: tenant.admin.email, password: tenant.admin.password },
    });
    expect(res.status).toBe(429);
    const elsewhere = await call("POST", "/api/auth/login", {
      body: { tenant: tenant.slug, email: tenant.admin.email, password: tenant.admin.password },
    });
    expect(elsewhere.status).toBe(200);
  });
});
