import { z } from "@hono/zod-openapi";
import { DECISION_OUTCOMES } from "../db/schema";

/** One recorded reason a person was or was not told of an alert (`GET /api/alerts/{id}/decisions`). */
export const AlertDecisionSchema = z
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

export const AlertDecisionList = z.object({ items: z.array(AlertDecisionSchema) }).openapi("AlertDecisionList");
