/**
 * POST /api/me/password (docs/security.md, "Password change"): older tokens, refresh tokens and
 * live sockets end; the caller continues with a new sign-in; a wrong current password changes nothing.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SESSION_ENDED } from "../../durable-objects/live-sessions";
import { freezeClock } from "./drive";
import { call, createTenant, login, type TestTenant } from "./helpers";
import { openLive } from "./live-helpers";

const ORIGIN = "http://fleetpulse.test";
const closed = (ws: WebSocket) => new Promise<number>((resolve) => ws.addEventListener("close", (e) => resolve(e.code)));
const NEW_PASSWORD = "a brand new passphrase";

async function bearerLogin(tenant: TestTenant, password = tenant.admin.password) {
  const res = await call("POST", "/api/auth/login", { body: { tenant: tenant.slug, email: tenant.admin.email, password } });
  return { status: res.status, ...((await res.json()) as { token: string; refreshToken: string }) };
}

const userRow = (id: string) =>
  env.DB.prepare("SELECT password_hash, token_version FROM users WHERE id = ?")
    .bind(id)
    .first<{ password_hash: string; token_version: number }>();

describe("POST /api/me/password", () => {
  it("ends every older token, refresh token and socket, and signs the caller in afresh", async () => {
    const tenant = await createTenant();
    const here = await bearerLogin(tenant);
    const elsewhere = await bearerLogin(tenant);
    const live = await openLive(elsewhere.token);
    await live.waitFor((m) => m.type === "hello");
    const code = closed(live.ws);

    const res = await call("POST", "/api/me/password", {
      token: here.token,
      body: { currentPassword: tenant.admin.password, newPassword: NEW_PASSWORD },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const fresh = (await res.json()) as { token: string; refreshToken: string };

    expect(await code).toBe(SESSION_ENDED);
    for (const old of [here.token, elsewhere.token, tenant.admin.token])
      expect((await call("GET", "/api/me", { token: old })).status).toBe(401);
    for (const old of [here.refreshToken, elsewhere.refreshToken])
      expect((await call("POST", "/api/auth/refresh", { body: { refreshToken: old } })).status).toBe(401);
    await expect(openLive(elsewhere.token)).rejects.toThrow(/401/);

    // The caller goes on with the new credentials, its refresh token included.
    expect((await call("GET", "/api/me", { token: fresh.token })).status).toBe(200);
    expect((await call("POST", "/api/auth/refresh", { body: { refreshToken: fresh.refreshToken } })).status).toBe(200);
    expect((await bearerLogin(tenant)).status).toBe(401);
    expect((await login(tenant.slug, tenant.admin.email, NEW_PASSWORD)).user.id).toBe(tenant.admin.id);

    const audit = await env.DB.prepare("SELECT actor_id FROM audit_log WHERE tenant_id = ? AND action = 'user.password_change'")
      .bind(tenant.id)
      .all<{ actor_id: string }>();
    expect(audit.results).toEqual([{ actor_id: tenant.admin.id }]);
  });

  it("a wrong current password, a weak new one or a malformed body is problem JSON naming the field, and nothing changes", async () => {
    const tenant = await createTenant();
    const before = await userRow(tenant.admin.id);
    const cases: [unknown, string][] = [
      [{ currentPassword: "not the password", newPassword: NEW_PASSWORD }, "currentPassword"],
      [{ currentPassword: tenant.admin.password, newPassword: "short" }, "newPassword"],
      [{ currentPassword: tenant.admin.password, newPassword: tenant.admin.password }, "newPassword"],
      [{ newPassword: NEW_PASSWORD }, "currentPassword"],
      [{ currentPassword: tenant.admin.password, newPassword: NEW_PASSWORD, role: "admin" }, "role"],
    ];
    for (const [body, field] of cases) {
      const res = await call("POST", "/api/me/password", { token: tenant.admin.token, body });
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      const problem = (await res.json()) as { errors: { path: string }[] };
      expect(problem.errors.map((e) => e.path)).toContain(field);
    }
    expect(await userRow(tenant.admin.id)).toEqual(before);
    expect((await call("GET", "/api/me", { token: tenant.admin.token })).status).toBe(200);
    expect((await bearerLogin(tenant)).status).toBe(200);
  });

  it("by the app's cookie: new cookies, no token in the body; refused without the app's origin", async () => {
    const tenant = await createTenant();
    const signIn = await call("POST", "/api/auth/session", {
      body: { tenant: tenant.slug, email: tenant.admin.email, password: tenant.admin.password },
      headers: { origin: ORIGIN },
    });
    const cookieOf = (res: Response) =>
      (res.headers as unknown as { getSetCookie(): string[] })
        .getSetCookie()
        .map((line) => line.split(";")[0])
        .join("; ");
    const cookie = cookieOf(signIn);
    const body = { currentPassword: tenant.admin.password, newPassword: NEW_PASSWORD };

    const forged = await call("POST", "/api/me/password", { body, headers: { cookie, origin: "https://evil.example" } });
    expect(forged.status).toBe(403);
    expect((await bearerLogin(tenant)).status).toBe(200);

    freezeClock(); // the new session is issued and its lifetime reported in the same second
    const res = await call("POST", "/api/me/password", { body, headers: { cookie, origin: ORIGIN } });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as Record<string, unknown>;
    expect(answer.token).toBeUndefined();
    expect(answer.expiresInSeconds).toBe(15 * 60);
    const next = cookieOf(res);
    expect(next).toMatch(/fp_access=.+; fp_refresh=.+/);
    expect((await call("GET", "/api/me", { headers: { cookie } })).status).toBe(401);
    expect((await call("GET", "/api/me", { headers: { cookie: next } })).status).toBe(200);
  });
});
