import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { clientInfo } from "../../lib/client-info";
import { sameOrigin, secure, setSessionCookies } from "../../lib/session-cookies";
import { rejectInvalid } from "../../lib/validation";
import { authorize } from "../../middleware/authorize";
import { CookieSession, LoginResult, Role, Slug } from "../../schemas/accounts";
import { bearerSecurity, errors, json, jsonBody, ProblemSchema } from "../../schemas/common";
import {
  deleteSsoSettings,
  exchangeTicket,
  findSsoSettings,
  finishSignIn,
  publicSsoSettings,
  SSO_CALLBACK_PATH,
  saveSsoSettings,
  ssoEnabled,
  startSignIn,
  ticketSession,
} from "../../services/oidc";
import { ACCESS_TTL_SECONDS } from "../../services/refresh-sessions";
import { AppError } from "../../lib/problem";

/** /api/sso: per-tenant OIDC single sign-on (docs/security.md#single-sign-on). */
const admins = authorize(["admin"]);
const tags = ["Single sign-on"];
/** Binds the flow to the browser that started it (login CSRF): only sent back to /api/sso. */
const STATE_COOKIE = "fp_sso_state";
const problem302 = { description: "Redirect", headers: z.object({ location: z.string() }) };
const unavailable = {
  description: "The identity provider cannot be reached",
  content: { "application/problem+json": { schema: ProblemSchema } },
};

/** The one redirect URI of this deployment, to register at each tenant's provider. */
const redirectUri = (c: Context<AppEnv>) => `${new URL(c.req.url).origin}${SSO_CALLBACK_PATH}`;

const SsoSettings = z
  .object({
    issuer: z.string(),
    clientId: z.string(),
    defaultRole: Role,
    redirectUri: z.string().openapi({ description: "Register this as the client's redirect URI at the provider" }),
    updatedAt: z.string(),
  })
  .openapi("SsoSettings");

const SsoSettingsBody = z
  .strictObject({
    issuer: z.url().max(512).openapi({ example: "https://login.acme.example/realms/fleet" }),
    clientId: z.string().trim().min(1).max(256),
    clientSecret: z.string().min(1).max(1024).openapi({ description: "Stored encrypted; never returned" }),
    defaultRole: Role.exclude(["admin"]).openapi({ description: "Role of users created at their first sign-in (never admin)" }),
  })
  .openapi("SsoSettingsInput");

const getSettings = createRoute({
  method: "get",
  path: "/settings",
  summary: "The tenant's OIDC provider (admin); never the client secret",
  tags,
  security: bearerSecurity,
  middleware: [admins] as const,
  responses: { 200: json(SsoSettings, "Settings"), 401: errors[401], 403: errors[403], 404: errors[404] },
});

const putSettings = createRoute({
  method: "put",
  path: "/settings",
  summary: "Set the tenant's OIDC provider (admin); the issuer's discovery document is checked",
  tags,
  security: bearerSecurity,
  middleware: [admins] as const,
  request: jsonBody(SsoSettingsBody),
  responses: { 200: json(SsoSettings, "Saved"), 400: errors[400], 401: errors[401], 403: errors[403] },
});

const deleteSettings = createRoute({
  method: "delete",
  path: "/settings",
  summary: "Turn single sign-on off (admin); users keep their accounts",
  tags,
  security: bearerSecurity,
  middleware: [admins] as const,
  responses: { 204: { description: "Removed" }, 401: errors[401], 403: errors[403], 404: errors[404] },
});

const start = createRoute({
  method: "get",
  path: "/start",
  summary: "Start signing in with the organization's identity provider: redirects there (PKCE, state, nonce)",
  tags,
  request: { query: z.object({ tenant: Slug }) },
  responses: { 302: problem302, 400: errors[400], 404: errors[404], 503: unavailable },
});

const callback = createRoute({
  method: "get",
  path: "/callback",
  summary: "Where the provider sends the browser back; redirects to the app with a single-use ticket in the fragment",
  tags,
  request: { query: z.object({ state: z.string().max(512).optional(), code: z.string().max(2048).optional() }).passthrough() },
  responses: { 303: problem302, 401: errors[401], 403: errors[403], 503: unavailable },
});

const exchange = createRoute({
  method: "post",
  path: "/exchange",
  summary: "Trade the single-use ticket (valid 60 s) for a session, as password sign-in answers",
  tags,
  request: jsonBody(z.strictObject({ ticket: z.string().min(1).max(128) }).openapi("SsoTicket")),
  responses: { 200: json(LoginResult, "Signed in"), 400: errors[400], 401: errors[401] },
});

const available = createRoute({
  method: "get",
  path: "/available",
  summary: "Whether an organization offers single sign-on (the app's sign-in screen); false for an unknown one",
  tags,
  request: { query: z.object({ tenant: Slug }) },
  responses: { 200: json(z.object({ enabled: z.boolean() }).openapi("SsoAvailable"), "Offered or not"), 400: errors[400] },
});

const session = createRoute({
  method: "post",
  path: "/session",
  summary: "The app trades the single-use ticket (valid 60 s) for its cookie session (HttpOnly, SameSite=Strict); same origin only",
  tags,
  request: jsonBody(z.strictObject({ ticket: z.string().min(1).max(128) }).openapi("SsoSessionTicket")),
  responses: { 200: json(CookieSession, "Signed in; cookies set"), 400: errors[400], 401: errors[401], 403: errors[403] },
});

/** What the app's /sign-in/sso page says for a failed callback (the fragment, never a log). */
const callbackError = (error: unknown) =>
  error instanceof AppError && error.code === "forbidden"
    ? "unverified"
    : error instanceof AppError && error.code === "unavailable"
      ? "unavailable"
      : "failed";

export const ssoRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  .openapi(getSettings, async (c) => {
    const row = await findSsoSettings(database(c.env.DB), c.get("auth").tenantId);
    if (!row) throw new AppError("not_found", "Single sign-on is not set up.");
    return c.json(publicSsoSettings(row, redirectUri(c)), 200);
  })
  .openapi(putSettings, async (c) => {
    const body = c.req.valid("json");
    const row = await saveSsoSettings(database(c.env.DB), c.env, c.get("auth").tenantId, body);
    c.set("audit", {
      action: "sso.settings",
      targetType: "tenant",
      targetId: row.tenantId,
      detail: { issuer: row.issuer, clientId: row.clientId, defaultRole: row.defaultRole },
    });
    return c.json(publicSsoSettings(row, redirectUri(c)), 200);
  })
  .openapi(deleteSettings, async (c) => {
    const tenantId = c.get("auth").tenantId;
    await deleteSsoSettings(database(c.env.DB), tenantId);
    c.set("audit", { action: "sso.settings_delete", targetType: "tenant", targetId: tenantId });
    return c.body(null, 204);
  })
  .openapi(start, async (c) => {
    const { url, state } = await startSignIn(database(c.env.DB), c.env, c.req.valid("query").tenant, redirectUri(c));
    setCookie(c, STATE_COOKIE, state, { httpOnly: true, secure: secure(c), sameSite: "Lax", path: "/api/sso", maxAge: 600 });
    return c.redirect(url, 302) as never;
  })
  .openapi(callback, async (c) => {
    let ticket: string;
    try {
      ticket = await finishSignIn(
        database(c.env.DB),
        c.env.DB,
        c.env,
        new URL(c.req.url),
        getCookie(c, STATE_COOKIE),
        redirectUri(c),
        clientInfo(c),
      );
    } catch (error) {
      // A browser (it asks for HTML) goes back to the app, which says what happened; API clients get the problem.
      if (!c.req.header("accept")?.includes("text/html")) throw error;
      deleteCookie(c, STATE_COOKIE, { path: "/api/sso", secure: secure(c) });
      return c.redirect(`${c.env.APP_URL}/sign-in/sso#error=${callbackError(error)}`, 303) as never;
    }
    deleteCookie(c, STATE_COOKIE, { path: "/api/sso", secure: secure(c) });
    // In the fragment: it never reaches a server log; the app posts it to /api/sso/exchange.
    return c.redirect(`${c.env.APP_URL}/sign-in/sso#ticket=${ticket}`, 303) as never;
  })
  .openapi(available, async (c) => {
    c.header("cache-control", "no-store");
    return c.json({ enabled: await ssoEnabled(database(c.env.DB), c.req.valid("query").tenant) }, 200);
  })
  .openapi(session, async (c) => {
    // Login CSRF: only the app's own page may turn a ticket into this browser's session.
    if (!sameOrigin(c)) throw new AppError("forbidden", "This request must come from the app's own origin (CSRF protection).");
    const started = await ticketSession(database(c.env.DB), c.env.DB, c.env, c.req.valid("json").ticket, clientInfo(c), {
      accessTtlSeconds: ACCESS_TTL_SECONDS,
    });
    setSessionCookies(
      c,
      { token: started.token, exp: started.exp },
      { token: started.refresh.refreshToken, expiresAt: started.refresh.expiresAt },
    );
    c.header("cache-control", "no-store");
    return c.json(
      {
        user: started.user,
        expiresAt: new Date(started.exp * 1000).toISOString(),
        expiresInSeconds: Math.max(0, started.exp - Math.floor(Date.now() / 1000)),
        refreshExpiresAt: new Date(started.refresh.expiresAt).toISOString(),
      },
      200,
    );
  })
  .openapi(exchange, async (c) => {
    const session = await exchangeTicket(database(c.env.DB), c.env.DB, c.env, c.req.valid("json").ticket, clientInfo(c));
    return c.json(session, 200);
  });
