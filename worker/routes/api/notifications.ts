import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { decodeCursor, page } from "../../lib/cursor";
import { rejectInvalid } from "../../lib/validation";
import { authorize, STAFF } from "../../middleware/authorize";
import { bearerSecurity, errors, json, listOf } from "../../schemas/common";
import { DeliveryQuery, DeliverySchema } from "../../schemas/notifications";
import { listDeliveries, publicDelivery } from "../../services/notification-settings";

/** /api/notifications: the delivery log (every send to a person or endpoint). */
const tags = ["Notifications"];

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

export const notificationRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid }).openapi(list, async (c) => {
  const { limit, cursor, ...filters } = c.req.valid("query");
  const after = decodeCursor(cursor, 2) as [number, string] | undefined;
  const rows = await listDeliveries(database(c.env.DB), c.get("auth").tenantId, filters, limit, after);
  const result = page(rows, limit, (d) => [d.createdAt, d.id]);
  return c.json({ items: result.items.map(publicDelivery), nextCursor: result.nextCursor }, 200);
});
