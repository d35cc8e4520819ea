import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
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
import { rotateKeys } from "../../services/key-rotation";

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

const RotationResult = z
  .object({
    activeKey: z.string().openapi({ description: "The PII_ACTIVE_KEY every field is being moved to" }),
    activeIndexKey: z
      .string()
      .openapi({ description: "The PII_INDEX_ACTIVE every email blind index is being moved to (i0: PII_INDEX_KEY)" }),
    sealedUsers: z.number().int().openapi({ description: "Users sealed on this call (migration 0023's backfill)" }),
    reencrypted: z.number().int().openapi({ description: "Fields re-encrypted under the active key on this call" }),
    reindexed: z.number().int().openapi({ description: "Email blind indexes recomputed under the active index key on this call" }),
    failed: z
      .number()
      .int()
      .openapi({ description: "Ciphertexts that did not open, or indexes that clashed (logged without their content)" }),
    remaining: z.number().int().openapi({ description: "Fields still to do: call again until 0 (failed ones stay counted)" }),
  })
  .openapi("KeyRotation");

const rotate = createRoute({
  method: "post",
  path: "/keys/rotate",
  summary: "Re-encrypt secrets and personal data under the active key and re-index emails, one page a call (npm run keys:rotate)",
  tags: ["Platform"],
  security: [{ platformToken: [] }],
  middleware: [platformAdmin] as const,
  responses: { 200: json(RotationResult, "One page done"), 401: errors[401] },
});

export const adminRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  .openapi(rotate, async (c) => c.json(await rotateKeys(c.env.DB, database(c.env.DB), keyringOf(c.env)), 200))
  .openapi(create, async (c) => {
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
