import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { rejectInvalid } from "../../lib/validation";
import { authorize } from "../../middleware/authorize";
import { bearerSecurity, errors, json, jsonBody } from "../../schemas/common";
import { SettingsBody, SettingsSchema } from "../../schemas/notifications";
import { getSettings, putSettings } from "../../services/notification-settings";

/** /api/settings: tenant-wide alerting settings. */
const settingsRoute = createRoute({
  method: "put",
  path: "/",
  summary: "Tenant settings: notification grouping window, fallback channels (the fields given change)",
  tags: ["Alerting"],
  security: bearerSecurity,
  middleware: [authorize(["admin", "manager"])] as const,
  request: jsonBody(SettingsBody),
  responses: { 200: json(SettingsSchema, "Stored"), 400: errors[400], 401: errors[401], 403: errors[403] },
});

const readSettingsRoute = createRoute({
  method: "get",
  path: "/",
  summary: "Tenant settings (admin, manager)",
  tags: ["Alerting"],
  security: bearerSecurity,
  middleware: [authorize(["admin", "manager"])] as const,
  responses: { 200: json(SettingsSchema, "Settings"), 401: errors[401], 403: errors[403] },
});

export const settingsRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  .openapi(settingsRoute, async (c) => {
    const { tenantId } = c.get("auth");
    const stored = await putSettings(database(c.env.DB), tenantId, c.req.valid("json"));
    c.set("audit", { action: "settings.update", targetType: "tenant", targetId: tenantId, detail: stored });
    return c.json(stored, 200);
  })
  .openapi(readSettingsRoute, async (c) => c.json(await getSettings(database(c.env.DB), c.get("auth").tenantId), 200));
