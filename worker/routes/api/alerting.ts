import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { SEVERITIES } from "../../db/schema";
import { tenantHub } from "../../lib/hub";
import { fieldError } from "../../lib/problem";
import { iso } from "../../lib/time";
import { rejectInvalid } from "../../lib/validation";
import { authorize } from "../../middleware/authorize";
import { deliverableUrlProblem } from "../../notifications/url-guard";
import { bearerSecurity, errors, IdParam, json, jsonBody } from "../../schemas/common";
import { EscalationPolicyBody, OutboundWebhookBody, SettingsBody, SilenceBody, SilenceSchema } from "../../schemas/notifications";
import { createOutboundWebhook, createSilence, deleteSilence, listPolicies, listSilences, publicSilence, putPolicy, putSettings } from "../../services/notification-settings";

const tags = ["Alerting"];
const managers = authorize(["admin", "manager"]);
const admins = authorize(["admin"]);
/** Silences and policies are cached by the tenant's object; tell it after each change. */
const refreshHub = (env: Env, tenantId: string) => tenantHub(env, tenantId).invalidate(tenantId);

const PolicySchema = z.object({ severity: z.enum(SEVERITIES), steps: EscalationPolicyBody.shape.steps, updatedAt: z.string().nullable() }).openapi("EscalationPolicyState");

const createSilenceRoute = createRoute({
  method: "post",
  path: "/silences",
  summary: "Silence matching alerts for a while (still recorded and streamed, notify nobody)",
  tags,
  security: bearerSecurity,
  middleware: [managers] as const,
  request: jsonBody(SilenceBody),
  responses: { 201: json(SilenceSchema, "Created"), 400: errors[400], 401: errors[401], 403: errors[403] },
});
const listSilencesRoute = createRoute({
  method: "get",
  path: "/silences",
  summary: "Silences, latest ending first",
  tags,
  security: bearerSecurity,
  middleware: [managers] as const,
  responses: { 200: json(z.object({ items: z.array(SilenceSchema), nextCursor: z.null() }), "Silences"), 401: errors[401], 403: errors[403] },
});
const deleteSilenceRoute = createRoute({
  method: "delete",
  path: "/silences/{id}",
  summary: "End a silence now",
  tags,
  security: bearerSecurity,
  middleware: [managers] as const,
  request: { params: IdParam },
  responses: { 204: { description: "Deleted" }, 401: errors[401], 403: errors[403], 404: errors[404] },
});
const listPoliciesRoute = createRoute({
  method: "get",
  path: "/escalation-policies",
  summary: "Escalation policy per severity",
  tags,
  security: bearerSecurity,
  middleware: [managers] as const,
  responses: { 200: json(z.object({ items: z.array(PolicySchema), nextCursor: z.null() }), "Policies"), 401: errors[401], 403: errors[403] },
});
const putPolicyRoute = createRoute({
  method: "put",
  path: "/escalation-policies/{severity}",
  summary: "Replace the escalation policy of a severity (admin)",
  tags,
  security: bearerSecurity,
  middleware: [admins] as const,
  request: { params: z.object({ severity: z.enum(SEVERITIES) }), ...jsonBody(EscalationPolicyBody) },
  responses: { 200: json(PolicySchema, "Stored"), 400: errors[400], 401: errors[401], 403: errors[403] },
});
const settingsRoute = createRoute({
  method: "put",
  path: "/settings",
  summary: "Tenant settings: notification grouping window",
  tags,
  security: bearerSecurity,
  middleware: [managers] as const,
  request: jsonBody(SettingsBody),
  responses: { 200: json(SettingsBody, "Stored"), 400: errors[400], 401: errors[401], 403: errors[403] },
});
const webhookRoute = createRoute({
  method: "post",
  path: "/integrations/webhooks",
  summary: "Register a customer endpoint for signed event webhooks (secret shown once)",
  tags,
  security: bearerSecurity,
  middleware: [admins] as const,
  request: jsonBody(OutboundWebhookBody),
  responses: {
    201: json(z.object({ id: z.string(), url: z.string(), events: z.array(z.string()), secret: z.string() }).openapi("OutboundWebhook"), "Registered"),
    400: errors[400],
    401: errors[401],
    403: errors[403],
  },
});

export const alertingRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  .openapi(createSilenceRoute, async (c) => {
    const auth = c.get("auth");
    const row = await createSilence(database(c.env.DB), auth.tenantId, auth.userId, c.req.valid("json"));
    await refreshHub(c.env, auth.tenantId);
    c.set("audit", { action: "silence.create", targetType: "silence", targetId: row.id });
    return c.json(publicSilence(row), 201);
  })
  .openapi(listSilencesRoute, async (c) => c.json({ items: (await listSilences(database(c.env.DB), c.get("auth").tenantId)).map(publicSilence), nextCursor: null }, 200))
  .openapi(deleteSilenceRoute, async (c) => {
    const { tenantId } = c.get("auth");
    await deleteSilence(database(c.env.DB), tenantId, c.req.valid("param").id);
    await refreshHub(c.env, tenantId);
    c.set("audit", { action: "silence.delete", targetType: "silence", targetId: c.req.valid("param").id });
    return c.body(null, 204);
  })
  .openapi(listPoliciesRoute, async (c) => {
    const stored = new Map((await listPolicies(database(c.env.DB), c.get("auth").tenantId)).map((p) => [p.severity, p]));
    const items = SEVERITIES.map((severity) => {
      const p = stored.get(severity);
      return { severity, steps: p?.steps ?? [], updatedAt: p ? iso(p.updatedAt) : null };
    });
    return c.json({ items, nextCursor: null }, 200);
  })
  .openapi(putPolicyRoute, async (c) => {
    const { tenantId } = c.get("auth");
    const { severity } = c.req.valid("param");
    const stored = await putPolicy(database(c.env.DB), tenantId, severity, c.req.valid("json").steps);
    await refreshHub(c.env, tenantId);
    c.set("audit", { action: "escalation_policy.update", targetType: "escalation_policy", targetId: severity });
    return c.json(stored, 200);
  })
  .openapi(settingsRoute, async (c) => {
    const { tenantId } = c.get("auth");
    const stored = await putSettings(database(c.env.DB), tenantId, c.req.valid("json").groupWaitSeconds);
    c.set("audit", { action: "settings.update", targetType: "tenant", targetId: tenantId, detail: stored });
    return c.json(stored, 200);
  })
  .openapi(webhookRoute, async (c) => {
    const body = c.req.valid("json");
    const problem = deliverableUrlProblem(body.url, c.env.ENVIRONMENT);
    if (problem) throw fieldError("url", problem);
    const created = await createOutboundWebhook(database(c.env.DB), c.env.ENCRYPTION_KEY, c.get("auth").tenantId, body);
    c.set("audit", { action: "outbound_webhook.create", targetType: "outbound_webhook", targetId: created.id });
    return c.json(created, 201);
  });
