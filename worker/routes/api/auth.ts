import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { clientInfo } from "../../lib/client-info";
import { rejectInvalid } from "../../lib/validation";
import { LoginBody, LoginResult } from "../../schemas/accounts";
import { errors, json, jsonBody } from "../../schemas/common";
import { badCredentialsResponse, login } from "../../services/auth";

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

export const authRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid }).openapi(loginRoute, async (c) => {
  const result = await login(database(c.env.DB), c.env, c.req.valid("json"), clientInfo(c));
  if (!result.ok) return badCredentialsResponse(new URL(c.req.url).origin) as never;
  return c.json({ token: result.token, expiresAt: new Date(result.exp * 1000).toISOString(), user: result.user }, 200);
});
