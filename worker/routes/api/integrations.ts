import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { iso } from "../../lib/time";
import { rejectInvalid } from "../../lib/validation";
import { authorize } from "../../middleware/authorize";
import { RotatedSecret } from "../../schemas/accounts";
import { bearerSecurity, errors, json } from "../../schemas/common";
import { rotateWebhookSecret } from "../../services/tenants";

const rotate = createRoute({
  method: "post",
  path: "/webhook-secret/rotate",
  summary: "Rotate the telemetry webhook secret (the old one stays valid for 24 h)",
  tags: ["Integrations"],
  security: bearerSecurity,
  middleware: [authorize(["admin"])] as const,
  responses: { 200: json(RotatedSecret, "The new secret, shown only this once"), 401: errors[401], 403: errors[403] },
});

export const integrationRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid }).openapi(rotate, async (c) => {
  const { tenantId } = c.get("auth");
  const rotated = await rotateWebhookSecret(database(c.env.DB), c.env.ENCRYPTION_KEY, tenantId);
  c.set("audit", { action: "webhook_secret.rotate", targetType: "tenant", targetId: tenantId });
  return c.json({ webhookSecret: rotated.webhookSecret, previousSecretValidUntil: iso(rotated.previousValidUntil) }, 200);
});
