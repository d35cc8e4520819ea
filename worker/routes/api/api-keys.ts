import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { decodeCursor, page } from "../../lib/cursor";
import { rejectInvalid } from "../../lib/validation";
import { authorize } from "../../middleware/authorize";
import { bearerSecurity, errors, IdParam, json, jsonBody, listOf, PageQuery } from "../../schemas/common";
import { API_KEY_SCOPES, createApiKey, listApiKeys, publicApiKey, revokeApiKey } from "../../services/api-keys";

/** /api/api-keys: keys for machine clients (admin only; docs/security.md#api-keys). */
const admins = authorize(["admin"]);
const tags = ["API keys"];

const Scope = z.enum(API_KEY_SCOPES);

const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().openapi({ description: "The key's public start (`fpk_<16 hex>`), to recognise it; not a secret" }),
    scopes: z.array(z.string()),
    createdBy: z.string().openapi({ description: "The admin the key acts for; the key stops when it is no longer an active admin" }),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable().openapi({ description: "Recorded to the minute" }),
    revokedAt: z.string().nullable(),
  })
  .openapi("ApiKey");

const CreateApiKeyBody = z
  .strictObject({
    name: z.string().trim().min(1).max(120),
    scopes: z.array(Scope).min(1).max(API_KEY_SCOPES.length),
  })
  .openapi("CreateApiKey");

const ApiKeyCreated = ApiKeySchema.extend({
  key: z.string().openapi({ description: "The key (`fpk_…`), shown only in this answer: send it as `Authorization: Bearer <key>`" }),
}).openapi("ApiKeyCreated");

const create = createRoute({
  method: "post",
  path: "/",
  summary: "Create an API key with scopes (admin); the key is shown once",
  tags,
  security: bearerSecurity,
  middleware: [admins] as const,
  request: jsonBody(CreateApiKeyBody),
  responses: { 201: json(ApiKeyCreated, "Created"), 400: errors[400], 401: errors[401], 403: errors[403] },
});

const list = createRoute({
  method: "get",
  path: "/",
  summary: "List the tenant's API keys, newest first (admin); never the keys themselves",
  tags,
  security: bearerSecurity,
  middleware: [admins] as const,
  request: { query: PageQuery },
  responses: { 200: json(listOf(ApiKeySchema, "ApiKeyList"), "API keys"), 400: errors[400], 401: errors[401], 403: errors[403] },
});

const revoke = createRoute({
  method: "delete",
  path: "/{id}",
  summary: "Revoke an API key (admin): it answers 401 from then on",
  tags,
  security: bearerSecurity,
  middleware: [admins] as const,
  request: { params: IdParam },
  responses: { 200: json(ApiKeySchema, "Revoked"), 401: errors[401], 403: errors[403], 404: errors[404] },
});

export const apiKeyRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  .openapi(create, async (c) => {
    const auth = c.get("auth");
    const { row, key } = await createApiKey(database(c.env.DB), auth.tenantId, auth.userId, c.req.valid("json"));
    c.set("audit", { action: "api_key.create", targetType: "api_key", targetId: row.id, detail: { scopes: row.scopes } });
    return c.json({ ...publicApiKey(row), key }, 201);
  })
  .openapi(list, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const after = decodeCursor(cursor, 2) as [number, string] | undefined;
    const rows = await listApiKeys(database(c.env.DB), c.get("auth").tenantId, limit, after);
    const result = page(rows, limit, (row) => [row.createdAt, row.id]);
    return c.json({ items: result.items.map(publicApiKey), nextCursor: result.nextCursor }, 200);
  })
  .openapi(revoke, async (c) => {
    const { id } = c.req.valid("param");
    const row = await revokeApiKey(database(c.env.DB), c.get("auth").tenantId, id);
    c.set("audit", { action: "api_key.revoke", targetType: "api_key", targetId: id });
    return c.json(publicApiKey(row), 200);
  });
