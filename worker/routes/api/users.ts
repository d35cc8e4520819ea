import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import type { AppEnv } from "../../env";
import { database, inTenant } from "../../db/client";
import { users } from "../../db/schema";
import { decodeCursor, page } from "../../lib/cursor";
import { assertIfMatch, etagOf } from "../../lib/etag";
import { AppError } from "../../lib/problem";
import { rejectInvalid } from "../../lib/validation";
import { ANY_ROLE, authorize } from "../../middleware/authorize";
import { CreateUserBody, Role, UserSchema } from "../../schemas/accounts";
import { ifMatchParameter, precondition412, withEtag } from "../../schemas/concurrency";
import { bearerSecurity, errors, IdParam, json, jsonBody, listOf, PageQuery } from "../../schemas/common";
import { UserBadgesSchema } from "../../schemas/engagement";
import { GroupList } from "../../schemas/groups";
import { userBadges } from "../../services/engagement-leaderboard";
import { isOptedOut } from "../../services/engagement-settings";
import { tenantHub } from "../../lib/hub";
import { keyringOf } from "../../lib/keyring";
import { createUser, findUser, listUsers, openUser, publicUser, updateUser } from "../../services/users";
import { eraseUser, eraseUserRoute, exportUser, exportUserRoute } from "./users-gdpr";

/** /api/users: the tenant's users, and each user's public badges. */
const anyone = authorize(ANY_ROLE);
const engagementTags = ["Engagement"];

const create = createRoute({
  method: "post",
  path: "/",
  summary: "Create a user (admin)",
  tags: ["Users"],
  security: bearerSecurity,
  middleware: [authorize(["admin"])] as const,
  request: jsonBody(CreateUserBody),
  responses: {
    201: json(UserSchema, "Created"),
    400: errors[400],
    401: errors[401],
    403: errors[403],
    409: errors[409],
  },
});

const UpdateUserBody = z
  .strictObject({
    name: z.string().trim().min(1).max(120).optional(),
    phone: CreateUserBody.shape.phone.unwrap().nullable().optional(),
    role: Role.optional(),
    active: z.boolean().optional(),
    groups: GroupList.optional(),
  })
  .openapi("UpdateUser");

const update = createRoute({
  method: "patch",
  path: "/{id}",
  summary: "Change a user (admin): deactivating or changing the role revokes the user's tokens",
  tags: ["Users"],
  security: bearerSecurity,
  middleware: [authorize(["admin"])] as const,
  request: { params: IdParam, ...jsonBody(UpdateUserBody) },
  parameters: [ifMatchParameter],
  responses: {
    200: withEtag(UserSchema, "Updated, with its new ETag"),
    400: errors[400],
    401: errors[401],
    403: errors[403],
    404: errors[404],
    409: errors[409],
    412: precondition412(UserSchema),
  },
});

const read = createRoute({
  method: "get",
  path: "/{id}",
  summary: "One user (admin, manager), with its ETag for If-Match",
  tags: ["Users"],
  security: bearerSecurity,
  middleware: [authorize(["admin", "manager"])] as const,
  request: { params: IdParam },
  responses: { 200: withEtag(UserSchema, "The user"), 401: errors[401], 403: errors[403], 404: errors[404] },
});

/** The user as the API shows it, or 404 (another tenant's user included). */
async function publicUserOr404(env: Env, tenantId: string, id: string) {
  const row = await findUser(database(env.DB), tenantId, id);
  if (!row) throw new AppError("not_found", "No such user.");
  return publicUser(await openUser(keyringOf(env), row));
}

const list = createRoute({
  method: "get",
  path: "/",
  summary: "List users (admin, manager)",
  tags: ["Users"],
  security: bearerSecurity,
  middleware: [authorize(["admin", "manager"])] as const,
  request: { query: PageQuery },
  responses: { 200: json(listOf(UserSchema, "UserList"), "Users"), 400: errors[400], 401: errors[401], 403: errors[403] },
});

const badgesOfUser = createRoute({
  tags: engagementTags,
  security: bearerSecurity,
  middleware: [anyone] as const,
  method: "get",
  path: "/{id}/badges",
  summary: "A user's badges (404 for another tenant's user, or one who opted out unless it is the caller)",
  request: { params: IdParam },
  responses: { 200: json(UserBadgesSchema, "Badges"), 401: errors[401], 404: errors[404] },
});

export const userRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  .openapi(create, async (c) => {
    const auth = c.get("auth");
    const user = await createUser(database(c.env.DB), keyringOf(c.env), auth.tenantId, c.req.valid("json"));
    c.set("audit", { action: "user.create", targetType: "user", targetId: user.id, detail: { role: user.role } });
    return c.json(publicUser(user), 201);
  })
  .openapi(update, async (c) => {
    const auth = c.get("auth");
    const { id } = c.req.valid("param");
    const changes = c.req.valid("json");
    // An admin cannot lock itself out (and so the tenant, were it the last admin).
    if (id === auth.userId && (changes.active === false || (changes.role && changes.role !== "admin"))) {
      throw new AppError("conflict", "You cannot deactivate yourself or give up your own admin role.");
    }
    const ifMatch = c.req.header("if-match");
    if (ifMatch !== undefined) {
      const current = await publicUserOr404(c.env, auth.tenantId, id);
      assertIfMatch(ifMatch, "user", current, await etagOf(current));
    }
    const { user, revoked } = await updateUser(database(c.env.DB), keyringOf(c.env), auth.tenantId, id, changes);
    if (revoked) await tenantHub(c.env, auth.tenantId).endSessions(auth.tenantId, id);
    c.set("audit", { action: "user.update", targetType: "user", targetId: id, detail: { fields: Object.keys(changes), revoked } });
    c.header("etag", await etagOf(publicUser(user)));
    return c.json(publicUser(user), 200);
  })
  .openapi(read, async (c) => {
    const user = await publicUserOr404(c.env, c.get("auth").tenantId, c.req.valid("param").id);
    c.header("etag", await etagOf(user));
    return c.json(user, 200);
  })
  .openapi(list, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const after = decodeCursor(cursor, 1) as [string] | undefined;
    const rows = await listUsers(database(c.env.DB), keyringOf(c.env), c.get("auth").tenantId, limit, after?.[0]);
    const result = page(rows, limit, (u) => [u.id]);
    return c.json({ items: result.items.map(publicUser), nextCursor: result.nextCursor }, 200);
  })
  .openapi(badgesOfUser, async (c) => {
    const auth = c.get("auth");
    const { id } = c.req.valid("param");
    const db = database(c.env.DB);
    const user = await db.query.users.findFirst({ where: inTenant(users, auth.tenantId, eq(users.id, id)), columns: { id: true } });
    if (!user || (id !== auth.userId && (await isOptedOut(db, auth.tenantId, id)))) throw new AppError("not_found", "No such user.");
    return c.json({ userId: id, badges: await userBadges(c.env.DB, auth.tenantId, id) }, 200);
  })
  .openapi(exportUserRoute, exportUser)
  .openapi(eraseUserRoute, eraseUser);
