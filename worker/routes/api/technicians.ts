import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { decodeCursor, page } from "../../lib/cursor";
import { assertIfMatch, etagOf } from "../../lib/etag";
import { rejectInvalid } from "../../lib/validation";
import { authorize } from "../../middleware/authorize";
import { bearerSecurity, errors, IdParam, json, jsonBody, listOf, PageQuery } from "../../schemas/common";
import { ifMatchParameter, precondition412, withEtag } from "../../schemas/concurrency";
import { CreateTechnicianBody, PatchTechnicianBody, TechnicianSchema } from "../../schemas/maintenance";
import { createTechnician, getTechnician, listTechnicians, publicTechnician, updateTechnician } from "../../services/shop";

/** /api/technicians: the shop's technicians (skills, shifts in their own time zone). */
const managers = authorize(["admin", "manager"]);
const technicianBase = { tags: ["Shop"], security: bearerSecurity, middleware: managers };

const listTechniciansRoute = createRoute({
  ...technicianBase,
  method: "get",
  path: "/",
  summary: "Technicians, oldest first",
  request: { query: PageQuery },
  responses: { 200: json(listOf(TechnicianSchema, "TechnicianList"), "Technicians"), 400: errors[400], 401: errors[401], 403: errors[403] },
});
const createTechnicianRoute = createRoute({
  ...technicianBase,
  method: "post",
  path: "/",
  summary:
    "Add a technician: skills, weekly shifts (local to its IANA time zone; an end not after the start runs past midnight), optional login",
  request: jsonBody(CreateTechnicianBody),
  responses: {
    201: json(TechnicianSchema, "Created"),
    400: errors[400],
    401: errors[401],
    403: errors[403],
    404: errors[404],
    409: errors[409],
  },
});
const getTechnicianRoute = createRoute({
  ...technicianBase,
  method: "get",
  path: "/{id}",
  summary: "One technician",
  request: { params: IdParam },
  responses: {
    200: withEtag(TechnicianSchema, "The technician, with its ETag for If-Match"),
    401: errors[401],
    403: errors[403],
    404: errors[404],
  },
});
const patchTechnicianRoute = createRoute({
  ...technicianBase,
  method: "patch",
  path: "/{id}",
  summary: "Change a technician (existing bookings stay as they are)",
  request: { params: IdParam, ...jsonBody(PatchTechnicianBody) },
  parameters: [ifMatchParameter],
  responses: {
    200: withEtag(TechnicianSchema, "Updated, with its new ETag"),
    400: errors[400],
    401: errors[401],
    403: errors[403],
    404: errors[404],
    409: errors[409],
    412: precondition412(TechnicianSchema),
  },
});

export const technicianRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  .openapi(listTechniciansRoute, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const after = decodeCursor(cursor, 1) as [string] | undefined;
    const rows = await listTechnicians(database(c.env.DB), c.get("auth").tenantId, limit, after?.[0]);
    const result = page(rows, limit, (t) => [t.id]);
    return c.json({ items: result.items.map(publicTechnician), nextCursor: result.nextCursor }, 200);
  })
  .openapi(createTechnicianRoute, async (c) => {
    const technician = await createTechnician(database(c.env.DB), c.get("auth").tenantId, c.req.valid("json"));
    c.set("audit", { action: "technician.create", targetType: "technician", targetId: technician.id });
    return c.json(publicTechnician(technician), 201);
  })
  .openapi(getTechnicianRoute, async (c) => {
    const technician = publicTechnician(await getTechnician(database(c.env.DB), c.get("auth").tenantId, c.req.valid("param").id));
    c.header("etag", await etagOf(technician));
    return c.json(technician, 200);
  })
  .openapi(patchTechnicianRoute, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const { tenantId } = c.get("auth");
    const db = database(c.env.DB);
    const ifMatch = c.req.header("if-match");
    if (ifMatch !== undefined) {
      const current = publicTechnician(await getTechnician(db, tenantId, id));
      assertIfMatch(ifMatch, "technician", current, await etagOf(current));
    }
    const technician = publicTechnician(await updateTechnician(db, tenantId, id, body));
    c.set("audit", { action: "technician.update", targetType: "technician", targetId: id, detail: { fields: Object.keys(body) } });
    c.header("etag", await etagOf(technician));
    return c.json(technician, 200);
  });
