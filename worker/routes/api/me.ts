import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { AppError } from "../../lib/problem";
import { iso, isoOrNull } from "../../lib/time";
import { rejectInvalid } from "../../lib/validation";
import { ANY_ROLE, authorize } from "../../middleware/authorize";
import { MeSchema, PasswordChangeBody, PasswordChanged } from "../../schemas/accounts";
import { bearerSecurity, errors, IdParam, json, jsonBody } from "../../schemas/common";
import { OwnEngagementBody, OwnEngagementSchema } from "../../schemas/engagement";
import { InboxItemSchema, PreferencesSchema } from "../../schemas/notifications";
import { ownEngagement } from "../../services/engagement-leaderboard";
import { isOptedOut, setOptedOut } from "../../services/engagement-settings";
import { getPreferences, listInbox, markInboxRead, putPreferences } from "../../services/notification-settings";
import { findUser, openUser, publicUser } from "../../services/users";
import { changePassword } from "../../services/password-change";
import { ACCESS_TTL_SECONDS } from "../../services/refresh-sessions";
import { tenantHub } from "../../lib/hub";
import { setSessionCookies } from "../../lib/session-cookies";
import { keyringOf } from "../../lib/keyring";
import { driversVehicle } from "../../services/vehicles";

/** /api/me: the signed-in user, its notification preferences and inbox, and its own engagement. */
const anyone = authorize(ANY_ROLE);
const notificationTags = ["Notifications"];
const engagementTags = ["Engagement"];

const me = createRoute({
  method: "get",
  path: "/",
  summary: "The signed-in user",
  tags: ["Users"],
  security: bearerSecurity,
  middleware: [authorize(ANY_ROLE)] as const,
  responses: { 200: json(MeSchema, "The caller"), 401: errors[401] },
});

const getPrefs = createRoute({
  method: "get",
  path: "/preferences",
  summary: "Your notification preferences (defaults until you save some)",
  tags: notificationTags,
  security: bearerSecurity,
  middleware: [anyone] as const,
  responses: { 200: json(PreferencesSchema, "Preferences"), 401: errors[401] },
});

const putPrefs = createRoute({
  method: "put",
  path: "/preferences",
  summary: "Replace your notification preferences",
  tags: notificationTags,
  security: bearerSecurity,
  middleware: [anyone] as const,
  request: jsonBody(PreferencesSchema),
  responses: { 200: json(PreferencesSchema, "What is stored"), 400: errors[400], 401: errors[401] },
});

const inbox = createRoute({
  method: "get",
  path: "/inbox",
  summary: "Your in-app notifications, newest first",
  tags: notificationTags,
  security: bearerSecurity,
  middleware: [anyone] as const,
  request: {
    query: z.object({ unread: z.enum(["true", "false"]).optional(), limit: z.coerce.number().int().min(1).max(500).default(50) }),
  },
  responses: {
    200: json(z.object({ items: z.array(InboxItemSchema), nextCursor: z.null() }), "Inbox"),
    400: errors[400],
    401: errors[401],
  },
});

const readItem = createRoute({
  method: "post",
  path: "/inbox/{id}/read",
  summary: "Mark an inbox item read",
  tags: notificationTags,
  security: bearerSecurity,
  middleware: [anyone] as const,
  request: { params: IdParam },
  responses: { 200: json(InboxItemSchema, "Marked read"), 401: errors[401], 404: errors[404] },
});

const readOwn = createRoute({
  tags: engagementTags,
  security: bearerSecurity,
  middleware: [anyone] as const,
  method: "get",
  path: "/engagement",
  summary: "The caller's points, badges, streak and (drivers) safety score, and whether it opted out",
  responses: { 200: json(OwnEngagementSchema, "Own engagement"), 401: errors[401] },
});

const putOwn = createRoute({
  tags: engagementTags,
  security: bearerSecurity,
  middleware: [anyone] as const,
  method: "put",
  path: "/engagement",
  summary: "Opt out of (or back into) leaderboards, public badges and earning points",
  request: jsonBody(OwnEngagementBody),
  responses: { 200: json(OwnEngagementSchema, "Stored"), 400: errors[400], 401: errors[401] },
});

const inboxItem = (i: {
  id: string;
  alertId: string | null;
  title: string;
  body: string;
  url: string;
  createdAt: number;
  readAt: number | null;
}) => ({
  id: i.id,
  alertId: i.alertId,
  title: i.title,
  body: i.body,
  url: i.url,
  createdAt: iso(i.createdAt),
  readAt: isoOrNull(i.readAt),
});

/** POST /api/me/password (docs/security.md, "Password change"). */
const changePasswordRoute = createRoute({
  method: "post",
  path: "/password",
  summary:
    "Change your password: every older token, refresh token and live socket of yours ends; the answer (or, for the app, its cookies) is a new sign-in",
  tags: ["Auth"],
  security: bearerSecurity,
  middleware: [authorize(ANY_ROLE)] as const,
  request: jsonBody(PasswordChangeBody),
  responses: {
    200: json(PasswordChanged, "Changed; signed in afresh"),
    400: errors[400],
    401: errors[401],
    403: errors[403],
    409: errors[409],
    429: errors[429],
  },
});

export const meRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  .openapi(me, async (c) => {
    const auth = c.get("auth");
    const user = await findUser(database(c.env.DB), auth.tenantId, auth.userId);
    // A token can outlive its user; that is an invalid token, not a missing resource.
    if (!user) throw new AppError("unauthorized", "The token's user no longer exists.");
    // A driver's own vehicle, so its app can open it (drivers cannot list vehicles).
    const vehicleId = user.role === "driver" ? ((await driversVehicle(database(c.env.DB), auth.tenantId, user.id))?.id ?? null) : null;
    return c.json({ ...publicUser(await openUser(keyringOf(c.env), user)), vehicleId }, 200);
  })
  .openapi(getPrefs, async (c) => c.json(await getPreferences(database(c.env.DB), c.get("auth").userId), 200))
  .openapi(putPrefs, async (c) => {
    const auth = c.get("auth");
    const stored = await putPreferences(database(c.env.DB), auth.tenantId, auth.userId, c.req.valid("json"));
    c.set("audit", { action: "preferences.update", targetType: "user", targetId: auth.userId });
    return c.json(stored, 200);
  })
  .openapi(inbox, async (c) => {
    const auth = c.get("auth");
    const { unread, limit } = c.req.valid("query");
    const rows = await listInbox(database(c.env.DB), auth.tenantId, auth.userId, limit, unread === "true");
    return c.json({ items: rows.map(inboxItem), nextCursor: null }, 200);
  })
  .openapi(readItem, async (c) => {
    const auth = c.get("auth");
    const row = await markInboxRead(database(c.env.DB), auth.tenantId, auth.userId, c.req.valid("param").id);
    return c.json(inboxItem(row), 200);
  })
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
  .openapi(changePasswordRoute, async (c) => {
    const auth = c.get("auth");
    const bearer = /^Bearer\s/i.test(c.req.header("authorization") ?? "");
    const fresh = await changePassword(
      database(c.env.DB),
      c.env,
      keyringOf(c.env),
      auth,
      c.req.valid("json"),
      bearer ? undefined : ACCESS_TTL_SECONDS,
    );
    // Every socket of the user closes (4001); the app reconnects with a ticket of its new session.
    await tenantHub(c.env, auth.tenantId).endSessions(auth.tenantId, auth.userId);
    c.set("audit", { action: "user.password_change", targetType: "user", targetId: auth.userId });
    c.header("cache-control", "no-store");
    const times = {
      expiresAt: iso(fresh.exp * 1000),
      expiresInSeconds: Math.max(0, fresh.exp - Math.floor(Date.now() / 1000)),
      refreshExpiresAt: iso(fresh.refresh.expiresAt),
    };
    if (bearer) return c.json({ token: fresh.token, refreshToken: fresh.refresh.refreshToken, ...times }, 200);
    setSessionCookies(c, { token: fresh.token, exp: fresh.exp }, { token: fresh.refresh.refreshToken, expiresAt: fresh.refresh.expiresAt });
    return c.json(times, 200);
  });
