import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { closeExpiredSessions, SESSION_ENDED } from "../../durable-objects/live-sessions";
import { tenantHub } from "../../worker/lib/hub";
import { call, createTenant, login, userWithRole } from "./helpers";
import { openLive } from "./live-helpers";

/** Resolves with the close code when the server closes the socket. */
const closed = (ws: WebSocket) => new Promise<number>((resolve) => ws.addEventListener("close", (e) => resolve(e.code)));

describe("logout", () => {
  it("answers 204, then that token is 401 while the user's other token still works", async () => {
    const tenant = await createTenant();
    const second = await login(tenant.slug, tenant.admin.email, tenant.admin.password);
    expect((await call("POST", "/api/auth/logout", { token: tenant.admin.token })).status).toBe(204);
    expect((await call("GET", "/api/me", { token: tenant.admin.token })).status).toBe(401);
    expect((await call("POST", "/api/auth/logout", { token: tenant.admin.token })).status).toBe(401);
    expect((await call("GET", "/api/me", { token: second.token })).status).toBe(200);
  });

  it("closes the live socket opened with the token, and only that one", async () => {
    const tenant = await createTenant();
    const second = await login(tenant.slug, tenant.admin.email, tenant.admin.password);
    const live = await openLive(tenant.admin.token);
    const other = await openLive(second.token);
    await live.waitFor((m) => m.type === "hello");
    const code = closed(live.ws);
    expect((await call("POST", "/api/auth/logout", { token: tenant.admin.token })).status).toBe(204);
    expect(await code).toBe(SESSION_ENDED);
    await other.roundTrip(); // still open
    other.close();
    // A logged-out token cannot open a new socket either.
    await expect(openLive(tenant.admin.token)).rejects.toThrow(/401/);
  });
});

describe("PATCH /api/users/{id}", () => {
  it("deactivating revokes every token (401, sockets closed) and the user cannot sign in, with the wrong-password answer", async () => {
    const tenant = await createTenant();
    const driver = await userWithRole(tenant, "driver");
    const live = await openLive(driver.token);
    await live.waitFor((m) => m.type === "hello");
    const code = closed(live.ws);
    const res = await call("PATCH", `/api/users/${driver.id}`, { token: tenant.admin.token, body: { active: false } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { active: boolean }).active).toBe(false);
    expect(await code).toBe(SESSION_ENDED);
    expect((await call("GET", "/api/me", { token: driver.token })).status).toBe(401);

    const signIn = await call("POST", "/api/auth/login", { body: { tenant: tenant.slug, email: driver.email, password: driver.password } });
    const wrong = await call("POST", "/api/auth/login", {
      body: { tenant: tenant.slug, email: driver.email, password: "not the password" },
    });
    expect(signIn.status).toBe(401);
    expect(await signIn.text()).toBe(await wrong.text());

    // Reactivated, it signs in again.
    expect((await call("PATCH", `/api/users/${driver.id}`, { token: tenant.admin.token, body: { active: true } })).status).toBe(200);
    expect((await login(tenant.slug, driver.email, driver.password)).user.role).toBe("driver");
  });

  it("a role change revokes older tokens; the new token carries the new role, taken from the stored user", async () => {
    const tenant = await createTenant();
    const manager = await userWithRole(tenant, "manager");
    expect((await call("GET", "/api/users", { token: manager.token })).status).toBe(200);
    const res = await call("PATCH", `/api/users/${manager.id}`, { token: tenant.admin.token, body: { role: "driver", name: "Demoted" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ role: "driver", name: "Demoted", active: true });
    expect((await call("GET", "/api/users", { token: manager.token })).status).toBe(401);
    const again = await login(tenant.slug, manager.email, manager.password);
    expect((await call("GET", "/api/users", { token: again.token })).status).toBe(403);
    // A name change alone revokes nothing.
    expect((await call("PATCH", `/api/users/${manager.id}`, { token: tenant.admin.token, body: { name: "D" } })).status).toBe(200);
    expect((await call("GET", "/api/me", { token: again.token })).status).toBe(200);
  });

  it("is for admins, rejects unknown fields, 404s another tenant's user and refuses to lock the admin out", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    const manager = await userWithRole(tenant, "manager");
    const patch = (token: string, id: string, body: unknown) => call("PATCH", `/api/users/${id}`, { token, body });
    expect((await patch(manager.token, manager.id, { name: "x" })).status).toBe(403);
    expect((await patch(tenant.admin.token, manager.id, { password: "nope nope nope" })).status).toBe(400);
    expect((await patch(tenant.admin.token, other.admin.id, { active: false })).status).toBe(404);
    expect((await patch(tenant.admin.token, tenant.admin.id, { active: false })).status).toBe(409);
    expect((await patch(tenant.admin.token, tenant.admin.id, { role: "manager" })).status).toBe(409);
    expect((await call("GET", "/api/me", { token: other.admin.token })).status).toBe(200);
  });
});

describe("expiry", () => {
  it("the object closes a socket once its token's expiry has passed, not before", async () => {
    const tenant = await createTenant();
    const live = await openLive(tenant.admin.token);
    await live.waitFor((m) => m.type === "hello");
    const code = closed(live.ws);
    const exp = (JSON.parse(atob(tenant.admin.token.split(".")[1]!.replaceAll("-", "+").replaceAll("_", "/"))) as { exp: number }).exp;
    const hub = tenantHub(env, tenant.id);
    // The object set its alarm to the token's expiry, and closes nothing early.
    await runInDurableObject(hub, async (_instance, state) => {
      expect(await state.storage.getAlarm()).toBeLessThanOrEqual(exp * 1000);
      closeExpiredSessions(state, exp * 1000 - 1);
    });
    await live.roundTrip();
    await runInDurableObject(hub, (_instance, state) => closeExpiredSessions(state, exp * 1000));
    expect(await code).toBe(SESSION_ENDED);
  });
});
