/**
 * Development-only benchmark endpoint for the vehicle health models (`npm run bench -- --only model`).
 * workerd's clock does not advance while the isolate computes, so the benchmark client times
 * these calls from outside and subtracts an empty call. Outside `ENVIRONMENT=development` the
 * endpoint does not exist (404 like any unknown path); in development it takes the platform
 * admin token. Hidden from the OpenAPI document.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../env";
import { safeEqual } from "../../lib/crypto";
import { AppError } from "../../lib/problem";
import { rejectInvalid } from "../../lib/validation";
import { bearerToken } from "../../middleware/authorize";
import { errors, json, jsonBody } from "../../schemas/common";
import { type HealthReading, initialHealthState, loadVehicleHealth, updateVehicleHealth } from "../../../models/vehicle/index.js";

const devOnly = createMiddleware<AppEnv>(async (c, next) => {
  if (c.env.ENVIRONMENT !== "development") throw new AppError("not_found", "No such endpoint.");
  const token = bearerToken(c.req.header("authorization"));
  const expected = c.env.PLATFORM_ADMIN_TOKEN;
  if (!token || !expected || !safeEqual(token, expected)) throw new AppError("unauthorized", "The platform admin token is required.");
  await next();
});

const BenchBody = z.strictObject({
  batches: z.number().int().min(0).max(2000),
  batchSize: z.number().int().min(1).max(1024).default(256),
  /** Readings per vehicle window (one ingest's worth for a vehicle at 1 Hz). */
  windowLength: z.number().int().min(1).max(600).default(10),
});

const bench = createRoute({
  method: "post",
  path: "/bench/model",
  hide: true,
  summary: "Score `batches` batches of vehicle windows through the health models (development only)",
  middleware: [devOnly] as const,
  request: jsonBody(BenchBody),
  responses: {
    200: json(z.object({ scored: z.number(), checksum: z.number() }), "Scored"),
    400: errors[400],
    401: errors[401],
    404: errors[404],
  },
});

/** Distinct one-window reading patterns per vehicle; batch b scores pattern b mod POOL_WINDOWS. */
const POOL_WINDOWS = 5;

/** Ordinary telematics at 1 Hz, warm engine, varied per vehicle and window so no two windows are equal. */
function window(vehicle: number, start: number, length: number): HealthReading[] {
  return Array.from({ length }, (_, k) => {
    const t = start + k;
    return {
      ts: t * 1000,
      readings: {
        speedKph: 50 + 20 * Math.sin((t + vehicle) / 30),
        rpm: 1800 + 400 * Math.sin((t + vehicle) / 20),
        engineLoadPct: 40 + 10 * Math.sin(t / 15),
        coolantTempC: 88 + (vehicle % 5) + Math.sin(t / 40),
        intakeAirTempC: 25,
        batteryV: 14.1 - (vehicle % 3) * 0.1,
        brakePadMm: 9 - (vehicle % 7) * 0.5,
        tirePressureKpa: 690 - (vehicle % 4) * 5,
      },
    };
  });
}

export const predictiveBenchRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid }).openapi(bench, async (c) => {
  const { batches, batchSize, windowLength } = c.req.valid("json");
  await loadVehicleHealth();
  // The inputs are built once per call, before any scoring, whatever `batches` is: the client
  // times calls with different `batches` and takes the difference, so building them cancels out
  // and the difference is scoring alone. Each batch reuses a pooled window with its timestamps
  // moved forward (a plain store per reading; the engine keeps no reference to its inputs).
  const pool = Array.from({ length: POOL_WINDOWS }, (_, w) =>
    Array.from({ length: batchSize }, (_, v) => window(v, w * windowLength, windowLength)),
  );
  // The production path: one updateVehicleHealth per batch, each vehicle's state carried forward.
  let states = Array.from({ length: batchSize }, () => initialHealthState());
  let checksum = 0;
  for (let b = 0; b < batches; b++) {
    const windows = pool[b % POOL_WINDOWS]!;
    for (const readings of windows) for (let k = 0; k < readings.length; k++) readings[k]!.ts = (b * windowLength + k) * 1000;
    const results = await updateVehicleHealth(
      states.map((state, v) => ({ state, readings: windows[v]! })),
      (b + 1) * windowLength * 1000,
    );
    states = results.map((r) => r.state);
    for (const r of results) for (const component of r.components) checksum += component.p30;
  }
  return c.json({ scored: batches * batchSize, checksum }, 200);
});
