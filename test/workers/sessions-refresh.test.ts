/**
 * Refresh-token families, the app's cookie session with its CSRF check, single-use tickets in
 * URLs, expiry (401 and socket closed) and the technician's filtered live stream (docs/security.md).
 */
import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { closeExpiredSessions, SESSION_ENDED } from "../../durable-objects/live-sessions";
import { HEARTBEAT } from "../../worker/domain/live-protocol";
import { tenantHub } from "../../worker/lib/hub";
import { freezeClock } from "./drive";
import { addVehicles, call, createTenant, type TestTenant, userWithRole } from "./helpers";

const ORIGIN = "http://fleetpulse.test";
const closed = (ws: WebSocket) => new Promise<number>((resolve) => ws.addEventListener("close", (e) => resolve(e.code)));

interface Issued {
  token: string;
  refreshToken: string;
  expiresAt: string;
  refreshExpiresAt: string;
}

async function bearerLogin(tenant: TestTenant, who = tenant.admin): Promise<Issued> {
  const res = await call("POST", "/api/auth/login", { body: { tenant: tenant.slug, email: who.email, password: who.password } });
  expect(res.status).toBe(200);
  return (await res.json()) as Issued;
}

const refresh = (refreshToken: string) => call("POST", "/api/auth/refresh", { body: { refreshToken } });

/** The `name=value` pairs and attributes of the response's Set-Cookie headers. */
function cookiesOf(res: Response) {
  return Object.fromEntries(
    (res.headers as unknown as { getSetCookie(): string[] }).getSetCookie().map((line) => {
      const [pair, ...attrs] = line.split(";").map((p) => p.trim());
      const [name, ...value] = pair!.split("=");
      return [name!, { value: value.join("="), attrs: attrs.map((a) => a.toLowerCase()) }];
    }),
  );
}

/** Signs in as the app does; returns the cookie header to send back. */
async function cookieSignIn(tenant: TestTenant, who = tenant.admin) {
  const res = await call("POST", "/api/auth/session", {
    body: { tenant: tenant.slug, email: who.email, password: who.password },
    headers: { origin: ORIGIN },
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as Record<string, unknown>;
  const jar = cookiesOf(res);
  return { res, body, jar, cookie: `fp_access=${jar.fp_access!.value}; fp_refresh=${jar.fp_refresh!.value}` };
}

async function openUrl(url: string) {
  const response = await exports.default.fetch(new Request(url, { headers: { upgrade: "websocket" } }));
  const ws = response.webSocket;
  if (!ws) return { response, ws: null, messages: [] as Record<string, unknown>[] };
  ws.accept();
  const messages: Record<string, unknown>[] = [];
  ws.addEventListener("message", (e) => {
    if (e.data !== HEARTBEAT.response) messages.push(JSON.parse(e.data as string));
  });
  return { response, ws, messages };
}

async function ticketFor(headers: Record<string, string>) {
  const res = await call("POST", "/api/live/ticket", { headers });
  expect(res.status).toBe(201);
  return ((await res.json()) as { ticket: string }).ticket;
}

/** Waits until `check` holds for the socket's messages (event driven, not a sleep). */
function until(ws: WebSocket, messages: Record<string, unknown>[], check: () => boolean, ms = 3000) {
  return new Promise<void>((resolve, reject) => {
    if (check()) return resolve();
    const timer = setTimeout(() => reject(new Error(`timed out; got ${JSON.stringify(messages)}`)), ms);
    ws.addEventListener("message", () => {
      if (check()) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

describe("refresh tokens", () => {
  it("rotate: each refresh token works once; reusing a rotated one ends the whole sign-in", async () => {
    const tenant = await createTenant();
    const first = await bearerLogin(tenant);
    const other = await bearerLogin(tenant);

    const res = await refresh(first.refreshToken);
    expect(res.status).toBe(200);
    const second = (await res.json()) as Issued;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.refreshExpiresAt).toBe(first.refreshExpiresAt);
    // A refreshed access token lasts 15 minutes.
    expect(Date.parse(second.expiresAt) - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    expect((await call("GET", "/api/me", { token: second.token })).status).toBe(200);

    // The rotated token comes back: someone has a copy.
    expect((await refresh(first.refreshToken)).status).toBe(401);
    expect((await refresh(second.refreshToken)).status).toBe(401);
    expect((await call("GET", "/api/me", { token: second.token })).status).toBe(401);
    expect((await call("GET", "/api/me", { token: first.token })).status).toBe(401);
    // Another sign-in of the same user is untouched.
    expect((await call("GET", "/api/me", { token: other.token })).status).toBe(200);
    expect((await refresh(other.refreshToken)).status).toBe(200);
    const audit = await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE tenant_id = ? AND action = 'auth.refresh_reused'")
      .bind(tenant.id)
      .first<{ n: number }>();
    expect(audit?.n).toBe(1);
  });

  it("stores only hashes, and of two racing uses exactly one wins", async () => {
    const tenant = await createTenant();
    const issued = await bearerLogin(tenant);
    const stored = await env.DB.prepare("SELECT count(*) AS n FROM refresh_tokens WHERE hash = ?")
      .bind(issued.refreshToken)
      .first<{ n: number }>();
    expect(stored?.n).toBe(0);
    const statuses = (await Promise.all([refresh(issued.refreshToken), refresh(issued.refreshToken)])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 401]);
  });

  it("logout, a role change and a deactivation end the refresh tokens too", async () => {
    const tenant = await createTenant();
    const manager = await userWithRole(tenant, "manager");
    const a = await bearerLogin(tenant, { ...manager, token: "", id: manager.id });
    expect((await call("POST", "/api/auth/logout", { token: a.token })).status).toBe(204);
    expect((await refresh(a.refreshToken)).status).toBe(401);

    const b = await bearerLogin(tenant, { ...manager, token: "", id: manager.id });
    expect((await call("PATCH", `/api/users/${manager.id}`, { token: tenant.admin.token, body: { role: "technician" } })).status).toBe(200);
    expect((await refresh(b.refreshToken)).status).toBe(401);

    const c = await bearerLogin(tenant, { ...manager, token: "", id: manager.id });
    expect((await call("PATCH", `/api/users/${manager.id}`, { token: tenant.admin.token, body: { active: false } })).status).toBe(200);
    expect((await refresh(c.refreshToken)).status).toBe(401);
    expect((await refresh("rt_not-a-token")).status).toBe(401);
  });
});

describe("the app's cookie session", () => {
  it("sets HttpOnly SameSite=Strict Secure cookies and no token in the body; the cookie authenticates", async () => {
    const tenant = await createTenant();
    // Max-Age is the token's remaining lifetime: with the clock running, a second boundary crossed
    // during the sign-in made it 899 (a full run failed so). Frozen, it is the full 15 minutes.
    freezeClock();
    const { body, jar, cookie } = await cookieSignIn(tenant);
    expect(body).not.toHaveProperty("token");
    expect(body).toMatchObject({ user: { email: tenant.admin.email } });
    for (const name of ["fp_access", "fp_refresh"]) {
      expect(jar[name]!.attrs).toEqual(expect.arrayContaining(["httponly", "secure", "samesite=strict"]));
    }
    expect(jar.fp_refresh!.attrs).toContain("path=/api/auth");
    expect(Number(jar.fp_access!.attrs.find((a: string) => a.startsWith("max-age="))!.slice(8))).toBe(900);
    expect((await call("GET", "/api/me", { headers: { cookie } })).status).toBe(200);
  });

  it("refuses cookie-authenticated changes from another origin or with no origin (CSRF), and cross-site sign-ins", async () => {
    const tenant = await createTenant();
    const { cookie } = await cookieSignIn(tenant);
    const evil = await call("POST", "/api/live/ticket", { headers: { cookie, origin: "https://evil.example" } });
    expect(evil.status).toBe(403);
    expect((await call("POST", "/api/live/ticket", { headers: { cookie } })).status).toBe(403);
    expect((await call("POST", "/api/live/ticket", { headers: { cookie, "sec-fetch-site": "cross-site" } })).status).toBe(403);
    expect((await call("POST", "/api/auth/refresh", { headers: { cookie, origin: "https://evil.example" } })).status).toBe(403);
    expect((await call("POST", "/api/auth/logout", { headers: { cookie, origin: "https://evil.example" } })).status).toBe(403);
    // From the app's own origin it works.
    expect((await call("POST", "/api/live/ticket", { headers: { cookie, origin: ORIGIN } })).status).toBe(201);
    expect((await call("POST", "/api/live/ticket", { headers: { cookie, "sec-fetch-site": "same-origin" } })).status).toBe(201);
    const crossSignIn = await call("POST", "/api/auth/session", {
      body: { tenant: tenant.slug, email: tenant.admin.email, password: tenant.admin.password },
      headers: { origin: "https://evil.example" },
    });
    expect(crossSignIn.status).toBe(403);
  });

  it("refreshes by cookie (rotating both cookies) and logs out by cookie (cookies cleared, token 401)", async () => {
    const tenant = await createTenant();
    const { cookie, jar } = await cookieSignIn(tenant);
    const res = await call("POST", "/api/auth/refresh", { headers: { cookie, origin: ORIGIN } });
    expect(res.status).toBe(200);
    expect(await res.json()).not.toHaveProperty("token");
    const next = cookiesOf(res);
    expect(next.fp_refresh!.value).not.toBe(jar.fp_refresh!.value);
    const nextCookie = `fp_access=${next.fp_access!.value}; fp_refresh=${next.fp_refresh!.value}`;
    const out = await call("POST", "/api/auth/logout", { headers: { cookie: nextCookie, origin: ORIGIN } });
    expect(out.status).toBe(204);
    expect(cookiesOf(out).fp_access!.attrs).toContain("max-age=0");
    expect((await call("GET", "/api/me", { headers: { cookie: nextCookie } })).status).toBe(401);
    // The first access cookie belonged to the same sign-in: it is over as well.
    expect((await call("GET", "/api/me", { headers: { cookie } })).status).toBe(401);
  });

  it("an expired access cookie answers 401, and the socket opened with its ticket is closed at its expiry", async () => {
    const tenant = await createTenant();
    const { cookie, jar } = await cookieSignIn(tenant);
    const exp = (JSON.parse(atob(jar.fp_access!.value.split(".")[1]!.replaceAll("-", "+").replaceAll("_", "/"))) as { exp: number }).exp;
    const live = await openUrl(`${ORIGIN}/api/live?ticket=${await ticketFor({ cookie, origin: ORIGIN })}`);
    expect(live.response.status).toBe(101);
    const code = closed(live.ws!);
    const hub = tenantHub(env, tenant.id);
    await runInDurableObject(hub, async (_instance, state) => {
      expect(await state.storage.getAlarm()).toBeLessThanOrEqual(exp * 1000);
      closeExpiredSessions(state, exp * 1000);
    });
    expect(await code).toBe(SESSION_ENDED);
    freezeClock(exp * 1000 + 1000);
    expect((await call("GET", "/api/me", { headers: { cookie } })).status).toBe(401);
  });
});

describe("tickets in URLs", () => {
  it("a live ticket opens one socket once; a second use, an unknown or an expired ticket is 401", async () => {
    const tenant = await createTenant();
    const bearer = { authorization: `Bearer ${tenant.admin.token}` };
    const ticket = await ticketFor(bearer);
    const first = await openUrl(`${ORIGIN}/api/live?ticket=${ticket}`);
    expect(first.response.status).toBe(101);
    await until(first.ws!, first.messages, () => first.messages.some((m) => m.type === "hello"));
    expect((await openUrl(`${ORIGIN}/api/live?ticket=${ticket}`)).response.status).toBe(401);
    expect((await openUrl(`${ORIGIN}/api/live?ticket=tk_unknown`)).response.status).toBe(401);
    // SSE takes tickets too, once.
    const sseTicket = await ticketFor(bearer);
    const sse = await exports.default.fetch(new Request(`${ORIGIN}/api/live/sse?ticket=${sseTicket}`));
    expect(sse.status).toBe(200);
    await sse.body?.cancel();
    expect((await exports.default.fetch(new Request(`${ORIGIN}/api/live/sse?ticket=${sseTicket}`))).status).toBe(401);

    const now = freezeClock();
    const late = await ticketFor(bearer);
    vi.setSystemTime(now + 31_000);
    expect((await openUrl(`${ORIGIN}/api/live?ticket=${late}`)).response.status).toBe(401);
    first.ws!.close(1000, "done");
  });

  it("a ticket's socket closes when its sign-in is logged out", async () => {
    const tenant = await createTenant();
    const issued = await bearerLogin(tenant);
    const live = await openUrl(`${ORIGIN}/api/live?ticket=${await ticketFor({ authorization: `Bearer ${issued.token}` })}`);
    const code = closed(live.ws!);
    expect((await call("POST", "/api/auth/logout", { token: issued.token })).status).toBe(204);
    expect(await code).toBe(SESSION_ENDED);
  });
});

describe("the technician's live stream", () => {
  it("carries only work orders the technician may read: open ones and its own", async () => {
    const tenant = await createTenant();
    const { V1 } = await addVehicles(tenant, ["V1"]);
    const tech = await userWithRole(tenant, "technician");
    const record = await call("POST", "/api/technicians", {
      token: tenant.admin.token,
      body: { name: "Ana", skills: [], shifts: [], timeZone: "UTC", userId: tech.id },
    });
    expect(record.status).toBe(201);
    const technicianId = ((await record.json()) as { id: string }).id;

    const techLive = await openUrl(`${ORIGIN}/api/live?ticket=${await ticketFor({ authorization: `Bearer ${tech.token}` })}`);
    const adminLive = await openUrl(`${ORIGIN}/api/live?ticket=${await ticketFor({ authorization: `Bearer ${tenant.admin.token}` })}`);
    const create = async (title: string) => {
      const res = await call("POST", "/api/work-orders", {
        token: tenant.admin.token,
        body: { vehicleId: V1!.id, title, priority: "normal" },
      });
      expect(res.status).toBe(201);
      return ((await res.json()) as { id: string }).id;
    };
    const patch = async (id: string, body: unknown) =>
      expect((await call("PATCH", `/api/work-orders/${id}`, { token: tenant.admin.token, body })).status).toBe(200);
    const own = await create("Own job");
    const others = await create("Someone else's job");
    await patch(own, { technicianId });
    await patch(own, { status: "cancelled", notes: "own note" });
    await patch(others, { status: "cancelled", notes: "secret note", costCents: 12_345 });

    const orders = (m: Record<string, unknown>[]) =>
      m.filter((x) => x.type === "workorder.updated").map((x) => x.workOrder as { id: string; status: string; notes?: string });
    // The admin sees every change; once it has the last one, the technician's socket has had its chance too.
    await until(adminLive.ws!, adminLive.messages, () =>
      orders(adminLive.messages).some((w) => w.id === others && w.status === "cancelled"),
    );
    await until(techLive.ws!, techLive.messages, () => orders(techLive.messages).some((w) => w.id === own && w.status === "cancelled"));
    // A heartbeat round trip on the technician's socket: anything sent before it has arrived.
    await new Promise<void>((resolve) => {
      techLive.ws!.addEventListener("message", (e) => e.data === HEARTBEAT.response && resolve());
      techLive.ws!.send(HEARTBEAT.request);
    });
    const seen = orders(techLive.messages);
    expect(seen.filter((w) => w.id === others).map((w) => w.status)).toEqual(["open"]);
    expect(seen.some((w) => w.notes === "secret note")).toBe(false);
    expect(JSON.stringify(techLive.messages)).not.toContain("12345");
    techLive.ws!.close(1000, "done");
    adminLive.ws!.close(1000, "done");
  });
});
