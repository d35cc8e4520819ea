import { createRoute, type RouteHandler, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { clientInfo } from "../../lib/client-info";
import { tenantHub } from "../../lib/hub";
import { keyringOf } from "../../lib/keyring";
import { AppError } from "../../lib/problem";
import { authorize } from "../../middleware/authorize";
import { UserSchema } from "../../schemas/accounts";
import { bearerSecurity, errors, IdParam, json } from "../../schemas/common";
import { recordAudit } from "../../services/audit";
import { erasePerson, exportPerson } from "../../services/gdpr";

/**
 * GDPR access and erasure under /api/users/{id} (mounted by ./users.ts; docs/security.md,
 * "Personal data"). Admin only; both leave an audit row.
 */
const Rows = z.array(z.record(z.string(), z.unknown()));

const PersonExport = z
  .object({
    exportedAt: z.string(),
    user: UserSchema.extend({ createdAt: z.string().nullable() }),
    alertComments: Rows,
    alertsAcknowledged: Rows,
    auditLog: Rows,
    pushSubscriptions: Rows,
    notificationPreferences: z.record(z.string(), z.unknown()).nullable(),
    inbox: Rows,
  })
  .openapi("PersonExport");

const PersonErased = z
  .object({ userId: z.string(), erased: z.literal(true), pushSubscriptionsRemoved: z.number().int() })
  .openapi("PersonErased");

export const exportUserRoute = createRoute({
  method: "get",
  path: "/{id}/export",
  summary: "Export everything held about a person (admin; GDPR access)",
  tags: ["Users"],
  security: bearerSecurity,
  middleware: [authorize(["admin"])] as const,
  request: { params: IdParam },
  responses: { 200: json(PersonExport, "The person's data"), 401: errors[401], 403: errors[403], 404: errors[404] },
});

export const eraseUserRoute = createRoute({
  method: "post",
  path: "/{id}/erase",
  summary: "Erase a person (admin; GDPR erasure): personal fields erased, sessions revoked, subscriptions removed",
  tags: ["Users"],
  security: bearerSecurity,
  middleware: [authorize(["admin"])] as const,
  request: { params: IdParam },
  responses: { 200: json(PersonErased, "Erased"), 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409] },
});

export const exportUser: RouteHandler<typeof exportUserRoute, AppEnv> = async (c) => {
  const auth = c.get("auth");
  const { id } = c.req.valid("param");
  const db = database(c.env.DB);
  const data = await exportPerson(db, keyringOf(c.env), auth.tenantId, id);
  // A read, so the audit middleware does not see it: recorded here.
  await recordAudit(db, {
    tenantId: auth.tenantId,
    actorId: auth.userId,
    action: "user.export",
    targetType: "user",
    targetId: id,
    ...clientInfo(c),
  });
  return c.json(data, 200);
};

export const eraseUser: RouteHandler<typeof eraseUserRoute, AppEnv> = async (c) => {
  const auth = c.get("auth");
  const { id } = c.req.valid("param");
  if (id === auth.userId) throw new AppError("conflict", "You cannot erase yourself: another admin must.");
  const result = await erasePerson(database(c.env.DB), keyringOf(c.env), auth.tenantId, id);
  await tenantHub(c.env, auth.tenantId).endSessions(auth.tenantId, id);
  c.set("audit", { action: "user.erase", targetType: "user", targetId: id, detail: result });
  return c.json({ userId: id, erased: true as const, ...result }, 200);
};
