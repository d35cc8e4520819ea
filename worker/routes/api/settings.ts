import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { rejectInvalid } from "../../lib/validation";
import { authorize } from "../../middleware/authorize";
import { bearerSecurity, errors, json, jsonBody } from "../../schemas/common";
import { SettingsBody } from "../../schemas/notifications";
import { putSettings } from "../../services/notification-settings";

/** /api/settings: tenant-wide alerting settings. */
const settingsRoute = createRoute({
  method: "put",
  path: "/",
  summary: "Tenant settings: notification grouping window",
  tags: ["Alerting"],
  security: bearerSecurity,
  middleware: [authorize(["admin", "manager"])] as const,
  request: jsonBody(SettingsBody),
  responses: { 200: json(SettingsBody, "Stored"), 400: errors[400], 401: errors[401], 403: errors[403] },
});

export const settingsRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid }).openapi(settingsRoute, async (c) => {
  const { tenantId } = c.get("auth");
  const stored = await putSettings(database(c.env.DB), tenantId, c.req.valid("json").groupWaitSeconds);
  c.set("audit", { action: "settings.update", targetType: "tenant", targetId: tenantId, detail: stored });
  return c.json(stored, 200);
});
