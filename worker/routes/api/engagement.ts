import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { BADGES, POINTS } from "../../domain/engagement/rules";
import { rejectInvalid } from "../../lib/validation";
import { ANY_ROLE, authorize } from "../../middleware/authorize";
import { bearerSecurity, errors, json, jsonBody } from "../../schemas/common";
import { BadgeCatalogSchema, EngagementSettingsBody, EngagementSettingsSchema } from "../../schemas/engagement";
import { leaderboardHidden, setLeaderboardHidden } from "../../services/engagement-settings";

/** /api/engagement: the badge catalogue and the tenant's engagement settings. */
const tags = ["Engagement"];
const anyone = authorize(ANY_ROLE);
const managers = authorize(["admin", "manager"]);

const catalog = createRoute({
  tags,
  security: bearerSecurity,
  middleware: [anyone] as const,
  method: "get",
  path: "/badges",
  summary: "Every badge with its criteria and bonus, and the points rules",
  responses: { 200: json(BadgeCatalogSchema, "Catalogue"), 401: errors[401] },
});

const readSettings = createRoute({
  tags,
  security: bearerSecurity,
  middleware: [anyone] as const,
  method: "get",
  path: "/settings",
  summary: "The tenant's engagement settings",
  responses: { 200: json(EngagementSettingsSchema, "Settings"), 401: errors[401] },
});

const putSettings = createRoute({
  tags,
  security: bearerSecurity,
  middleware: [managers] as const,
  method: "put",
  path: "/settings",
  summary: "Hide or show the leaderboard for drivers and technicians of the tenant",
  request: jsonBody(EngagementSettingsBody),
  responses: { 200: json(EngagementSettingsSchema, "Stored"), 400: errors[400], 401: errors[401], 403: errors[403] },
});

export const engagementRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  .openapi(catalog, (c) => c.json({ items: BADGES.map((b) => ({ ...b })), points: { ...POINTS } }, 200))
  .openapi(readSettings, async (c) =>
    c.json({ leaderboardHidden: await leaderboardHidden(database(c.env.DB), c.get("auth").tenantId) }, 200),
  )
  .openapi(putSettings, async (c) => {
    const { leaderboardHidden: hidden } = c.req.valid("json");
    await setLeaderboardHidden(database(c.env.DB), c.get("auth").tenantId, hidden);
    c.set("audit", { action: "engagement.settings", targetType: "tenant", detail: { leaderboardHidden: hidden } });
    return c.json({ leaderboardHidden: hidden }, 200);
  });
