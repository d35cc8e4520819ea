import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { ingestVendorEvents } from "../../integrations/ingest";
import { mapMotive, MotiveWebhookSchema } from "../../integrations/motive/mapping";
import { verifyMotive } from "../../integrations/motive/signature";
import { rejectInvalid } from "../../lib/validation";
import { webhookConfig } from "../../services/integrations";
import { parseJsonBody, rawBody, rejected, tenantSlugParam, unauthorized, vendorWebhookResponses } from "../lib/webhooks";

/** POST /webhooks/:tenantSlug/motive — Motive's company webhook format, verified before parsing. */
const router = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid });

router.openAPIRegistry.registerPath({
  method: "post",
  path: "/",
  summary: "Motive company webhook (X-KT-Webhook-Signature, HMAC-SHA1 of the body)",
  tags: ["Webhooks"],
  request: {
    params: z.object({ tenantSlug: z.string() }),
    headers: z.object({ "x-kt-webhook-signature": z.string() }),
    body: { required: true, content: { "application/json": { schema: MotiveWebhookSchema } } },
  },
  responses: vendorWebhookResponses,
});

/**
 * The idempotency key of a payload the mapping ingests nothing from (HOS, a camera event, …):
 * its own id scoped by action, so a repeat is still a duplicate. Without an id (`test`) there is none.
 */
function unmappedKey(payload: unknown, action: string): string | null {
  const id = (payload as { id?: unknown }).id;
  return typeof id === "string" || typeof id === "number" ? `motive:${action}:${id}` : null;
}

export const motiveWebhookRoutes = router.post("/", async (c) => {
  const body = await rawBody(c);
  const found = await webhookConfig(c.env, tenantSlugParam(c), "motive");
  if (!found) throw unauthorized();
  if (!(await verifyMotive(found.config.secret, c.req.header("x-kt-webhook-signature"), body))) throw unauthorized();

  const payload = parseJsonBody(body);
  const mapped = mapMotive(payload, found.config.units ?? "imperial");
  if (!mapped.ok) throw rejected("Motive", mapped.errors);
  const key = mapped.key ?? (mapped.events.length ? null : unmappedKey(payload, mapped.action));
  if (!key) return c.json({ accepted: 0 }, 200);
  const result = await ingestVendorEvents(c.env, found.tenantId, key, mapped.events);
  return c.json(result.duplicate ? { accepted: 0, duplicate: true } : { accepted: result.accepted }, 200);
});
