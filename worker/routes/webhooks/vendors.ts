import { OpenAPIHono, z } from "@hono/zod-openapi";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "../../env";
import { ingestVendorEvents } from "../../integrations/ingest";
import { mapMotive, MotiveWebhookSchema } from "../../integrations/motive/mapping";
import { verifyMotive } from "../../integrations/motive/signature";
import { mapSamsara, SamsaraEnvelopeSchema } from "../../integrations/samsara/mapping";
import { verifySamsara } from "../../integrations/samsara/signature";
import { AppError } from "../../lib/problem";
import { rejectInvalid } from "../../lib/validation";
import { errors, json } from "../../schemas/common";
import { AcceptedSchema } from "../../schemas/telemetry";
import { webhookConfig } from "../../services/integrations";

/**
 * POST /webhooks/:tenantSlug/samsara and /motive — vendor-native webhooks. As with the
 * telemetry webhook, the signature is checked on the raw body before anything is parsed; an
 * unknown tenant, a vendor the tenant has not configured and a bad signature look the same (401).
 */
const unauthorized = (detail = "Missing or invalid webhook signature.") => new AppError("unauthorized", detail);

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new AppError("validation", "The body is not valid JSON.", [{ path: "(body)", message: "Malformed JSON" }]);
  }
}

const rejected = (vendor: string, fieldErrors: { path: string; message: string }[]) =>
  new AppError("validation", `The ${vendor} event has invalid fields; nothing was stored.`, fieldErrors);

const router = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid });

// Documented by hand: the body is validated only after the signature, so not by a route validator.
const responses = {
  200: json(AcceptedSchema, "Accepted and durably recorded (`accepted: 0` for events without vehicle data); a repeated event id answers `{accepted: 0, duplicate: true}`"),
  400: errors[400],
  401: { ...errors[401], description: "Unknown tenant, vendor not configured, missing or wrong signature, or stale timestamp" },
  413: errors[413],
};
router.openAPIRegistry.registerPath({
  method: "post",
  path: "/{tenantSlug}/samsara",
  summary: "Samsara webhook (X-Samsara-Signature v1, X-Samsara-Timestamp within 5 minutes)",
  tags: ["Webhooks"],
  request: {
    params: z.object({ tenantSlug: z.string() }),
    headers: z.object({ "x-samsara-timestamp": z.string(), "x-samsara-signature": z.string() }),
    body: { required: true, content: { "application/json": { schema: SamsaraEnvelopeSchema } } },
  },
  responses,
});
router.openAPIRegistry.registerPath({
  method: "post",
  path: "/{tenantSlug}/motive",
  summary: "Motive company webhook (X-KT-Webhook-Signature, HMAC-SHA1 of the body)",
  tags: ["Webhooks"],
  request: {
    params: z.object({ tenantSlug: z.string() }),
    headers: z.object({ "x-kt-webhook-signature": z.string() }),
    body: { required: true, content: { "application/json": { schema: MotiveWebhookSchema } } },
  },
  responses,
});

export const vendorWebhookRoutes = router
  .post("/:tenantSlug/samsara", async (c) => {
    const body = await c.req.text();
    const found = await webhookConfig(c.env, c.req.param("tenantSlug"), "samsara");
    if (!found) throw unauthorized();
    const verified = await verifySamsara(
      found.config.secret,
      { timestamp: c.req.header("x-samsara-timestamp"), signature: c.req.header("x-samsara-signature") },
      body,
    );
    if (!verified.ok) throw unauthorized();

    const mapped = mapSamsara(parseJson(body));
    if (!mapped.ok) throw rejected("Samsara", mapped.errors);
    if (!mapped.events.length) return c.json({ accepted: 0 }, 200);
    const result = await ingestVendorEvents(c.env, found.tenantId, `samsara:${mapped.eventId}`, mapped.events);
    return c.json(result.duplicate ? { accepted: 0, duplicate: true } : { accepted: result.accepted }, 200);
  })
  .post("/:tenantSlug/motive", async (c) => {
    const body = await c.req.text();
    const found = await webhookConfig(c.env, c.req.param("tenantSlug"), "motive");
    if (!found) throw unauthorized();
    if (!(await verifyMotive(found.config.secret, c.req.header("x-kt-webhook-signature"), body))) throw unauthorized();

    const mapped = mapMotive(parseJson(body), found.config.units ?? "imperial");
    if (!mapped.ok) throw rejected("Motive", mapped.errors);
    if (!mapped.events.length || !mapped.key) return c.json({ accepted: 0 }, 200);
    const result = await ingestVendorEvents(c.env, found.tenantId, mapped.key, mapped.events);
    return c.json(result.duplicate ? { accepted: 0, duplicate: true } : { accepted: result.accepted }, 200);
  })
  // API.md: calls for unknown vendors get 401 like unsigned ones. Only when no route serves the
  // path (so a webhook router mounted later is never shadowed); method ALL, so it is not an endpoint.
  .use("/:tenantSlug/:vendor", async (c, next) => {
    if (c.req.method === "POST" && !matchedRoutes(c).some((r) => r.method === "POST")) throw unauthorized("No such vendor integration.");
    await next();
  });
