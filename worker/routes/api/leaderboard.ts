import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { rejectInvalid } from "../../lib/validation";
import { ANY_ROLE, authorize } from "../../middleware/authorize";
import { bearerSecurity, errors, json } from "../../schemas/common";
import { LeaderboardQuery, LeaderboardSchema } from "../../schemas/engagement";
import { leaderboard } from "../../services/engagement-leaderboard";
import { leaderboardHidden } from "../../services/engagement-settings";

const read = createRoute({
  tags: ["Engagement"],
  security: bearerSecurity,
  middleware: [authorize(ANY_ROLE)] as const,
  method: "get",
  path: "/",
  summary: "Drivers or technicians ranked by points, with badges and streaks (opted-out users are not listed)",
  description: "When a manager hides the board, drivers and technicians get `hidden: true` and no items; admins and managers still see it.",
  request: { query: LeaderboardQuery },
  responses: { 200: json(LeaderboardSchema, "The board"), 400: errors[400], 401: errors[401] },
});

export const leaderboardRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid }).openapi(read, async (c) => {
  const { kind } = c.req.valid("query");
  const auth = c.get("auth");
  const hidden = await leaderboardHidden(database(c.env.DB), auth.tenantId);
  const staffOnly = hidden && auth.role !== "admin" && auth.role !== "manager";
  return c.json({ kind, hidden, items: staffOnly ? [] : await leaderboard(c.env.DB, auth.tenantId, kind) }, 200);
});
