import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { safeEqual } from "../../lib/crypto";
import { keyringOf } from "../../lib/keyring";
import { AppError } from "../../lib/problem";
import { rejectInvalid } from "../../lib/validation";
import { bearerToken } from "../../middleware/authorize";
import { CreateTenantBody, TenantCreated } from "../../schemas/accounts";
import { errors, json, jsonBody } from "../../schemas/common";
import { createTenant } from "../../services/tenants";

/** Platform endpoints take only `PLATFORM_ADMIN_TOKEN`, compared in constant time; tenant JWTs get 401. */
const platformAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearerToken(c.req.header("authorization"));
  const expected = c.env.PLATFORM_ADMIN_TOKEN;
  if (!token || !expected || !safeEqual(token, expected)) {
    throw new AppError("unauthorized", "The platform admin token is required.");
  }
  await next();
});

const create = createRoute({
  method: "post",
  path: "/tenants",
  summary: "Create a tenant and its first admin",
  tags: ["Platform"],
  security: [{ platformToken: [] }],
  middleware: [platformAdmin] as const,
  request: jsonBody(CreateTenantBody),
  responses: {
    201: json(TenantCreated, "Created; `webhookSecret` is shown only this once"),
    400: errors[400],
    401: errors[401],
    409: errors[409],
  },
});

export const adminRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid }).openapi(create, async (c) => {
  const body = c.req.valid("json");
  const created = await createTenant(database(c.env.DB), keyringOf(c.env), body);
  c.set("audit", {
    action: "tenant.create",
    tenantId: created.tenant.id,
    actorId: "platform",
    targetType: "tenant",
    targetId: created.tenant.id,
    detail: { slug: body.slug, adminUserId: created.adminId },
  });
  return c.json({ tenant: created.tenant, webhookSecret: created.webhookSecret }, 201);
});
