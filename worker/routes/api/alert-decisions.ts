import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { DECISION_OUTCOMES } from "../../db/schema";
import { rejectInvalid } from "../../lib/validation";
import { authorize, STAFF } from "../../middleware/authorize";
import { bearerSecurity, errors, IdParam, json } from "../../schemas/common";
import { listAlertDecisions } from "../../services/alert-decisions";

/** /api/alerts/{id}/decisions: why each person was or was not told of the alert. */
const DecisionSchema = z
  .object({
    userId: z.string(),
    userName: z.string().nullable(),
    channel: z.string().nullable().openapi({ description: "Null when the decision is about the person, not one channel" }),
    outcome: z.enum(DECISION_OUTCOMES),
    reason: z.string().openapi({
      description:
        "preference, escalation, fallback, quiet_hours, grouped, digest, snoozed, silenced, group_scope, cancelled, failed, dead",
    }),
    detail: z.record(z.string(), z.unknown()).openapi({ description: "e.g. {until} for quiet hours, {silenceId} for a silence" }),
    at: z.string(),
  })
  .openapi("AlertDecision");

const decisionsRoute = createRoute({
  method: "get",
  path: "/{id}/decisions",
  summary: "Why each person was or was not told of the alert, oldest first (staff)",
  tags: ["Alerts"],
  security: bearerSecurity,
  middleware: [authorize(STAFF)] as const,
  request: { params: IdParam },
  responses: {
    200: json(z.object({ items: z.array(DecisionSchema) }).openapi("AlertDecisionList"), "Decisions"),
    401: errors[401],
    403: errors[403],
    404: errors[404],
  },
});

export const alertDecisionRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid }).openapi(decisionsRoute, async (c) =>
  c.json({ items: await listAlertDecisions(database(c.env.DB), c.get("auth").tenantId, c.req.valid("param").id) }, 200),
);
