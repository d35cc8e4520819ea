import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { decodeCursor, page } from "../../lib/cursor";
import { iso } from "../../lib/time";
import { rejectInvalid } from "../../lib/validation";
import { authorize } from "../../middleware/authorize";
import { bearerSecurity, errors, IsoDate, json, listOf, PageQuery } from "../../schemas/common";
import { listAudit } from "../../services/audit";

const AuditEntry = z
  .object({
    id: z.string(),
    actorId: z.string().nullable(),
    action: z.string(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()).nullable(),
    at: z.string(),
  })
  .openapi("AuditEntry");

const list = createRoute({
  method: "get",
  path: "/",
  summary: "Who did what, when, from where (admin), newest first",
  tags: ["Audit"],
  security: bearerSecurity,
  middleware: [authorize(["admin"])] as const,
  request: { query: PageQuery.extend({ from: IsoDate.optional(), to: IsoDate.optional() }) },
  responses: { 200: json(listOf(AuditEntry, "AuditList"), "Audit entries"), 400: errors[400], 401: errors[401], 403: errors[403] },
});

export const auditRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid }).openapi(list, async (c) => {
  const { limit, cursor, from, to } = c.req.valid("query");
  const after = decodeCursor(cursor, 2) as [number, string] | undefined;
  const rows = await listAudit(database(c.env.DB), c.get("auth").tenantId, {
    limit,
    after,
    from: from ? Date.parse(from) : undefined,
    to: to ? Date.parse(to) : undefined,
  });
  const result = page(rows, limit, (row) => [row.createdAt, row.id]);
  const items = result.items.map(({ tenantId: _tenant, createdAt, ...row }) => ({ ...row, at: iso(createdAt) }));
  return c.json({ items, nextCursor: result.nextCursor }, 200);
});
