import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { SEVERITIES } from "../../db/schema";
import { iso } from "../../lib/time";
import { rejectInvalid } from "../../lib/validation";
import { authorize } from "../../middleware/authorize";
import { bearerSecurity, errors, json, jsonBody } from "../../schemas/common";
import { EscalationPolicyBody } from "../../schemas/notifications";
import { listPolicies, putPolicy } from "../../services/notification-settings";
import { refreshHub } from "../lib/refresh-hub";

/** /api/escalation-policies: who is told, and when, while an alert stays unacknowledged. */
const tags = ["Alerting"];
// Admin only, reads included: who is woken at night is an admin's business (docs/api.md).
const admins = authorize(["admin"]);

const PolicySchema = z
  .object({ severity: z.enum(SEVERITIES), steps: EscalationPolicyBody.shape.steps, updatedAt: z.string().nullable() })
  .openapi("EscalationPolicyState");

const listPoliciesRoute = createRoute({
  method: "get",
  path: "/",
  summary: "Escalation policy per severity (admin)",
  tags,
  security: bearerSecurity,
  middleware: [admins] as const,
  responses: {
    200: json(z.object({ items: z.array(PolicySchema), nextCursor: z.null() }), "Policies"),
    401: errors[401],
    403: errors[403],
  },
});
const putPolicyRoute = createRoute({
  method: "put",
  path: "/{severity}",
  summary: "Replace the escalation policy of a severity (admin)",
  tags,
  security: bearerSecurity,
  middleware: [admins] as const,
  request: { params: z.object({ severity: z.enum(SEVERITIES) }), ...jsonBody(EscalationPolicyBody) },
  responses: { 200: json(PolicySchema, "Stored"), 400: errors[400], 401: errors[401], 403: errors[403] },
});

export const escalationPolicyRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
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
  });
