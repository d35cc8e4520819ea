import { env } from "cloudflare:workers";
import { sign } from "hono/jwt";
import { describe, expect, it } from "vitest";
import { call, countRows, createTenant, userWithRole } from "./helpers";

const b64url = (value: object) => btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

describe("JWT rejection", () => {
  it("answers 401 with problem JSON for no token, a wrong key, alg none, an expired token and garbage", async () => {
    const tenant = await createTenant();
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: tenant.admin.id, tid: tenant.id, role: "admin", ver: 0, jti: crypto.randomUUID(), iat: now, exp: now + 600 };
    const tokens = {
      none: undefined,
      wrongKey: await sign(claims, "some-other-secret-entirely-0123456789", "HS256"),
      algNone: `${b64url({ alg: "none", typ: "JWT" })}.${b64url(claims)}.`,
      expired: await sign({ ...claims, iat: now - 7200, exp: now - 60 }, env.JWT_SECRET, "HS256"),
      garbage: "not.a.jwt",
    };
    for (const [name, token] of Object.entries(tokens)) {
      const res = await call("GET", "/api/me", { token });
      expect(res.status, name).toBe(401);
      expect(res.headers.get("content-type"), name).toContain("application/problem+json");
    }
    // The same claims signed with the right key are accepted: the rejections above are about the token.
    const good = await sign(claims, env.JWT_SECRET, "HS256");
    expect((await call("GET", "/api/me", { token: good })).status).toBe(200);
  });
});

describe("roles", () => {
  it("lets an admin create users and forbids a manager (403), storing nothing", async () => {
    const tenant = await createTenant();
    const manager = await userWithRole(tenant, "manager");
    const before = await countRows("users", "tenant_id = ?", tenant.id);
    const res = await call("POST", "/api/users", {
      token: manager.token,
      body: { email: "new@x.example", password: "long enough pw", name: "New", role: "driver" },
    });
    expect(res.status).toBe(403);
    expect(await countRows("users", "tenant_id = ?", tenant.id)).toBe(before);
  });

  it("never returns password hashes and lists users for managers but not technicians", async () => {
    const tenant = await createTenant();
    const manager = await userWithRole(tenant, "manager");
    const technician = await userWithRole(tenant, "technician");
    const list = await call("GET", "/api/users", { token: manager.token });
    expect(list.status).toBe(200);
    const text = await list.text();
    expect(text).not.toMatch(/pbkdf2|password/i);
    expect((JSON.parse(text) as { items: unknown[] }).items).toHaveLength(3);
    expect((await call("GET", "/api/users", { token: technician.token })).status).toBe(403);
  });

  it("GET /api/me answers for every role", async () => {
    const tenant = await createTenant();
    for (const role of ["manager", "technician", "driver"] as const) {
      const user = await userWithRole(tenant, role);
      const res = await call("GET", "/api/me", { token: user.token });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ id: user.id, role, tenantId: tenant.id, email: user.email });
    }
  });

  it("rejects a duplicate email in the tenant with 409 but allows it in another tenant", async () => {
    const [a, b] = [await createTenant(), await createTenant()];
    const body = { email: "same@x.example", password: "long enough pw", name: "Same", role: "manager" };
    expect((await call("POST", "/api/users", { token: a.admin.token, body })).status).toBe(201);
    expect((await call("POST", "/api/users", { token: a.admin.token, body })).status).toBe(409);
    expect((await call("POST", "/api/users", { token: b.admin.token, body })).status).toBe(201);
  });
});
