import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { clientInfo } from "../../lib/client-info";
import { tenantHub } from "../../lib/hub";
import { verifyToken } from "../../lib/jwt";
import { rejectInvalid } from "../../lib/validation";
import { ANY_ROLE, authorize, bearerToken } from "../../middleware/authorize";
import { LoginBody, LoginResult } from "../../schemas/accounts";
import { bearerSecurity, errors, json, jsonBody } from "../../schemas/common";
import { badCredentialsResponse, login, logout } from "../../services/auth";

const loginRoute = createRoute({
  method: "post",
  path: "/login",
  summary: "Sign in and receive a JWT",
  tags: ["Auth"],
  request: jsonBody(LoginBody),
  responses: {
    200: json(LoginResult, "Signed in"),
    400: errors[400],
    401: errors[401],
    429: errors[429],
  },
});

const logoutRoute = createRoute({
  method: "post",
  path: "/logout",
  summary: "End this token: it answers 401 afterwards and live sockets opened with it close",
  tags: ["Auth"],
  security: bearerSecurity,
  middleware: [authorize(ANY_ROLE)] as const,
  responses: { 204: { description: "Signed out" }, 401: errors[401] },
});

export const authRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  .openapi(loginRoute, async (c) => {
    const result = await login(database(c.env.DB), c.env, c.req.valid("json"), clientInfo(c));
    if (!result.ok) return badCredentialsResponse(new URL(c.req.url).origin) as never;
    return c.json({ token: result.token, expiresAt: new Date(result.exp * 1000).toISOString(), user: result.user }, 200);
  })
  .openapi(logoutRoute, async (c) => {
    // authorize has verified this token; its id and expiry are what logout records.
    const claims = (await verifyToken(bearerToken(c.req.header("authorization"))!, c.env.JWT_SECRET))!;
    await logout(database(c.env.DB), claims);
    await tenantHub(c.env, claims.tenantId).endSessions(claims.tenantId, claims.userId, claims.jti);
    c.set("audit", { action: "auth.logout", targetType: "user", targetId: claims.userId });
    return c.body(null, 204);
  });
