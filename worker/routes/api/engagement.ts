import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import type { AppEnv } from "../../env";
import { database, inTenant } from "../../db/client";
import { users } from "../../db/schema";
import { BADGES, POINTS } from "../../domain/engagement/rules";
import { AppError } from "../../lib/problem";
import { rejectInvalid } from "../../lib/validation";
import { ANY_ROLE, authorize } from "../../middleware/authorize";
import { bearerSecurity, errors, IdParam, json, jsonBody } from "../../schemas/common";
import { BadgeCatalogSchema, EngagementSettingsBody, EngagementSettingsSchema, OwnEngagementBody, OwnEngagementSchema, UserBadgesSchema } from "../../schemas/engagement";
import { ownEngagement, userBadges } from "../../services/engagement-leaderboard";
import { isOptedOut, leaderboardHidden, setLeaderboardHidden, setOptedOut } from "../../services/engagement-settings";

const tags = ["Engagement"];
const anyone = authorize(ANY_ROLE);
const managers = authorize(["admin", "manager"]);

const readOwn = createRoute({
  tags,
  security: bearerSecurity,
  middleware: [anyone] as const,
  method: "get",
  path: "/me/engagement",
  summary: "The caller's points, badges, streak and (drivers) safety score, and whether it opted out",
  responses: { 200: json(OwnEngagementSchema, "Own engagement"), 401: errors[401] },
});
const putOwn = createRoute({
  tags,
  security: bearerSecurity,
  middleware: [anyone] as const,
  method: "put",
  path: "/me/engagement",
  summary: "Opt out of (or back into) leaderboards, public badges and earning points",
  request: jsonBody(OwnEngagementBody),
  responses: { 200: json(OwnEngagementSchema, "Stored"), 400: errors[400], 401: errors[401] },
});
const badgesOfUser = createRoute({
  tags,
  security: bearerSecurity,
  middleware: [anyone] as const,
  method: "get",
  path: "/users/{id}/badges",
  summary: "A user's badges (404 for another tenant's user, or one who opted out unless it is the caller)",
  request: { params: IdParam },
  responses: { 200: json(UserBadgesSchema, "Badges"), 401: errors[401], 404: errors[404] },
});
const catalog = createRoute({
  tags,
  security: bearerSecurity,
  middleware: [anyone] as const,
  method: "get",
  path: "/engagement/badges",
  summary: "Every badge with its criteria and bonus, and the points rules",
  responses: { 200: json(BadgeCatalogSchema, "Catalogue"), 401: errors[401] },
});
const readSettings = createRoute({
  tags,
  security: bearerSecurity,
  middleware: [anyone] as const,
  method: "get",
  path: "/engagement/settings",
  summary: "The tenant's engagement settings",
  responses: { 200: json(EngagementSettingsSchema, "Settings"), 401: errors[401] },
});
const putSettings = createRoute({
  tags,
  security: bearerSecurity,
  middleware: [managers] as const,
  method: "put",
  path: "/engagement/settings",
  summary: "Hide or show the leaderboard for drivers and technicians of the tenant",
  request: jsonBody(EngagementSettingsBody),
  responses: { 200: json(EngagementSettingsSchema, "Stored"), 400: errors[400], 401: errors[401], 403: errors[403] },
});

export const engagementRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  .openapi(readOwn, async (c) => {
    const auth = c.get("auth");
    const optedOut = await isOptedOut(database(c.env.DB), auth.tenantId, auth.userId);
    return c.json(await ownEngagement(c.env.DB, auth.tenantId, auth, optedOut), 200);
  })
  .openapi(putOwn, async (c) => {
    const auth = c.get("auth");
    const { optedOut } = c.req.valid("json");
    await setOptedOut(database(c.env.DB), auth.tenantId, auth.userId, optedOut);
    c.set("audit", { action: "engagement.update", targetType: "user", targetId: auth.userId, detail: { optedOut } });
    return c.json(await ownEngagement(c.env.DB, auth.tenantId, auth, optedOut), 200);
  })
  .openapi(badgesOfUser, async (c) => {
    const auth = c.get("auth");
    const { id } = c.req.valid("param");
    const db = database(c.env.DB);
    const user = await db.query.users.findFirst({ where: inTenant(users, auth.tenantId, eq(users.id, id)), columns: { id: true } });
    if (!user || (id !== auth.userId && (await isOptedOut(db, auth.tenantId, id)))) throw new AppError("not_found", "No such user.");
    return c.json({ userId: id, badges: await userBadges(c.env.DB, auth.tenantId, id) }, 200);
  })
  .openapi(catalog, (c) => c.json({ items: BADGES.map((b) => ({ ...b })), points: { ...POINTS } }, 200))
  .openapi(readSettings, async (c) => c.json({ leaderboardHidden: await leaderboardHidden(database(c.env.DB), c.get("auth").tenantId) }, 200))
  .openapi(putSettings, async (c) => {
    const { leaderboardHidden: hidden } = c.req.valid("json");
    await setLeaderboardHidden(database(c.env.DB), c.get("auth").tenantId, hidden);
    c.set("audit", { action: "engagement.settings", targetType: "tenant", detail: { leaderboardHidden: hidden } });
    return c.json({ leaderboardHidden: hidden }, 200);
  });
