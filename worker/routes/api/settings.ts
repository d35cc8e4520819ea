import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { tenants } from "../../db/schema";
import { rejectInvalid } from "../../lib/validation";
import { authorize } from "../../middleware/authorize";
import { bearerSecurity, errors, json, jsonBody } from "../../schemas/common";
import { SettingsBody } from "../../schemas/notifications";
import { putSettings } from "../../services/notification-settings";
import { putRetentionDays, RetentionPatch, RetentionSettings, retentionDays } from "../../services/retention-settings";

/** /api/settings: tenant-wide alerting settings and retention windows. */
const editors = authorize(["admin", "manager"]);

/** Every field optional: a PUT changes what it names and leaves the rest. */
const SettingsPut = SettingsBody.partial().extend({ retention: RetentionPatch.optional() }).openapi("TenantSettingsUpdate");
const SettingsView = z.object({ groupWaitSeconds: z.number().int(), retention: RetentionSettings }).openapi("TenantSettingsView");

const readRoute = createRoute({
  method: "get",
  path: "/",
  summary: "Tenant settings: notification grouping window and retention windows (defaults filled in)",
  tags: ["Alerting"],
  security: bearerSecurity,
  middleware: [editors] as const,
  responses: { 200: json(SettingsView, "The settings in force"), 401: errors[401], 403: errors[403] },
});

const settingsRoute = createRoute({
  method: "put",
  path: "/",
  summary: "Tenant settings: notification grouping window, retention windows (each field optional)",
  tags: ["Alerting"],
  security: bearerSecurity,
  middleware: [editors] as const,
  request: jsonBody(SettingsPut),
  responses: { 200: json(SettingsView, "Stored; the settings in force"), 400: errors[400], 401: errors[401], 403: errors[403] },
});

async function currentSettings(db: ReturnType<typeof database>, tenantId: string) {
  const [row] = await db.select({ groupWaitSeconds: tenants.groupWaitSeconds }).from(tenants).where(eq(tenants.id, tenantId));
  return { groupWaitSeconds: row?.groupWaitSeconds ?? 30, retention: await retentionDays(db, tenantId) };
}

export const settingsRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  .openapi(readRoute, async (c) => c.json(await currentSettings(database(c.env.DB), c.get("auth").tenantId), 200))
  .openapi(settingsRoute, async (c) => {
    const { tenantId } = c.get("auth");
    const db = database(c.env.DB);
    const body = c.req.valid("json");
    if (body.groupWaitSeconds !== undefined) await putSettings(db, tenantId, body.groupWaitSeconds);
    if (body.retention) await putRetentionDays(db, tenantId, body.retention);
    const stored = await currentSettings(db, tenantId);
    c.set("audit", { action: "settings.update", targetType: "tenant", targetId: tenantId, detail: body });
    return c.json(stored, 200);
  });
