import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { decodeCursor, page } from "../../lib/cursor";
import { tenantHub } from "../../lib/hub";
import { AppError } from "../../lib/problem";
import { rejectInvalid } from "../../lib/validation";
import { ANY_ROLE, authorize, STAFF } from "../../middleware/authorize";
import { bearerSecurity, errors, IdParam, json, jsonBody, listOf, PageQuery } from "../../schemas/common";
import { CreateVehicleBody, PatchVehicleBody, RiskSchema, VehicleDetail, VehicleSchema, VehicleWithRisk } from "../../schemas/vehicles";
import { createVehicle, getVehicle, listVehicles, publicVehicle, updateVehicle } from "../../services/vehicles";

/** /api/vehicles: the fleet, each vehicle's latest telemetry, risk and recent readings. */
const tags = ["Vehicles"];
const fleetEditors = authorize(["admin", "manager"]);

const create = createRoute({
  method: "post",
  path: "/",
  summary: "Register a vehicle",
  tags,
  security: bearerSecurity,
  middleware: [fleetEditors] as const,
  request: jsonBody(CreateVehicleBody),
  responses: {
    201: json(VehicleSchema, "Created"),
    400: errors[400],
    401: errors[401],
    403: errors[403],
    404: errors[404],
    409: errors[409],
  },
});

const list = createRoute({
  method: "get",
  path: "/",
  summary: "List vehicles (staff)",
  tags,
  security: bearerSecurity,
  middleware: [authorize(STAFF)] as const,
  request: { query: PageQuery },
  responses: {
    200: json(listOf(VehicleWithRisk, "VehicleList"), "Vehicles by name, each with its risk"),
    400: errors[400],
    401: errors[401],
    403: errors[403],
  },
});

const read = createRoute({
  method: "get",
  path: "/{id}",
  summary: "A vehicle with its latest telemetry and risk (staff; a driver for its own vehicle)",
  tags,
  security: bearerSecurity,
  middleware: [authorize(ANY_ROLE)] as const,
  request: { params: IdParam },
  responses: { 200: json(VehicleDetail, "The vehicle"), 401: errors[401], 404: errors[404] },
});

const risk = createRoute({
  method: "get",
  path: "/{id}/risk",
  summary: "The vehicle's failure risk within 30 and 7 days, overall and per component (null fields before any scoring)",
  tags,
  security: bearerSecurity,
  middleware: [authorize(ANY_ROLE)] as const,
  request: { params: IdParam },
  responses: { 200: json(RiskSchema, "Risk"), 401: errors[401], 404: errors[404] },
});

const patch = createRoute({
  method: "patch",
  path: "/{id}",
  summary: "Edit a vehicle or correct its meters",
  tags,
  security: bearerSecurity,
  middleware: [fleetEditors] as const,
  request: { params: IdParam, ...jsonBody(PatchVehicleBody) },
  responses: { 200: json(VehicleSchema, "Updated"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404] },
});

const MAX_POINTS = 500;

const ReadingsQuery = z.object({
  hours: z.coerce.number().int().min(1).max(168).default(6).openapi({ description: "How far back, in hours (1–168)" }),
});
const ReadingsSchema = z
  .object({
    vehicleId: z.string(),
    from: z.string(),
    points: z.array(z.object({ ts: z.string(), readings: z.record(z.string(), z.number()) })),
  })
  .openapi("VehicleReadings");

const readings = createRoute({
  method: "get",
  path: "/{id}/readings",
  summary: `The vehicle's readings of the last hours, oldest first (at most ${MAX_POINTS}, the newest)`,
  tags: ["Vehicles"],
  security: bearerSecurity,
  middleware: [authorize(ANY_ROLE)] as const,
  request: { params: IdParam, query: ReadingsQuery },
  responses: { 200: json(ReadingsSchema, "Readings"), 400: errors[400], 401: errors[401], 404: errors[404] },
});

export const vehicleRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  .openapi(create, async (c) => {
    const { tenantId } = c.get("auth");
    const vehicle = await createVehicle(database(c.env.DB), tenantId, c.req.valid("json"));
    await tenantHub(c.env, tenantId).invalidate(tenantId);
    c.set("audit", { action: "vehicle.create", targetType: "vehicle", targetId: vehicle.id });
    return c.json(publicVehicle(vehicle), 201);
  })
  .openapi(list, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const after = decodeCursor(cursor, 2) as [string, string] | undefined;
    const rows = await listVehicles(database(c.env.DB), c.get("auth").tenantId, limit, after);
    const result = page(rows, limit, (v) => [v.name, v.id]);
    const { tenantId } = c.get("auth");
    const risks = await tenantHub(c.env, tenantId).risks(
      tenantId,
      result.items.map((v) => v.id),
    );
    return c.json({ items: result.items.map((v) => ({ ...publicVehicle(v), risk: risks[v.id]! })), nextCursor: result.nextCursor }, 200);
  })
  .openapi(read, async (c) => {
    const auth = c.get("auth");
    const vehicle = await getVehicle(database(c.env.DB), auth.tenantId, c.req.valid("param").id);
    // A driver sees only the vehicle assigned to it; any other is as if it did not exist.
    if (auth.role === "driver" && vehicle.driverId !== auth.userId) throw new AppError("not_found", "No such vehicle.");
    const hub = tenantHub(c.env, auth.tenantId);
    const [latest, risk] = await Promise.all([hub.latest(auth.tenantId, vehicle.id), hub.risk(auth.tenantId, vehicle.id)]);
    return c.json({ ...publicVehicle(vehicle), latest, risk }, 200);
  })
  .openapi(risk, async (c) => {
    const auth = c.get("auth");
    const vehicle = await getVehicle(database(c.env.DB), auth.tenantId, c.req.valid("param").id);
    if (auth.role === "driver" && vehicle.driverId !== auth.userId) throw new AppError("not_found", "No such vehicle.");
    return c.json(await tenantHub(c.env, auth.tenantId).risk(auth.tenantId, vehicle.id), 200);
  })
  .openapi(patch, async (c) => {
    const { id } = c.req.valid("param");
    const { tenantId } = c.get("auth");
    const vehicle = await updateVehicle(database(c.env.DB), tenantId, id, c.req.valid("json"));
    await tenantHub(c.env, tenantId).invalidate(tenantId);
    c.set("audit", { action: "vehicle.update", targetType: "vehicle", targetId: id, detail: { fields: Object.keys(c.req.valid("json")) } });
    return c.json(publicVehicle(vehicle), 200);
  })
  .openapi(readings, async (c) => {
    const auth = c.get("auth");
    const vehicle = await getVehicle(database(c.env.DB), auth.tenantId, c.req.valid("param").id);
    // A driver sees only its own vehicle, as on GET /api/vehicles/:id.
    if (auth.role === "driver" && vehicle.driverId !== auth.userId) throw new AppError("not_found", "No such vehicle.");
    const since = Date.now() - c.req.valid("query").hours * 3_600_000;
    const points = await tenantHub(c.env, auth.tenantId).recentReadings(auth.tenantId, vehicle.id, since, MAX_POINTS);
    return c.json(
      {
        vehicleId: vehicle.id,
        from: new Date(since).toISOString(),
        points: points.map((p) => ({ ts: new Date(p.ts).toISOString(), readings: p.readings })),
      },
      200,
    );
  });
