import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { decodeCursor, page } from "../../lib/cursor";
import { rejectInvalid } from "../../lib/validation";
import { authorize } from "../../middleware/authorize";
import { bearerSecurity, errors, IdParam, json, jsonBody, listOf, PageQuery } from "../../schemas/common";
import { BaySchema, CreateBayBody, CreateTechnicianBody, PatchBayBody, PatchTechnicianBody, TechnicianSchema } from "../../schemas/maintenance";
import {
  createBay,
  createTechnician,
  getBay,
  getTechnician,
  listBays,
  listTechnicians,
  publicBay,
  publicTechnician,
  updateBay,
  updateTechnician,
} from "../../services/shop";

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
  summary: "Add a technician: skills, weekly shifts (local to its IANA time zone; an end not after the start runs past midnight), optional login",
  request: jsonBody(CreateTechnicianBody),
  responses: { 201: json(TechnicianSchema, "Created"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409] },
});
const getTechnicianRoute = createRoute({
  ...technicianBase,
  method: "get",
  path: "/{id}",
  summary: "One technician",
  request: { params: IdParam },
  responses: { 200: json(TechnicianSchema, "The technician"), 401: errors[401], 403: errors[403], 404: errors[404] },
});
const patchTechnicianRoute = createRoute({
  ...technicianBase,
  method: "patch",
  path: "/{id}",
  summary: "Change a technician (existing bookings stay as they are)",
  request: { params: IdParam, ...jsonBody(PatchTechnicianBody) },
  responses: { 200: json(TechnicianSchema, "Updated"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409] },
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
    const technician = await getTechnician(database(c.env.DB), c.get("auth").tenantId, c.req.valid("param").id);
    return c.json(publicTechnician(technician), 200);
  })
  .openapi(patchTechnicianRoute, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const technician = await updateTechnician(database(c.env.DB), c.get("auth").tenantId, id, body);
    c.set("audit", { action: "technician.update", targetType: "technician", targetId: id, detail: { fields: Object.keys(body) } });
    return c.json(publicTechnician(technician), 200);
  });

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
  responses: { 200: json(BaySchema, "The bay"), 401: errors[401], 403: errors[403], 404: errors[404] },
});
const patchBayRoute = createRoute({
  ...bayBase,
  method: "patch",
  path: "/{id}",
  summary: "Change a bay (existing bookings stay as they are)",
  request: { params: IdParam, ...jsonBody(PatchBayBody) },
  responses: { 200: json(BaySchema, "Updated"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404] },
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
    const bay = await getBay(database(c.env.DB), c.get("auth").tenantId, c.req.valid("param").id);
    return c.json(publicBay(bay), 200);
  })
  .openapi(patchBayRoute, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const bay = await updateBay(database(c.env.DB), c.get("auth").tenantId, id, body);
    c.set("audit", { action: "bay.update", targetType: "bay", targetId: id, detail: { fields: Object.keys(body) } });
    return c.json(publicBay(bay), 200);
  });
