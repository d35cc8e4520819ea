/** GET /api/vehicles/:id/readings — a vehicle's recent readings, for the app's time-series charts. */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { tenantHub } from "../../lib/hub";
import { AppError } from "../../lib/problem";
import { rejectInvalid } from "../../lib/validation";
import { ANY_ROLE, authorize } from "../../middleware/authorize";
import { bearerSecurity, errors, IdParam, json } from "../../schemas/common";
import { getVehicle } from "../../services/vehicles";

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

export const vehicleReadingRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid }).openapi(readings, async (c) => {
  const auth = c.get("auth");
  const vehicle = await getVehicle(database(c.env.DB), auth.tenantId, c.req.valid("param").id);
  // A driver sees only its own vehicle, as on GET /api/vehicles/:id.
  if (auth.role === "driver" && vehicle.driverId !== auth.userId) throw new AppError("not_found", "No such vehicle.");
  const since = Date.now() - c.req.valid("query").hours * 3_600_000;
  const points = await tenantHub(c.env, auth.tenantId).recentReadings(auth.tenantId, vehicle.id, since, MAX_POINTS);
  return c.json(
    { vehicleId: vehicle.id, from: new Date(since).toISOString(), points: points.map((p) => ({ ts: new Date(p.ts).toISOString(), readings: p.readings })) },
    200,
  );
});
