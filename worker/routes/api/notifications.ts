import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { decodeCursor, page } from "../../lib/cursor";
import { rejectInvalid } from "../../lib/validation";
import { authorize, STAFF } from "../../middleware/authorize";
import { bearerSecurity, errors, IdParam, json, listOf, PageQuery } from "../../schemas/common";
import { DeliveryQuery, DeliverySchema } from "../../schemas/notifications";
import { listDeliveries, publicDelivery } from "../../services/notification-settings";
import { listDeadJobs, publicDeadJob, redriveDeadJob, redriveDelivery } from "../../services/notifications-admin";

/** /api/notifications: the delivery log (every send to a person or endpoint) and, for admins, dead letters and re-drives. */
const tags = ["Notifications"];
const admins = authorize(["admin"]);

const list = createRoute({
  method: "get",
  path: "/",
  summary: "Deliveries (every send to a person or endpoint), newest first",
  tags,
  security: bearerSecurity,
  middleware: [authorize(STAFF)] as const,
  request: { query: DeliveryQuery },
  responses: { 200: json(listOf(DeliverySchema, "DeliveryList"), "Deliveries"), 400: errors[400], 401: errors[401], 403: errors[403] },
});

const DeadJobSchema = z
  .object({
    id: z.string(),
    type: z.string().openapi({ description: "`alert.raised`, `alert.escalated` or `maintenance.reminder`" }),
    job: z.record(z.string(), z.unknown()).openapi({ description: "The job as it was queued" }),
    status: z.enum(["dead", "redriven"]),
    deaths: z.number().int().openapi({ description: "How many times it ran out of retries" }),
    diedAt: z.string(),
    redrivenAt: z.string().nullable(),
    redrivenBy: z.string().nullable(),
  })
  .openapi("DeadJob");

const listRoute = createRoute({
  method: "get",
  path: "/dead-jobs",
  summary: "Notification jobs that ran out of retries (dead-letter queue), newest first",
  tags,
  security: bearerSecurity,
  middleware: [admins] as const,
  request: { query: PageQuery.extend({ status: z.enum(["dead", "redriven"]).optional() }) },
  responses: { 200: json(listOf(DeadJobSchema, "DeadJobList"), "Dead jobs"), 400: errors[400], 401: errors[401], 403: errors[403] },
});
const redriveJobRoute = createRoute({
  method: "post",
  path: "/dead-jobs/{id}/redrive",
  summary: "Put a dead job back on the queue (409 if already re-driven)",
  tags,
  security: bearerSecurity,
  middleware: [admins] as const,
  request: { params: IdParam },
  responses: { 200: json(DeadJobSchema, "Re-driven"), 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409] },
});
const redriveDeliveryRoute = createRoute({
  method: "post",
  path: "/{id}/redrive",
  summary: "Send a dead delivery again (409 unless dead)",
  tags,
  security: bearerSecurity,
  middleware: [admins] as const,
  request: { params: IdParam },
  responses: { 200: json(DeliverySchema, "Queued again"), 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409] },
});

export const notificationRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  .openapi(list, async (c) => {
    const { limit, cursor, ...filters } = c.req.valid("query");
    const after = decodeCursor(cursor, 2) as [number, string] | undefined;
    const rows = await listDeliveries(database(c.env.DB), c.get("auth").tenantId, filters, limit, after);
    const result = page(rows, limit, (d) => [d.createdAt, d.id]);
    return c.json({ items: result.items.map(publicDelivery), nextCursor: result.nextCursor }, 200);
  })
  .openapi(listRoute, async (c) => {
    const { limit, cursor, status } = c.req.valid("query");
    const after = decodeCursor(cursor, 2) as [number, string] | undefined;
    const rows = await listDeadJobs(c.env, c.get("auth").tenantId, status, limit, after);
    const result = page(rows, limit, (j) => [j.diedAt, j.id]);
    return c.json({ items: result.items.map(publicDeadJob), nextCursor: result.nextCursor }, 200);
  })
  .openapi(redriveJobRoute, async (c) => {
    const auth = c.get("auth");
    const { id } = c.req.valid("param");
    const job = await redriveDeadJob(c.env, auth.tenantId, id, auth.userId);
    c.set("audit", { action: "notification.dead_job.redrive", targetType: "dead_job", targetId: id });
    return c.json(publicDeadJob(job), 200);
  })
  .openapi(redriveDeliveryRoute, async (c) => {
    const { id } = c.req.valid("param");
    const row = await redriveDelivery(c.env, c.get("auth").tenantId, id);
    c.set("audit", { action: "notification.redrive", targetType: "delivery", targetId: id });
    return c.json(publicDelivery(row), 200);
  });
