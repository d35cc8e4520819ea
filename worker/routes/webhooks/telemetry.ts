import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { AppError } from "../../lib/problem";
import { verifyStandardWebhook } from "../../lib/standard-webhooks";
import { rejectInvalid } from "../../lib/validation";
import { errors, json } from "../../schemas/common";
import { AcceptedSchema, TelemetryBatchSchema } from "../../schemas/telemetry";
import { ingestTelemetryBody } from "../../services/ingest";
import { tenantForWebhook } from "../../services/tenant-lookup";
import { rawBody, tenantSlugParam } from "../lib/webhooks";

const unauthorized = () => new AppError("unauthorized", "Missing or invalid webhook signature.");

/**
 * POST /webhooks/:tenantSlug/telemetry — Standard Webhooks signed batches. The signature is
 * checked on the raw body bytes before anything is decoded, so unsigned calls learn nothing and a
 * signed body that is not UTF-8 JSON is a 400, not a 401.
 */
const router = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid });

// Documented by hand: the body is validated only after the signature, so not by a route validator.
router.openAPIRegistry.registerPath({
  method: "post",
  path: "/",
  summary: "Telemetry batch from a telematics vendor (Standard Webhooks signature)",
  tags: ["Webhooks"],
  request: {
    params: z.object({ tenantSlug: z.string() }),
    body: { required: true, content: { "application/json": { schema: TelemetryBatchSchema } } },
  },
  responses: {
    202: json(AcceptedSchema, "Batch durably recorded; rules run asynchronously"),
    200: json(AcceptedSchema, "Duplicate webhook-id: nothing processed again"),
    400: errors[400],
    401: errors[401],
    413: errors[413],
  },
});

export const telemetryWebhookRoutes = router.post("/", async (c) => {
  const body = await rawBody(c);
  const found = await tenantForWebhook(c.env, tenantSlugParam(c));
  if (!found) throw unauthorized();
  const id = c.req.header("webhook-id");
  const verified = await verifyStandardWebhook(
    found.secrets,
    { id, timestamp: c.req.header("webhook-timestamp"), signature: c.req.header("webhook-signature") },
    body,
  );
  if (!verified.ok) throw unauthorized();

  const result = await ingestTelemetryBody(c.env, found.tenant.id, `std:${id}`, body);
  if (result.duplicate) return c.json({ accepted: 0, duplicate: true }, 200);
  return c.json({ accepted: result.accepted }, 202);
});
