import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { decodeCursor, page } from "../../lib/cursor";
import { assertIfMatch, etagOf } from "../../lib/etag";
import { rejectInvalid } from "../../lib/validation";
import { authorize } from "../../middleware/authorize";
import { bearerSecurity, errors, IdParam, json, jsonBody, listOf, PageQuery } from "../../schemas/common";
import { ifMatchParameter, precondition412, withEtag } from "../../schemas/concurrency";
import { BaySchema, CreateBayBody, PatchBayBody } from "../../schemas/maintenance";
import { createBay, getBay, listBays, publicBay, updateBay } from "../../services/shop";

/** /api/bays: the shop's service bays. */
const managers = authorize(["admin", "manager"]);
const bayBase = { tags: ["Shop"], security: bearerSecurity, middleware: managers };

const listBaysRoute = createRoute({
  ...bayBase,
  method: "get",
  path: "/",
  summary: "Bays, oldest first",
  request: { query: PageQuery },
  responses: { 200: json(listOf(BaySchema, "BayList"), "Bays"), 400: errors[400], 401: errors[401], 403: errors[403] },
});
const createBayRoute = createRoute({
  ...bayBase,
  method: "post",
  path: "/",
  summary: "Add a bay; capacity is how many vehicles it holds at once",
  request: jsonBody(CreateBayBody),
  responses: { 201: json(BaySchema, "Created"), 400: errors[400], 401: errors[401], 403: errors[403] },
});
const getBayRoute = createRoute({
  ...bayBase,
  method: "get",
  path: "/{id}",
  summary: "One bay",
  request: { params: IdParam },
  responses: { 200: withEtag(BaySchema, "The bay, with its ETag for If-Match"), 401: errors[401], 403: errors[403], 404: errors[404] },
});
const patchBayRoute = createRoute({
  ...bayBase,
  method: "patch",
  path: "/{id}",
  summary: "Change a bay (existing bookings stay as they are)",
  request: { params: IdParam, ...jsonBody(PatchBayBody) },
  parameters: [ifMatchParameter],
  responses: {
    200: withEtag(BaySchema, "Updated, with its new ETag"),
    400: errors[400],
    401: errors[401],
    403: errors[403],
    404: errors[404],
    412: precondition412(BaySchema),
  },
});

export const bayRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  .openapi(listBaysRoute, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const after = decodeCursor(cursor, 1) as [string] | undefined;
    const rows = await listBays(database(c.env.DB), c.get("auth").tenantId, limit, after?.[0]);
    const result = page(rows, limit, (b) => [b.id]);
    return c.json({ items: result.items.map(publicBay), nextCursor: result.nextCursor }, 200);
  })
  .openapi(createBayRoute, async (c) => {
    const bay = await createBay(database(c.env.DB), c.get("auth").tenantId, c.req.valid("json"));
    c.set("audit", { action: "bay.create", targetType: "bay", targetId: bay.id });
    return c.json(publicBay(bay), 201);
  })
  .openapi(getBayRoute, async (c) => {
    const bay = publicBay(await getBay(database(c.env.DB), c.get("auth").tenantId, c.req.valid("param").id));
    c.header("etag", await etagOf(bay));
    return c.json(bay, 200);
  })
  .openapi(patchBayRoute, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const { tenantId } = c.get("auth");
    const db = database(c.env.DB);
    const ifMatch = c.req.header("if-match");
    if (ifMatch !== undefined) {
      const current = publicBay(await getBay(db, tenantId, id));
      assertIfMatch(ifMatch, "bay", current, await etagOf(current));
    }
    const bay = publicBay(await updateBay(db, tenantId, id, body));
    c.set("audit", { action: "bay.update", targetType: "bay", targetId: id, detail: { fields: Object.keys(body) } });
    c.header("etag", await etagOf(bay));
    return c.json(bay, 200);
  });
