import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { ingestVendorEvents } from "../../integrations/ingest";
import { mapSamsara, SamsaraEnvelopeSchema } from "../../integrations/samsara/mapping";
import { verifySamsara } from "../../integrations/samsara/signature";
import { rejectInvalid } from "../../lib/validation";
import { webhookConfig } from "../../services/integrations";
import { parseJsonBody, rawBody, rejected, tenantSlugParam, unauthorized, vendorWebhookResponses } from "../lib/webhooks";

/** POST /webhooks/:tenantSlug/samsara — Samsara's own webhook format, verified before parsing. */
const router = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid });

router.openAPIRegistry.registerPath({
  method: "post",
  path: "/",
  summary: "Samsara webhook (X-Samsara-Signature v1, X-Samsara-Timestamp within 5 minutes)",
  tags: ["Webhooks"],
  request: {
    params: z.object({ tenantSlug: z.string() }),
    headers: z.object({ "x-samsara-timestamp": z.string(), "x-samsara-signature": z.string() }),
    body: { required: true, content: { "application/json": { schema: SamsaraEnvelopeSchema } } },
  },
  responses: vendorWebhookResponses,
});

export const samsaraWebhookRoutes = router.post("/", async (c) => {
  const body = await rawBody(c);
  const found = await webhookConfig(c.env, tenantSlugParam(c), "samsara");
  if (!found) throw unauthorized();
  const verified = await verifySamsara(
    found.config.secret,
    { timestamp: c.req.header("x-samsara-timestamp"), signature: c.req.header("x-samsara-signature") },
    body,
  );
  if (!verified.ok) throw unauthorized();

  const mapped = mapSamsara(parseJsonBody(body));
  if (!mapped.ok) throw rejected("Samsara", mapped.errors);
  // Recorded even without vehicle data (a Ping, a route event), so a repeated eventId is a duplicate.
  const result = await ingestVendorEvents(c.env, found.tenantId, `samsara:${mapped.eventId}`, mapped.events);
  return c.json(result.duplicate ? { accepted: 0, duplicate: true } : { accepted: result.accepted }, 200);
});
