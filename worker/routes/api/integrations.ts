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
import { bearerSecurity, errors, IdParam, json, jsonBody } from "../../schemas/common";
import {
  OutboundWebhookBody,
  OutboundWebhookPatch,
  OutboundWebhookSchema,
  OutboundWebhookWithSecret,
  WebhookDeliveryQuery,
  WebhookDeliverySchema,
} from "../../schemas/notifications";
import { listIntegrations, loadIntegration, saveIntegration } from "../../services/integrations";
import {
  createOutboundWebhook,
  deleteOutboundWebhook,
  listOutboundWebhooks,
  listWebhookDeliveries,
  publicWebhookDelivery,
  rotateOutboundWebhookSecret,
  updateOutboundWebhook,
} from "../../services/notification-webhooks";
import { decodeCursor, page } from "../../lib/cursor";
import { rotateWebhookSecret } from "../../services/tenants";
import { keyringOf } from "../../lib/keyring";
import { refreshHub } from "../lib/refresh-hub";

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
    const before = await loadIntegration(db, keyringOf(env), tenantId, "geotab");
    const next = config as VendorConfigs["geotab"];
    resetState = !before || before.config.server !== next.server || before.config.database !== next.database;
  }
  const { updatedAt } = await saveIntegration(db, keyringOf(env), tenantId, vendor, config, { resetState });
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
    201: json(OutboundWebhookWithSecret, "Registered"),
    400: errors[400],
    401: errors[401],
    403: errors[403],
  },
});

/** Managing customer endpoints (admin): list, update, delete, rotate the secret, the delivery log. */
const hookBase = { tags: ["Alerting"], security: bearerSecurity, middleware: authorize(["admin"]) };
const listHooks = createRoute({
  ...hookBase,
  method: "get",
  path: "/webhooks",
  summary: "Customer webhook endpoints (never their secrets)",
  responses: {
    200: json(z.object({ items: z.array(OutboundWebhookSchema), nextCursor: z.null() }).openapi("OutboundWebhookList"), "Endpoints"),
    401: errors[401],
    403: errors[403],
  },
});
const patchHook = createRoute({
  ...hookBase,
  method: "patch",
  path: "/webhooks/{id}",
  summary: "Change an endpoint's url, events or enabled (enabling clears why it was disabled)",
  request: { params: IdParam, ...jsonBody(OutboundWebhookPatch) },
  responses: { 200: json(OutboundWebhookSchema, "Updated"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404] },
});
const deleteHook = createRoute({
  ...hookBase,
  method: "delete",
  path: "/webhooks/{id}",
  summary: "Remove an endpoint (its delivery log stays listed under GET /api/notifications)",
  request: { params: IdParam },
  responses: { 204: { description: "Removed" }, 401: errors[401], 403: errors[403], 404: errors[404] },
});
const rotateHook = createRoute({
  ...hookBase,
  method: "post",
  path: "/webhooks/{id}/rotate-secret",
  summary: "New signing secret, shown once; the previous one also signs for 24 h",
  request: { params: IdParam },
  responses: { 200: json(OutboundWebhookWithSecret, "Rotated"), 401: errors[401], 403: errors[403], 404: errors[404] },
});
const hookDeliveries = createRoute({
  ...hookBase,
  method: "get",
  path: "/webhooks/{id}/deliveries",
  summary: "The endpoint's delivery log, newest first",
  request: { params: IdParam, query: WebhookDeliveryQuery },
  responses: {
    200: json(
      z.object({ items: z.array(WebhookDeliverySchema), nextCursor: z.string().nullable() }).openapi("WebhookDeliveryList"),
      "Deliveries",
    ),
    400: errors[400],
    401: errors[401],
    403: errors[403],
    404: errors[404],
  },
});
const hookAudit = (action: string, id: string) => ({ action, targetType: "outbound_webhook", targetId: id });

export const integrationRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  .openapi(rotate, async (c) => {
    const { tenantId } = c.get("auth");
    const rotated = await rotateWebhookSecret(database(c.env.DB), keyringOf(c.env), tenantId);
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
    const created = await createOutboundWebhook(database(c.env.DB), keyringOf(c.env), c.get("auth").tenantId, body);
    await refreshHub(c.env, c.get("auth").tenantId); // its object queues `alert.updated` jobs only for a subscriber
    c.set("audit", { action: "outbound_webhook.create", targetType: "outbound_webhook", targetId: created.id });
    return c.json(created, 201);
  })
  .openapi(listHooks, async (c) =>
    c.json({ items: await listOutboundWebhooks(database(c.env.DB), c.get("auth").tenantId), nextCursor: null }, 200),
  )
  .openapi(patchHook, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const problem = body.url === undefined ? null : deliverableUrlProblem(body.url, c.env.ENVIRONMENT);
    if (problem) throw fieldError("url", problem);
    const updated = await updateOutboundWebhook(database(c.env.DB), c.get("auth").tenantId, id, body);
    await refreshHub(c.env, c.get("auth").tenantId);
    c.set("audit", hookAudit("outbound_webhook.update", id));
    return c.json(updated, 200);
  })
  .openapi(deleteHook, async (c) => {
    const { id } = c.req.valid("param");
    await deleteOutboundWebhook(database(c.env.DB), c.get("auth").tenantId, id);
    await refreshHub(c.env, c.get("auth").tenantId);
    c.set("audit", hookAudit("outbound_webhook.delete", id));
    return c.body(null, 204);
  })
  .openapi(rotateHook, async (c) => {
    const { id } = c.req.valid("param");
    const rotated = await rotateOutboundWebhookSecret(database(c.env.DB), keyringOf(c.env), c.get("auth").tenantId, id);
    c.set("audit", hookAudit("outbound_webhook.rotate_secret", id));
    return c.json(rotated, 200);
  })
  .openapi(hookDeliveries, async (c) => {
    const { id } = c.req.valid("param");
    const { limit, cursor, status } = c.req.valid("query");
    const after = decodeCursor(cursor, 2) as [number, string] | undefined;
    const rows = await listWebhookDeliveries(database(c.env.DB), c.get("auth").tenantId, id, { status }, limit, after);
    const result = page(rows, limit, (d) => [d.createdAt, d.id]);
    return c.json({ items: result.items.map(publicWebhookDelivery), nextCursor: result.nextCursor }, 200);
  });
