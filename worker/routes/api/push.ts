import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { fieldError } from "../../lib/problem";
import { rejectInvalid } from "../../lib/validation";
import { ANY_ROLE, authorize } from "../../middleware/authorize";
import { deliverableUrlProblem } from "../../notifications/url-guard";
import { bearerSecurity, errors, json, jsonBody } from "../../schemas/common";
import { DeleteSubscriptionBody, PushSubscriptionBody } from "../../schemas/notifications";
import { deletePushSubscription } from "../../services/notification-settings";
import { subscribePush } from "../../services/push-subscriptions";

/** /api/push: Web Push: the VAPID key browsers subscribe with, and the caller's subscriptions. */
const tags = ["Notifications"];
const anyone = authorize(ANY_ROLE);

const vapidKey = createRoute({
  method: "get",
  path: "/vapid-public-key",
  summary: "The VAPID public key browsers subscribe with",
  tags,
  responses: { 200: json(z.object({ key: z.string() }), "base64url, uncompressed P-256 point") },
});

const subscribe = createRoute({
  method: "post",
  path: "/subscriptions",
  summary: "Register this browser's push subscription (at most 10 per user: the oldest beyond go)",
  tags,
  security: bearerSecurity,
  middleware: [anyone] as const,
  request: jsonBody(PushSubscriptionBody),
  responses: { 201: json(z.object({ id: z.string(), endpoint: z.string() }), "Registered"), 400: errors[400], 401: errors[401] },
});

const unsubscribe = createRoute({
  method: "delete",
  path: "/subscriptions",
  summary: "Remove a push subscription of yours",
  tags,
  security: bearerSecurity,
  middleware: [anyone] as const,
  request: jsonBody(DeleteSubscriptionBody),
  responses: { 204: { description: "Removed" }, 400: errors[400], 401: errors[401], 404: errors[404] },
});

export const pushRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  .openapi(vapidKey, (c) => c.json({ key: c.env.VAPID_PUBLIC_KEY }, 200))
  .openapi(subscribe, async (c) => {
    const body = c.req.valid("json");
    const problem = deliverableUrlProblem(body.endpoint, c.env.ENVIRONMENT);
    if (problem) throw fieldError("endpoint", problem);
    const auth = c.get("auth");
    const row = await subscribePush(database(c.env.DB), auth.tenantId, auth.userId, body);
    c.set("audit", { action: "push.subscribe", targetType: "push_subscription", targetId: row.id });
    return c.json({ id: row.id, endpoint: row.endpoint }, 201);
  })
  .openapi(unsubscribe, async (c) => {
    const auth = c.get("auth");
    await deletePushSubscription(database(c.env.DB), auth.tenantId, auth.userId, c.req.valid("json").endpoint);
    c.set("audit", { action: "push.unsubscribe", targetType: "push_subscription" });
    return c.body(null, 204);
  });
