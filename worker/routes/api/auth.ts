import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { clientInfo } from "../../lib/client-info";
import { tenantHub } from "../../lib/hub";
import { verifyToken } from "../../lib/jwt";
import { AppError } from "../../lib/problem";
import { clearSessionCookies, refreshCookie, sameOrigin, setSessionCookies } from "../../lib/session-cookies";
import { rejectInvalid } from "../../lib/validation";
import { ANY_ROLE, authorize } from "../../middleware/authorize";
import { requestToken } from "../../middleware/request-token";
import { CookieSession, LoginBody, LoginResult } from "../../schemas/accounts";
import { bearerSecurity, errors, json, jsonBody } from "../../schemas/common";
import { recordAudit } from "../../services/audit";
import { badCredentialsResponse, login, logout } from "../../services/auth";
import { ACCESS_TTL_SECONDS, rotate } from "../../services/refresh-sessions";

const iso = (ms: number) => new Date(ms).toISOString();
/** Seconds until a token's `exp` (epoch seconds). */
const secondsLeft = (exp: number) => Math.max(0, exp - Math.floor(Date.now() / 1000));

const BearerLoginResult = LoginResult.extend({
  refreshToken: z.string().openapi({ description: "Single use: POST it to /api/auth/refresh for a new token and the next refresh token" }),
  refreshExpiresAt: z.string().openapi({ description: "End of this sign-in: no refresh goes past it" }),
}).openapi("BearerLoginResult");

const RefreshBody = z.strictObject({ refreshToken: z.string().min(1).max(200).optional() }).openapi("RefreshBody");
const RefreshResult = z
  .object({
    token: z.string().optional().openapi({ description: "Bearer clients only (a cookie refresh sets the cookies instead)" }),
    refreshToken: z.string().optional().openapi({ description: "Bearer clients only: the next refresh token" }),
    expiresAt: z.string(),
    expiresInSeconds: z.number().int(),
    refreshExpiresAt: z.string(),
  })
  .openapi("RefreshResult");

const loginRoute = createRoute({
  method: "post",
  path: "/login",
  summary: "Sign in and receive a JWT (and a single-use refresh token)",
  tags: ["Auth"],
  request: jsonBody(LoginBody),
  responses: {
    200: json(BearerLoginResult, "Signed in"),
    400: errors[400],
    401: errors[401],
    429: errors[429],
  },
});

const sessionRoute = createRoute({
  method: "post",
  path: "/session",
  summary: "Sign in the app: HttpOnly SameSite=Strict cookies (15-minute access, refresh), no token in the body",
  tags: ["Auth"],
  request: jsonBody(LoginBody),
  responses: {
    200: json(CookieSession, "Signed in; cookies set"),
    400: errors[400],
    401: errors[401],
    403: errors[403],
    429: errors[429],
  },
});

const refreshRoute = createRoute({
  method: "post",
  path: "/refresh",
  summary:
    "Rotate a refresh token (body, or the app's cookie): a new access token and the next refresh token; reusing a rotated one ends the sign-in",
  tags: ["Auth"],
  request: { body: { required: false, content: { "application/json": { schema: RefreshBody } } } },
  responses: {
    200: json(RefreshResult, "Refreshed"),
    400: errors[400],
    401: errors[401],
    403: errors[403],
  },
});

const logoutRoute = createRoute({
  method: "post",
  path: "/logout",
  summary: "End this token and its sign-in: both answer 401 afterwards and live sockets opened with them close",
  tags: ["Auth"],
  security: bearerSecurity,
  middleware: [authorize(ANY_ROLE)] as const,
  responses: { 204: { description: "Signed out" }, 401: errors[401], 403: errors[403] },
});

/** Cookie routes take part in CSRF protection like every cookie-authenticated change. */
function requireSameOrigin(c: Context) {
  if (!sameOrigin(c)) throw new AppError("forbidden", "This request must come from the app's own origin (CSRF protection).");
}

export const authRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  .openapi(loginRoute, async (c) => {
    const result = await login(database(c.env.DB), c.env, c.req.valid("json"), clientInfo(c));
    if (!result.ok) return badCredentialsResponse(new URL(c.req.url).origin) as never;
    return c.json(
      {
        token: result.token,
        expiresAt: iso(result.exp * 1000),
        user: result.user,
        refreshToken: result.refresh.refreshToken,
        refreshExpiresAt: iso(result.refresh.expiresAt),
      },
      200,
    );
  })
  .openapi(sessionRoute, async (c) => {
    requireSameOrigin(c);
    const result = await login(database(c.env.DB), c.env, c.req.valid("json"), clientInfo(c), { accessTtlSeconds: ACCESS_TTL_SECONDS });
    if (!result.ok) return badCredentialsResponse(new URL(c.req.url).origin) as never;
    setSessionCookies(
      c,
      { token: result.token, exp: result.exp },
      { token: result.refresh.refreshToken, expiresAt: result.refresh.expiresAt },
    );
    c.header("cache-control", "no-store");
    return c.json(
      {
        user: result.user,
        expiresAt: iso(result.exp * 1000),
        expiresInSeconds: secondsLeft(result.exp),
        refreshExpiresAt: iso(result.refresh.expiresAt),
      },
      200,
    );
  })
  .openapi(refreshRoute, async (c) => {
    const fromBody = c.req.header("content-type")?.includes("json") ? c.req.valid("json")?.refreshToken : undefined;
    if (!fromBody) requireSameOrigin(c);
    const presented = fromBody ?? refreshCookie(c);
    if (!presented) throw new AppError("unauthorized", "A refresh token is required.");
    const result = await rotate(c.env.DB, presented, c.env.JWT_SECRET);
    if (!result.ok) {
      if (!fromBody) clearSessionCookies(c);
      if (result.reason === "reused" && result.tenantId && result.userId && result.familyId) {
        // A rotated token came back: someone holds a copy. The sign-in ends everywhere, sockets included.
        await tenantHub(c.env, result.tenantId).endSessions(result.tenantId, result.userId, result.familyId);
        await recordAudit(database(c.env.DB), {
          tenantId: result.tenantId,
          actorId: result.userId,
          action: "auth.refresh_reused",
          targetType: "user",
          targetId: result.userId,
          ...clientInfo(c),
        });
      }
      throw new AppError("unauthorized", "The refresh token is invalid, used or expired. Please sign in again.");
    }
    const { access, family } = result;
    c.header("cache-control", "no-store");
    if (fromBody) {
      return c.json(
        {
          token: access.token,
          refreshToken: family.refreshToken,
          expiresAt: iso(access.exp * 1000),
          expiresInSeconds: secondsLeft(access.exp),
          refreshExpiresAt: iso(family.expiresAt),
        },
        200,
      );
    }
    setSessionCookies(c, { token: access.token, exp: access.exp }, { token: family.refreshToken, expiresAt: family.expiresAt });
    return c.json(
      { expiresAt: iso(access.exp * 1000), expiresInSeconds: secondsLeft(access.exp), refreshExpiresAt: iso(family.expiresAt) },
      200,
    );
  })
  .openapi(logoutRoute, async (c) => {
    // authorize has verified this token (header or cookie); its id, expiry and family are what logout ends.
    const claims = (await verifyToken(requestToken(c)!, c.env.JWT_SECRET))!;
    await logout(database(c.env.DB), c.env.DB, claims);
    const hub = tenantHub(c.env, claims.tenantId);
    await hub.endSessions(claims.tenantId, claims.userId, claims.jti);
    if (claims.fam) await hub.endSessions(claims.tenantId, claims.userId, claims.fam);
    clearSessionCookies(c);
    c.set("audit", { action: "auth.logout", targetType: "user", targetId: claims.userId });
    return c.body(null, 204);
  });
