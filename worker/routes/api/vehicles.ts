import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { TypedResponse } from "hono";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { decodeCursor } from "../../lib/cursor";
import { tenantHub } from "../../lib/hub";
import { AppError } from "../../lib/problem";
import { rejectInvalid } from "../../lib/validation";
import { ANY_ROLE, authorize, STAFF } from "../../middleware/authorize";
import { bearerSecurity, errors, IdParam, json, jsonBody, listOf, PageQuery } from "../../schemas/common";
import { CreateVehicleBody, PatchVehicleBody, RiskSchema, VehicleDetail, VehicleSchema, VehicleWithRisk } from "../../schemas/vehicles";
import { fleetRevisionRider, vehicleListJson } from "../../services/vehicle-pages";
import { createVehicle, getVehicle, publicVehicle, updateVehicle } from "../../services/vehicles";
import { assertIfMatch, etagOf } from "../../lib/etag";
import { ifMatchParameter, precondition412, withEtag } from "../../schemas/concurrency";
import { importVehicles, MAX_IMPORT_ROWS } from "../../services/vehicle-import";
import { keyringOf } from "../../lib/keyring";

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

const VehicleList = listOf(VehicleWithRisk, "VehicleList");

const list = createRoute({
  method: "get",
  path: "/",
  summary: "List vehicles (staff)",
  tags,
  security: bearerSecurity,
  // A token first seen by this isolate: the fleet's revision is read with its session check.
  middleware: [authorize(STAFF, { rider: fleetRevisionRider })] as const,
  request: { query: PageQuery },
  responses: {
    200: json(VehicleList, "Vehicles by name, each with its risk"),
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
  responses: { 200: withEtag(VehicleDetail, "The vehicle (ETag: its editable fields' version)"), 401: errors[401], 404: errors[404] },
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
  parameters: [ifMatchParameter],
  request: { params: IdParam, ...jsonBody(PatchVehicleBody) },
  responses: {
    200: withEtag(VehicleSchema, "Updated"),
    400: errors[400],
    401: errors[401],
    403: errors[403],
    404: errors[404],
    412: precondition412(VehicleSchema),
  },
});

const ImportVehiclesBody = z
  .strictObject({
    csv: z
      .string()
      .min(1)
      .max(1_000_000)
      .openapi({
        description: `The file's text: a header line naming the columns (externalId, name, vin, type, odometerKm, engineHours, driver — or the form's labels), then one vehicle per line; at most ${MAX_IMPORT_ROWS}`,
        example: "externalId,name,type,odometerKm\nTRUCK-101,Unit 101,truck,120500",
      }),
  })
  .openapi("ImportVehicles");

const importRoute = createRoute({
  method: "post",
  path: "/import",
  summary: "Register vehicles from a CSV file, all or nothing",
  description:
    "Every line is validated as POST /api/vehicles would; a duplicate External ID (in the file or the fleet) or an unknown driver refuses its line. " +
    "If any line is refused, the 400 names each one as `lines.<line number>.<column>` and nothing is stored.",
  tags,
  security: bearerSecurity,
  middleware: [fleetEditors] as const,
  request: jsonBody(ImportVehiclesBody),
  responses: {
    201: json(z.object({ created: z.number().int(), items: z.array(VehicleSchema) }).openapi("VehicleImport"), "Every vehicle created"),
    400: errors[400],
    401: errors[401],
    403: errors[403],
    409: errors[409],
  },
});

const MAX_POINTS = 500;

const ReadingsQuery = z.object({
  hours: z.coerce.number().int().min(1).max(168).default(6).openapi({ description: "How far back, in hours (1–168)" }),
});
const MetricMap = z.record(z.string(), z.number());
const ReadingsSchema = z
  .object({
    vehicleId: z.string(),
    from: z.string(),
    /** Width of each point's interval: 60 for windows up to 8 hours, wider for longer ones. */
    resolutionSeconds: z.number().int(),
    points: z.array(
      z.object({
        ts: z.string().openapi({ description: "Start of the point's interval" }),
        readings: MetricMap.openapi({ description: "Mean of each reading over the interval" }),
        min: MetricMap,
        max: MetricMap,
        last: MetricMap.openapi({ description: "Newest value in the interval" }),
        count: MetricMap.openapi({ description: "Readings merged into the point, by metric" }),
      }),
    ),
  })
  .openapi("VehicleReadings");

const readings = createRoute({
  method: "get",
  path: "/{id}/readings",
  summary: `The vehicle's downsampled readings of the last hours, oldest first (at most ${MAX_POINTS} points covering the window)`,
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
  .openapi(importRoute, async (c) => {
    const { tenantId } = c.get("auth");
    const created = await importVehicles(database(c.env.DB), keyringOf(c.env), tenantId, c.req.valid("json").csv);
    await tenantHub(c.env, tenantId).invalidate(tenantId);
    c.set("audit", { action: "vehicle.import", targetType: "vehicle", detail: { created: created.length } });
    return c.json({ created: created.length, items: created.map(publicVehicle) }, 201);
  })
  .openapi(list, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const after = decodeCursor(cursor, 2) as [string, string] | undefined;
    const { tenantId } = c.get("auth");
    // As remembered by this isolate while neither the fleet nor its risks moved (vehicle-pages.ts).
    const body = await vehicleListJson(c.env, database(c.env.DB), tenantId, limit, after, c.get("fleetRevision"));
    return c.body(body, 200, { "content-type": "application/json" }) as unknown as TypedResponse<z.infer<typeof VehicleList>, 200, "json">;
  })
  .openapi(read, async (c) => {
    const auth = c.get("auth");
    const vehicle = await getVehicle(database(c.env.DB), auth.tenantId, c.req.valid("param").id);
    // A driver sees only the vehicle assigned to it; any other is as if it did not exist.
    if (auth.role === "driver" && vehicle.driverId !== auth.userId) throw new AppError("not_found", "No such vehicle.");
    const hub = tenantHub(c.env, auth.tenantId);
    const [latest, risk] = await Promise.all([hub.latest(auth.tenantId, vehicle.id), hub.risk(auth.tenantId, vehicle.id)]);
    c.header("etag", await etagOf(publicVehicle(vehicle)));
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
    const db = database(c.env.DB);
    const ifMatch = c.req.header("if-match");
    if (ifMatch !== undefined) {
      const current = publicVehicle(await getVehicle(db, tenantId, id));
      assertIfMatch(ifMatch, "vehicle", current, await etagOf(current));
    }
    const vehicle = await updateVehicle(db, tenantId, id, c.req.valid("json"));
    await tenantHub(c.env, tenantId).invalidate(tenantId);
    c.set("audit", { action: "vehicle.update", targetType: "vehicle", targetId: id, detail: { fields: Object.keys(c.req.valid("json")) } });
    c.header("etag", await etagOf(publicVehicle(vehicle)));
    return c.json(publicVehicle(vehicle), 200);
  })
  .openapi(readings, async (c) => {
    const auth = c.get("auth");
    const vehicle = await getVehicle(database(c.env.DB), auth.tenantId, c.req.valid("param").id);
    // A driver sees only its own vehicle, as on GET /api/vehicles/:id.
    if (auth.role === "driver" && vehicle.driverId !== auth.userId) throw new AppError("not_found", "No such vehicle.");
    const now = Date.now();
    // Whole minutes: the store's finest buckets are minutes, so the points line up with them. The
    // end leaves room for events up to 5 minutes ahead (a vendor's clock skew), which are accepted.
    const since = Math.floor((now - c.req.valid("query").hours * 3_600_000) / 60_000) * 60_000;
    const series = await tenantHub(c.env, auth.tenantId).recentReadings(auth.tenantId, vehicle.id, since, now + 6 * 60_000, MAX_POINTS);
    return c.json(
      {
        vehicleId: vehicle.id,
        from: new Date(since).toISOString(),
        resolutionSeconds: series.stepMs / 1000,
        points: series.points.map((p) => ({ ...p, ts: new Date(p.ts).toISOString() })),
      },
      200,
    );
  });
