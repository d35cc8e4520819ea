import { env, exports } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { freezeClock } from "./drive";
import { call, countRows, createTenant, type TestTenant, userWithRole } from "./helpers";

/**
 * Single sign-on against a real OIDC provider (oidc-provider, started by the global setup:
 * test/stand-ins/oidc-provider.mjs). The test is the browser: it follows redirects by hand and
 * keeps each side's cookies.
 */
const oidc = inject("oidc");

/** A browser navigation to the Worker that does not follow redirects (the test follows them itself). */
const navigate = (path: string, cookie?: string) =>
  exports.default.fetch(new Request(`http://fleetpulse.test${path}`, { redirect: "manual", headers: cookie ? { cookie } : {} }));

/** One site's cookies, as a browser would keep them (paths ignored: sending more is harmless here). */
class CookieJar {
  private cookies = new Map<string, string>();
  take(response: Response) {
    // workerd has getSetCookie(); the workers types do not list it yet.
    for (const line of (response.headers as unknown as { getSetCookie(): string[] }).getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair!.indexOf("=");
      this.cookies.set(pair!.slice(0, at).trim(), pair!.slice(at + 1));
    }
  }
  header() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}

async function configure(tenant: TestTenant, defaultRole = "technician") {
  const res = await call("PUT", "/api/sso/settings", {
    token: tenant.admin.token,
    body: { issuer: oidc.issuer, clientId: oidc.clientId, clientSecret: oidc.clientSecret, defaultRole },
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

/** Start → provider login form → submit `email` → provider redirect back; returns the callback path and the app's cookie. */
async function signInAtProvider(tenant: TestTenant, email: string) {
  const app = new CookieJar();
  const start = await navigate(`/api/sso/start?tenant=${tenant.slug}`);
  expect(start.status, await start.clone().text()).toBe(302);
  app.take(start);
  const authorize = new URL(start.headers.get("location")!);
  expect(authorize.origin).toBe(oidc.issuer);
  expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
  expect(authorize.searchParams.get("nonce")).toBeTruthy();

  const idp = new CookieJar();
  const go = async (url: string, init: RequestInit = {}) => {
    const res = await fetch(new URL(url, oidc.issuer), { redirect: "manual", ...init, headers: { ...init.headers, cookie: idp.header() } });
    idp.take(res);
    return res;
  };
  const toLogin = await go(authorize.toString());
  expect(toLogin.status).toBe(303);
  const form = await go(toLogin.headers.get("location")!);
  expect(form.status).toBe(200);
  const action = (await form.text()).match(/action="([^"]+)"/)![1]!;
  const submitted = await go(action, {
    method: "POST",
    body: new URLSearchParams({ email }).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
  expect(submitted.status).toBe(303);
  const back = await go(submitted.headers.get("location")!);
  expect(back.status).toBe(303);
  const callback = new URL(back.headers.get("location")!);
  expect(callback.pathname).toBe("/api/sso/callback");
  return { callbackPath: `${callback.pathname}${callback.search}`, cookie: app.header() };
}

async function completeSignIn(tenant: TestTenant, email: string) {
  const { callbackPath, cookie } = await signInAtProvider(tenant, email);
  const back = await navigate(callbackPath, cookie);
  expect(back.status, await back.clone().text()).toBe(303);
  const location = new URL(back.headers.get("location")!);
  expect(`${location.origin}${location.pathname}`).toBe(`${env.APP_URL}/sign-in/sso`);
  const ticket = new URLSearchParams(location.hash.slice(1)).get("ticket")!;
  const exchanged = await call("POST", "/api/sso/exchange", { body: { ticket } });
  return { exchanged, ticket, callbackPath, cookie };
}

describe("OIDC single sign-on (docs/security.md#single-sign-on)", () => {
  it("signs a new user in through the local provider with the default role; the session works", async () => {
    const tenant = await createTenant();
    await configure(tenant);
    const email = `ana@${tenant.slug}.example`;
    const { exchanged, ticket, callbackPath, cookie } = await completeSignIn(tenant, email);
    expect(exchanged.status).toBe(200);
    const session = (await exchanged.json()) as { token: string; user: { email: string; role: string } };
    expect(session.user).toMatchObject({ email, role: "technician" });
    const me = await call("GET", "/api/me", { token: session.token });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ email, role: "technician" });

    // Every step is single use.
    expect((await call("POST", "/api/sso/exchange", { body: { ticket } })).status).toBe(401);
    expect((await navigate(callbackPath, cookie)).status).toBe(401);
    expect(await countRows("audit_log", "tenant_id = ? AND action = 'auth.login' AND detail LIKE '%sso%'", tenant.id)).toBe(1);
  });

  it("matches an existing user by email and keeps its role", async () => {
    const tenant = await createTenant();
    await configure(tenant);
    const manager = await userWithRole(tenant, "manager");
    const { exchanged } = await completeSignIn(tenant, manager.email);
    expect(exchanged.status).toBe(200);
    expect(((await exchanged.json()) as { user: { id: string; role: string } }).user).toMatchObject({ id: manager.id, role: "manager" });
    expect(await countRows("users", "tenant_id = ?", tenant.id)).toBe(2);
  });

  it("refuses an unverified email, a missing or wrong state cookie, and a deactivated user", async () => {
    const tenant = await createTenant();
    await configure(tenant);

    const unverified = await signInAtProvider(tenant, `unverified@${tenant.slug}.example`);
    expect((await navigate(unverified.callbackPath, unverified.cookie)).status).toBe(403);
    expect(await countRows("users", "tenant_id = ?", tenant.id)).toBe(1);

    const noCookie = await signInAtProvider(tenant, `bo@${tenant.slug}.example`);
    expect((await navigate(noCookie.callbackPath)).status).toBe(401);
    expect((await navigate(noCookie.callbackPath, "fp_sso_state=forged")).status).toBe(401);

    const tech = await userWithRole(tenant, "technician");
    await call("PATCH", `/api/users/${tech.id}`, { token: tenant.admin.token, body: { active: false } });
    const inactive = await signInAtProvider(tenant, tech.email);
    expect((await navigate(inactive.callbackPath, inactive.cookie)).status).toBe(401);
  });

  it("keeps the client secret encrypted and out of every answer; admin only; checks the issuer", async () => {
    const tenant = await createTenant();
    await configure(tenant, "driver");
    const row = await env.DB.prepare("SELECT * FROM tenant_sso WHERE tenant_id = ?").bind(tenant.id).first();
    expect(JSON.stringify(row)).not.toContain(oidc.clientSecret);
    const settings = await call("GET", "/api/sso/settings", { token: tenant.admin.token });
    const text = await settings.text();
    expect(text).not.toContain(oidc.clientSecret);
    expect(JSON.parse(text)).toMatchObject({
      issuer: oidc.issuer,
      defaultRole: "driver",
      redirectUri: "http://fleetpulse.test/api/sso/callback",
    });

    const manager = await userWithRole(tenant, "manager");
    expect((await call("GET", "/api/sso/settings", { token: manager.token })).status).toBe(403);
    const badIssuer = await call("PUT", "/api/sso/settings", {
      token: tenant.admin.token,
      body: { issuer: "http://10.0.0.1/realm", clientId: "x", clientSecret: "y", defaultRole: "admin" },
    });
    expect(badIssuer.status).toBe(400);
    const paths = ((await badIssuer.json()) as { errors: { path: string }[] }).errors.map((e) => e.path);
    expect(paths).toEqual(["defaultRole"]);
    expect((await navigate("/api/sso/start?tenant=no-such-tenant")).status).toBe(404);
  });
});

describe("single sign-on in the app (cookie session)", () => {
  const ORIGIN = "http://fleetpulse.test";

  /** The provider's way back, followed as a browser navigation (it asks for HTML); returns the app URL it lands on. */
  async function landInApp(tenant: TestTenant, email: string, cookie?: (jar: string) => string) {
    const { callbackPath, cookie: jar } = await signInAtProvider(tenant, email);
    const back = await exports.default.fetch(
      new Request(`${ORIGIN}${callbackPath}`, { redirect: "manual", headers: { cookie: cookie ? cookie(jar) : jar, accept: "text/html" } }),
    );
    expect(back.status).toBe(303);
    return new URL(back.headers.get("location")!);
  }

  it("says which organizations offer it, and trades the ticket for HttpOnly cookies once, from the app's origin only", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    await configure(tenant);
    const offered = async (slug: string) =>
      ((await (await call("GET", `/api/sso/available?tenant=${slug}`)).json()) as { enabled: boolean }).enabled;
    expect([await offered(tenant.slug), await offered(other.slug), await offered("no-such-tenant")]).toEqual([true, false, false]);

    const landed = await landInApp(tenant, `eva@${tenant.slug}.example`);
    const ticket = new URLSearchParams(landed.hash.slice(1)).get("ticket")!;
    const forged = await call("POST", "/api/sso/session", { body: { ticket }, headers: { origin: "https://evil.example" } });
    expect(forged.status).toBe(403);

    freezeClock(); // the session is issued and its lifetime reported in the same second
    const res = await call("POST", "/api/sso/session", { body: { ticket }, headers: { origin: ORIGIN } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.token).toBeUndefined();
    expect(body).toMatchObject({ user: { email: `eva@${tenant.slug}.example` }, expiresInSeconds: 15 * 60 });
    const lines = (res.headers as unknown as { getSetCookie(): string[] }).getSetCookie();
    expect(lines.find((l) => l.startsWith("fp_access="))).toMatch(/HttpOnly/i);
    expect(lines.find((l) => l.startsWith("fp_access="))).toMatch(/SameSite=Strict/i);
    const cookie = lines.map((l) => l.split(";")[0]).join("; ");
    expect((await call("GET", "/api/me", { headers: { cookie } })).status).toBe(200);
    // Single use.
    expect((await call("POST", "/api/sso/session", { body: { ticket }, headers: { origin: ORIGIN } })).status).toBe(401);
  });

  it("sends a browser whose sign-in failed back to the app with the reason in the fragment", async () => {
    const tenant = await createTenant();
    await configure(tenant);
    const forged = await landInApp(tenant, `fay@${tenant.slug}.example`, () => "fp_sso_state=forged");
    expect(`${forged.pathname}${forged.hash}`).toBe("/sign-in/sso#error=failed");
    const unverified = await landInApp(tenant, `unverified-${tenant.slug}@x.example`);
    expect(unverified.hash).toBe("#error=unverified");
  });
});
