/**
 * Development-only benchmark endpoint for the edge model (`npm run bench -- --only model`).
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
import { ENGINE_CARD, loadEngineModelUncached, scoreWindows } from "../../../durable-objects/engine-risk";
import { scoreEngineRows } from "../../../models/load.js";
import engineFixture from "../../../models/fixtures/cmapss-fd001.json";
import { engineRowWindow, type EngineReading } from "../../../models/features.js";

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
  /** Load the model afresh (uncached) before scoring: what a cold isolate pays. */
  reload: z.boolean().default(false),
});

const bench = createRoute({
  method: "post",
  path: "/bench/model",
  hide: true,
  summary: "Score `batches` batches of engine windows (development only)",
  middleware: [devOnly] as const,
  request: jsonBody(BenchBody),
  responses: {
    200: json(z.object({ scored: z.number(), checksum: z.number() }), "Scored"),
    400: errors[400],
    401: errors[401],
    404: errors[404],
  },
});

// As the tenant's object keeps them: engine rows, parsed from JSON like a loaded state row.
const fixtureWindows = JSON.parse(
  JSON.stringify(engineFixture.cases.map((c) => engineRowWindow(c.window as EngineReading[], ENGINE_CARD.preprocessing))),
) as number[][][];

export const predictiveBenchRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid }).openapi(bench, async (c) => {
  const { batches, batchSize, reload } = c.req.valid("json");
  const windows = Array.from({ length: batchSize }, (_, i) => fixtureWindows[i % fixtureWindows.length]!);
  let checksum = 0;
  if (reload) {
    const model = await loadEngineModelUncached();
    // One window through the fresh model, so the load includes the first predict's setup.
    checksum += scoreEngineRows(model, ENGINE_CARD, windows.slice(0, 1))[0]!.pFail30;
    model.dispose();
  }
  // The production path: features + one batched predict per batch, in tf.tidy, cached model.
  for (let b = 0; b < batches; b++) for (const risk of await scoreWindows(windows, Date.now())) checksum += risk.score;
  return c.json({ scored: batches * batchSize, checksum }, 200);
});
