import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { decodeCursor, page } from "../../lib/cursor";
import { fieldError } from "../../lib/problem";
import { iso, isoOrNull } from "../../lib/time";
import { rejectInvalid } from "../../lib/validation";
import { ANY_ROLE, authorize, STAFF } from "../../middleware/authorize";
import { deliverableUrlProblem } from "../../notifications/url-guard";
import { bearerSecurity, errors, IdParam, json, jsonBody, listOf } from "../../schemas/common";
import { DeleteSubscriptionBody, DeliveryQuery, DeliverySchema, InboxItemSchema, PreferencesSchema, PushSubscriptionBody } from "../../schemas/notifications";
import {
  deletePushSubscription,
  getPreferences,
  listDeliveries,
  listInbox,
  markInboxRead,
  publicDelivery,
  putPreferences,
  savePushSubscription,
} from "../../services/notification-settings";

const tags = ["Notifications"];
const anyone = authorize(ANY_ROLE);

const vapidKey = createRoute({
  method: "get",
  path: "/push/vapid-public-key",
  summary: "The VAPID public key browsers subscribe with",
  tags,
  responses: { 200: json(z.object({ key: z.string() }), "base64url, uncompressed P-256 point") },
});
const subscribe = createRoute({
  method: "post",
  path: "/push/subscriptions",
  summary: "Register this browser's push subscription",
  tags,
  security: bearerSecurity,
  middleware: [anyone] as const,
  request: jsonBody(PushSubscriptionBody),
  responses: { 201: json(z.object({ id: z.string(), endpoint: z.string() }), "Registered"), 400: errors[400], 401: errors[401] },
});
const unsubscribe = createRoute({
  method: "delete",
  path: "/push/subscriptions",
  summary: "Remove a push subscription of yours",
  tags,
  security: bearerSecurity,
  middleware: [anyone] as const,
  request: jsonBody(DeleteSubscriptionBody),
  responses: { 204: { description: "Removed" }, 400: errors[400], 401: errors[401], 404: errors[404] },
});
const getPrefs = createRoute({
  method: "get",
  path: "/me/preferences",
  summary: "Your notification preferences (defaults until you save some)",
  tags,
  security: bearerSecurity,
  middleware: [anyone] as const,
  responses: { 200: json(PreferencesSchema, "Preferences"), 401: errors[401] },
});
const putPrefs = createRoute({
  method: "put",
  path: "/me/preferences",
  summary: "Replace your notification preferences",
  tags,
  security: bearerSecurity,
  middleware: [anyone] as const,
  request: jsonBody(PreferencesSchema),
  responses: { 200: json(PreferencesSchema, "What is stored"), 400: errors[400], 401: errors[401] },
});
const inbox = createRoute({
  method: "get",
  path: "/me/inbox",
  summary: "Your in-app notifications, newest first",
  tags,
  security: bearerSecurity,
  middleware: [anyone] as const,
  request: { query: z.object({ unread: z.enum(["true", "false"]).optional(), limit: z.coerce.number().int().min(1).max(500).default(50) }) },
  responses: { 200: json(z.object({ items: z.array(InboxItemSchema), nextCursor: z.null() }), "Inbox"), 400: errors[400], 401: errors[401] },
});
const readItem = createRoute({
  method: "post",
  path: "/me/inbox/{id}/read",
  summary: "Mark an inbox item read",
  tags,
  security: bearerSecurity,
  middleware: [anyone] as const,
  request: { params: IdParam },
  responses: { 200: json(InboxItemSchema, "Marked read"), 401: errors[401], 404: errors[404] },
});
const list = createRoute({
  method: "get",
  path: "/notifications",
  summary: "Deliveries (every send to a person or endpoint), newest first",
  tags,
  security: bearerSecurity,
  middleware: [authorize(STAFF)] as const,
  request: { query: DeliveryQuery },
  responses: { 200: json(listOf(DeliverySchema, "DeliveryList"), "Deliveries"), 400: errors[400], 401: errors[401], 403: errors[403] },
});

const inboxItem = (i: { id: string; alertId: string | null; title: string; body: string; url: string; createdAt: number; readAt: number | null }) => ({
  id: i.id,
  alertId: i.alertId,
  title: i.title,
  body: i.body,
  url: i.url,
  createdAt: iso(i.createdAt),
  readAt: isoOrNull(i.readAt),
});

export const notificationRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  .openapi(vapidKey, (c) => c.json({ key: c.env.VAPID_PUBLIC_KEY }, 200))
  .openapi(subscribe, async (c) => {
    const body = c.req.valid("json");
    const problem = deliverableUrlProblem(body.endpoint, c.env.ENVIRONMENT);
    if (problem) throw fieldError("endpoint", problem);
    const auth = c.get("auth");
    const row = await savePushSubscription(database(c.env.DB), auth.tenantId, auth.userId, body);
    c.set("audit", { action: "push.subscribe", targetType: "push_subscription", targetId: row.id });
    return c.json({ id: row.id, endpoint: row.endpoint }, 201);
  })
  .openapi(unsubscribe, async (c) => {
    const auth = c.get("auth");
    await deletePushSubscription(database(c.env.DB), auth.tenantId, auth.userId, c.req.valid("json").endpoint);
    c.set("audit", { action: "push.unsubscribe", targetType: "push_subscription" });
    return c.body(null, 204);
  })
  .openapi(getPrefs, async (c) => c.json(await getPreferences(database(c.env.DB), c.get("auth").userId), 200))
  .openapi(putPrefs, async (c) => {
    const auth = c.get("auth");
    const stored = await putPreferences(database(c.env.DB), auth.tenantId, auth.userId, c.req.valid("json"));
    c.set("audit", { action: "preferences.update", targetType: "user", targetId: auth.userId });
    return c.json(stored, 200);
  })
  .openapi(inbox, async (c) => {
    const auth = c.get("auth");
    const { unread, limit } = c.req.valid("query");
    const rows = await listInbox(database(c.env.DB), auth.tenantId, auth.userId, limit, unread === "true");
    return c.json({ items: rows.map(inboxItem), nextCursor: null }, 200);
  })
  .openapi(readItem, async (c) => {
    const auth = c.get("auth");
    const row = await markInboxRead(database(c.env.DB), auth.tenantId, auth.userId, c.req.valid("param").id);
    return c.json(inboxItem(row), 200);
  })
  .openapi(list, async (c) => {
    const { limit, cursor, ...filters } = c.req.valid("query");
    const after = decodeCursor(cursor, 2) as [number, string] | undefined;
    const rows = await listDeliveries(database(c.env.DB), c.get("auth").tenantId, filters, limit, after);
    const result = page(rows, limit, (d) => [d.createdAt, d.id]);
    return c.json({ items: result.items.map(publicDelivery), nextCursor: result.nextCursor }, 200);
  });
