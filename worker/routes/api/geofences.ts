import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { rejectInvalid } from "../../lib/validation";
import { authorize, STAFF } from "../../middleware/authorize";
import { bearerSecurity, errors, IdParam, json, jsonBody } from "../../schemas/common";
import { CreateGeofenceBody, GeofenceListSchema, GeofenceSchema, PatchGeofenceBody } from "../../schemas/geofences";
import { createGeofence, deleteGeofence, getGeofence, listGeofences, publicGeofence, updateGeofence } from "../../services/geofences";
import { refreshHub } from "../lib/refresh-hub";

/** /api/geofences: named circles and polygons that enter, exit and dwell rules follow. */
const tags = ["Geofences"];
const readers = { tags, security: bearerSecurity, middleware: authorize(STAFF) };
const editors = { tags, security: bearerSecurity, middleware: authorize(["admin", "manager"]) };

const list = createRoute({
  ...readers,
  method: "get",
  path: "/",
  summary: "The tenant's geofences, oldest first",
  responses: { 200: json(GeofenceListSchema, "Geofences"), 401: errors[401], 403: errors[403] },
});
const one = createRoute({
  ...readers,
  method: "get",
  path: "/{id}",
  summary: "One geofence",
  request: { params: IdParam },
  responses: { 200: json(GeofenceSchema, "The geofence"), 401: errors[401], 403: errors[403], 404: errors[404] },
});
const create = createRoute({
  ...editors,
  method: "post",
  path: "/",
  summary: "Add a geofence: a circle {lat, lon, radiusM} or a polygon of [lat, lon] points",
  request: jsonBody(CreateGeofenceBody),
  responses: { 201: json(GeofenceSchema, "Created"), 400: errors[400], 401: errors[401], 403: errors[403] },
});
const patch = createRoute({
  ...editors,
  method: "patch",
  path: "/{id}",
  summary: "Change a geofence's name, tags or shape (its rules follow the new shape from the next fix)",
  request: { params: IdParam, ...jsonBody(PatchGeofenceBody) },
  responses: { 200: json(GeofenceSchema, "Updated"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404] },
});
const remove = createRoute({
  ...editors,
  method: "delete",
  path: "/{id}",
  summary: "Delete a geofence no rule uses",
  request: { params: IdParam },
  responses: { 204: { description: "Deleted" }, 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409] },
});

/** Shapes are cached in the tenant's Durable Object; every change tells it to reload. */

export const geofenceRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  .openapi(list, async (c) => {
    const rows = await listGeofences(database(c.env.DB), c.get("auth").tenantId);
    return c.json({ items: rows.map(publicGeofence) }, 200);
  })
  .openapi(one, async (c) => {
    const row = await getGeofence(database(c.env.DB), c.get("auth").tenantId, c.req.valid("param").id);
    return c.json(publicGeofence(row), 200);
  })
  .openapi(create, async (c) => {
    const { tenantId } = c.get("auth");
    const row = await createGeofence(database(c.env.DB), tenantId, c.req.valid("json"));
    c.set("audit", { action: "geofence.create", targetType: "geofence", targetId: row.id });
    return c.json(publicGeofence(row), 201);
  })
  .openapi(patch, async (c) => {
    const { tenantId } = c.get("auth");
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const row = await updateGeofence(database(c.env.DB), tenantId, id, body);
    await refreshHub(c.env, tenantId);
    c.set("audit", { action: "geofence.update", targetType: "geofence", targetId: id, detail: { fields: Object.keys(body) } });
    return c.json(publicGeofence(row), 200);
  })
  .openapi(remove, async (c) => {
    const { tenantId } = c.get("auth");
    const { id } = c.req.valid("param");
    await deleteGeofence(database(c.env.DB), tenantId, id);
    await refreshHub(c.env, tenantId);
    c.set("audit", { action: "geofence.delete", targetType: "geofence", targetId: id });
    return c.body(null, 204);
  });
