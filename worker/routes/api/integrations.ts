import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { VENDORS, type Vendor } from "../../db/schema";
import { GeotabConfigSchema, MotiveConfigSchema, SamsaraConfigSchema, type VendorConfigs } from "../../integrations/config";
import { tenantHub } from "../../lib/hub";
import { fieldError } from "../../lib/problem";
import { iso, isoOrNull } from "../../lib/time";
import { rejectInvalid } from "../../lib/validation";
import { authorize } from "../../middleware/authorize";
import { deliverableUrlProblem } from "../../notifications/url-guard";
import { RotatedSecret } from "../../schemas/accounts";
import { bearerSecurity, errors, json, jsonBody } from "../../schemas/common";
import { OutboundWebhookBody } from "../../schemas/notifications";
import { listIntegrations, loadIntegration, saveIntegration } from "../../services/integrations";
import { createOutboundWebhook } from "../../services/notification-settings";
import { rotateWebhookSecret } from "../../services/tenants";

/** /api/integrations: the telemetry webhook secret, telematics vendors, and customers' outbound webhooks. */
const rotate = createRoute({
  method: "post",
  path: "/webhook-secret/rotate",
  summary: "Rotate the telemetry webhook secret (the old one stays valid for 24 h)",
  tags: ["Integrations"],
  security: bearerSecurity,
  middleware: [authorize(["admin"])] as const,
  responses: { 200: json(RotatedSecret, "The new secret, shown only this once"), 401: errors[401], 403: errors[403] },
});

/**
 * GET /api/integrations and PUT /api/integrations/{samsara|motive|geotab} (admin). One route per
 * vendor, each with its own strict body; any other vendor is simply no endpoint (404).
 * Credentials go in, never out.
 */
const tags = ["Integrations"];
const base = { tags, security: bearerSecurity, middleware: authorize(["admin"]) };

const VendorEnum = z.enum(VENDORS);
const IntegrationSchema = z
  .object({ vendor: VendorEnum, configured: z.boolean(), updatedAt: z.string().nullable() })
  .openapi("VendorIntegration");
const ConfiguredSchema = z
  .object({ vendor: VendorEnum, configured: z.literal(true), updatedAt: z.string() })
  .openapi("VendorIntegrationConfigured");

const list = createRoute({
  ...base,
  method: "get",
  path: "/",
  summary: "Which telematics vendors the tenant has configured (never their credentials)",
  responses: {
    200: json(z.object({ items: z.array(IntegrationSchema), nextCursor: z.null() }).openapi("VendorIntegrationList"), "The three vendors"),
    401: errors[401],
    403: errors[403],
  },
});

const configureRoute = <S extends z.ZodType>(vendor: Vendor, schema: S, summary: string) =>
  createRoute({
    ...base,
    method: "put",
    path: `/${vendor}`,
    summary,
    request: jsonBody(schema),
    responses: { 200: json(ConfiguredSchema, "Stored encrypted"), 400: errors[400], 401: errors[401], 403: errors[403] },
  });

const putSamsara = configureRoute(
  "samsara",
  SamsaraConfigSchema,
  "Configure Samsara webhooks: the webhook's secret key (base64, as Samsara shows it)",
);
const putMotive = configureRoute("motive", MotiveConfigSchema, "Configure Motive webhooks: the company webhook's shared secret");
const putGeotab = configureRoute("geotab", GeotabConfigSchema, "Configure the MyGeotab poller: server, database and API user");

async function configure<V extends Vendor>(env: Env, tenantId: string, vendor: V, config: VendorConfigs[V]) {
  const db = database(env.DB);
  let resetState = false;
  if (vendor === "geotab") {
    // Feed versions belong to one database on one server; elsewhere they mean nothing.
    const before = await loadIntegration(db, env.ENCRYPTION_KEY, tenantId, "geotab");
    const next = config as VendorConfigs["geotab"];
    resetState = !before || before.config.server !== next.server || before.config.database !== next.database;
  }
  const { updatedAt } = await saveIntegration(db, env.ENCRYPTION_KEY, tenantId, vendor, config, { resetState });
  // Geotab has no push: the tenant's object starts polling on its alarm now.
  if (vendor === "geotab") await tenantHub(env, tenantId).armGeotab(tenantId);
  return { vendor, configured: true as const, updatedAt: iso(updatedAt) };
}

const audit = (vendor: Vendor) => ({ action: "integration.configure", targetType: "integration", targetId: vendor });

const webhookRoute = createRoute({
  method: "post",
  path: "/webhooks",
  summary: "Register a customer endpoint for signed event webhooks (secret shown once)",
  tags: ["Alerting"],
  security: bearerSecurity,
  middleware: [authorize(["admin"])] as const,
  request: jsonBody(OutboundWebhookBody),
  responses: {
    201: json(
      z.object({ id: z.string(), url: z.string(), events: z.array(z.string()), secret: z.string() }).openapi("OutboundWebhook"),
      "Registered",
    ),
    400: errors[400],
    401: errors[401],
    403: errors[403],
  },
});

export const integrationRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  .openapi(rotate, async (c) => {
    const { tenantId } = c.get("auth");
    const rotated = await rotateWebhookSecret(database(c.env.DB), c.env.ENCRYPTION_KEY, tenantId);
    c.set("audit", { action: "webhook_secret.rotate", targetType: "tenant", targetId: tenantId });
    return c.json({ webhookSecret: rotated.webhookSecret, previousSecretValidUntil: iso(rotated.previousValidUntil) }, 200);
  })
  .openapi(list, async (c) => {
    const rows = await listIntegrations(database(c.env.DB), c.get("auth").tenantId);
    return c.json({ items: rows.map((r) => ({ ...r, updatedAt: isoOrNull(r.updatedAt) })), nextCursor: null }, 200);
  })
  .openapi(putSamsara, async (c) => {
    const body = await configure(c.env, c.get("auth").tenantId, "samsara", c.req.valid("json"));
    c.set("audit", audit("samsara"));
    return c.json(body, 200);
  })
  .openapi(putMotive, async (c) => {
    const body = await configure(c.env, c.get("auth").tenantId, "motive", c.req.valid("json"));
    c.set("audit", audit("motive"));
    return c.json(body, 200);
  })
  .openapi(putGeotab, async (c) => {
    const body = await configure(c.env, c.get("auth").tenantId, "geotab", c.req.valid("json"));
    c.set("audit", audit("geotab"));
    return c.json(body, 200);
  })
  .openapi(webhookRoute, async (c) => {
    const body = c.req.valid("json");
    const problem = deliverableUrlProblem(body.url, c.env.ENVIRONMENT);
    if (problem) throw fieldError("url", problem);
    const created = await createOutboundWebhook(database(c.env.DB), c.env.ENCRYPTION_KEY, c.get("auth").tenantId, body);
    c.set("audit", { action: "outbound_webhook.create", targetType: "outbound_webhook", targetId: created.id });
    return c.json(created, 201);
  });
