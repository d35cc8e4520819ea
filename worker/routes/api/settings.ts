import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { rejectInvalid } from "../../lib/validation";
import { authorize } from "../../middleware/authorize";
import { bearerSecurity, errors, json, jsonBody } from "../../schemas/common";
import { SettingsFields } from "../../schemas/notifications";
import { getSettings, putSettings } from "../../services/notification-settings";
import { putRetentionDays, RetentionPatch, RetentionSettings, retentionDays } from "../../services/retention-settings";
import { INGEST_SHARD_COUNTS } from "../../../durable-objects/shards";
import { AppError } from "../../lib/problem";
import { tenantHub } from "../../lib/hub";
import { ingestShardCount, setIngestShardCount } from "../../services/ingest-shards";

/** /api/settings: tenant-wide alerting settings, retention windows and ingest shards. */
const editors = authorize(["admin", "manager"]);

const IngestShards = z
  .number()
  .int()
  .refine((n) => (INGEST_SHARD_COUNTS as readonly number[]).includes(n), "Must be 1, 2, 4 or 8")
  .openapi({
    enum: [...INGEST_SHARD_COUNTS],
    description: "TenantHub objects the tenant's telemetry is spread over by vehicle (docs/ingest-shards.md; admin only)",
  });

/** Every field optional: a PUT changes what it names and leaves the rest. */
const SettingsPut = SettingsFields.extend({ retention: RetentionPatch.optional(), ingestShards: IngestShards.optional() })
  .refine((b) => Object.keys(b).length > 0, "At least one of groupWaitSeconds, fallbackChannels, retention, ingestShards")
  .openapi("TenantSettingsUpdate");
const SettingsView = z
  .object({
    groupWaitSeconds: z.number().int(),
    fallbackChannels: z.boolean(),
    retention: RetentionSettings,
    ingestShards: z.number().int(),
  })
  .openapi("TenantSettingsView");

const readRoute = createRoute({
  method: "get",
  path: "/",
  summary: "Tenant settings: notification grouping window, fallback channels and retention windows (defaults filled in)",
  tags: ["Alerting"],
  security: bearerSecurity,
  middleware: [editors] as const,
  responses: { 200: json(SettingsView, "The settings in force"), 401: errors[401], 403: errors[403] },
});

const settingsRoute = createRoute({
  method: "put",
  path: "/",
  summary: "Tenant settings: notification grouping window, fallback channels, retention windows (each field optional)",
  tags: ["Alerting"],
  security: bearerSecurity,
  middleware: [editors] as const,
  request: jsonBody(SettingsPut),
  responses: { 200: json(SettingsView, "Stored; the settings in force"), 400: errors[400], 401: errors[401], 403: errors[403] },
});

async function currentSettings(db: ReturnType<typeof database>, tenantId: string) {
  return {
    ...(await getSettings(db, tenantId)),
    retention: await retentionDays(db, tenantId),
    ingestShards: await ingestShardCount(db, tenantId),
  };
}

export const settingsRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  .openapi(readRoute, async (c) => c.json(await currentSettings(database(c.env.DB), c.get("auth").tenantId), 200))
  .openapi(settingsRoute, async (c) => {
    const { tenantId, role } = c.get("auth");
    const db = database(c.env.DB);
    const { retention, ingestShards, ...alerting } = c.req.valid("json");
    // Checked before anything is stored: a rejected request changes nothing.
    if (ingestShards !== undefined && role !== "admin") throw new AppError("forbidden", "Only an admin may change ingestShards.");
    if (Object.keys(alerting).length) await putSettings(db, tenantId, alerting);
    if (retention) await putRetentionDays(db, tenantId, retention);
    if (ingestShards !== undefined) {
      const previous = await ingestShardCount(db, tenantId);
      // Vehicles move first (with their state), then D1 says so: until every isolate reads the new
      // count, the shards pass on what reaches the old one (docs/ingest-shards.md).
      if (previous !== ingestShards) await tenantHub(c.env, tenantId).reshard(tenantId, previous, ingestShards);
      await setIngestShardCount(db, tenantId, ingestShards);
    }
    const stored = await currentSettings(db, tenantId);
    c.set("audit", { action: "settings.update", targetType: "tenant", targetId: tenantId, detail: c.req.valid("json") });
    return c.json(stored, 200);
  });
