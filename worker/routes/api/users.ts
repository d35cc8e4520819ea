import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { decodeCursor, page } from "../../lib/cursor";
import { AppError } from "../../lib/problem";
import { rejectInvalid } from "../../lib/validation";
import { ANY_ROLE, authorize } from "../../middleware/authorize";
import { CreateUserBody, MeSchema, UserSchema } from "../../schemas/accounts";
import { driversVehicle } from "../../services/vehicles";
import { bearerSecurity, errors, json, jsonBody, listOf, PageQuery } from "../../schemas/common";
import { createUser, findUser, listUsers, publicUser } from "../../services/users";

const me = createRoute({
  method: "get",
  path: "/me",
  summary: "The signed-in user",
  tags: ["Users"],
  security: bearerSecurity,
  middleware: [authorize(ANY_ROLE)] as const,
  responses: { 200: json(MeSchema, "The caller"), 401: errors[401] },
});

const create = createRoute({
  method: "post",
  path: "/users",
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

const list = createRoute({
  method: "get",
  path: "/users",
  summary: "List users (admin, manager)",
  tags: ["Users"],
  security: bearerSecurity,
  middleware: [authorize(["admin", "manager"])] as const,
  request: { query: PageQuery },
  responses: { 200: json(listOf(UserSchema, "UserList"), "Users"), 400: errors[400], 401: errors[401], 403: errors[403] },
});

export const userRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  .openapi(me, async (c) => {
    const auth = c.get("auth");
    const user = await findUser(database(c.env.DB), auth.tenantId, auth.userId);
    // A token can outlive its user; that is an invalid token, not a missing resource.
    if (!user) throw new AppError("unauthorized", "The token's user no longer exists.");
    // A driver's own vehicle, so its app can open it (drivers cannot list vehicles).
    const vehicleId = user.role === "driver" ? ((await driversVehicle(database(c.env.DB), auth.tenantId, user.id))?.id ?? null) : null;
    return c.json({ ...publicUser(user), vehicleId }, 200);
  })
  .openapi(create, async (c) => {
    const auth = c.get("auth");
    const user = await createUser(database(c.env.DB), auth.tenantId, c.req.valid("json"));
    c.set("audit", { action: "user.create", targetType: "user", targetId: user.id, detail: { role: user.role } });
    return c.json(publicUser(user), 201);
  })
  .openapi(list, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const after = decodeCursor(cursor, 1) as [string] | undefined;
    const rows = await listUsers(database(c.env.DB), c.get("auth").tenantId, limit, after?.[0]);
    const result = page(rows, limit, (u) => [u.id]);
    return c.json({ items: result.items.map(publicUser), nextCursor: result.nextCursor }, 200);
  });

