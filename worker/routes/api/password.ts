import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { tenantHub } from "../../lib/hub";
import { keyringOf } from "../../lib/keyring";
import { setSessionCookies } from "../../lib/session-cookies";
import { rejectInvalid } from "../../lib/validation";
import { ANY_ROLE, authorize } from "../../middleware/authorize";
import { Password } from "../../schemas/accounts";
import { bearerSecurity, errors, json, jsonBody } from "../../schemas/common";
import { changePassword } from "../../services/password-change";
import { ACCESS_TTL_SECONDS } from "../../services/refresh-sessions";

/** POST /api/me/password: a person changes its own password (docs/security.md, "Password change"). */
const PasswordChangeBody = z
  .strictObject({
    currentPassword: z.string().min(1).max(256),
    newPassword: Password.openapi({ description: "The same policy as a new user's password: 10 to 256 characters" }),
  })
  .openapi("PasswordChange");

const PasswordChanged = z
  .object({
    token: z.string().optional().openapi({ description: "Bearer clients only (the app gets new cookies instead)" }),
    refreshToken: z.string().optional().openapi({ description: "Bearer clients only: the new sign-in's refresh token" }),
    expiresAt: z.string(),
    expiresInSeconds: z.number().int(),
    refreshExpiresAt: z.string(),
  })
  .openapi("PasswordChanged");

const changeRoute = createRoute({
  method: "post",
  path: "/",
  summary:
    "Change your password: every older token, refresh token and live socket of yours ends; the answer (or, for the app, its cookies) is a new sign-in",
  tags: ["Auth"],
  security: bearerSecurity,
  middleware: [authorize(ANY_ROLE)] as const,
  request: jsonBody(PasswordChangeBody),
  responses: {
    200: json(PasswordChanged, "Changed; signed in afresh"),
    400: errors[400],
    401: errors[401],
    403: errors[403],
    409: errors[409],
    429: errors[429],
  },
});

const iso = (ms: number) => new Date(ms).toISOString();

export const passwordRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid }).openapi(changeRoute, async (c) => {
  const auth = c.get("auth");
  const bearer = /^Bearer\s/i.test(c.req.header("authorization") ?? "");
  const fresh = await changePassword(
    database(c.env.DB),
    c.env,
    keyringOf(c.env),
    auth,
    c.req.valid("json"),
    bearer ? undefined : ACCESS_TTL_SECONDS,
  );
  // Every socket of the user closes (4001); the app reconnects with a ticket of its new session.
  await tenantHub(c.env, auth.tenantId).endSessions(auth.tenantId, auth.userId);
  c.set("audit", { action: "user.password_change", targetType: "user", targetId: auth.userId });
  c.header("cache-control", "no-store");
  const times = {
    expiresAt: iso(fresh.exp * 1000),
    expiresInSeconds: Math.max(0, fresh.exp - Math.floor(Date.now() / 1000)),
    refreshExpiresAt: iso(fresh.refresh.expiresAt),
  };
  if (bearer) return c.json({ token: fresh.token, refreshToken: fresh.refresh.refreshToken, ...times }, 200);
  setSessionCookies(c, { token: fresh.token, exp: fresh.exp }, { token: fresh.refresh.refreshToken, expiresAt: fresh.refresh.expiresAt });
  return c.json(times, 200);
});
