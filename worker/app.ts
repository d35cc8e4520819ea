import { OpenAPIHono } from "@hono/zod-openapi";
import { HTTPException } from "hono/http-exception";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./env";
import { AppError, renderProblem } from "./lib/problem";
import { rejectInvalid } from "./lib/validation";
import { auditWrites } from "./middleware/audit";
import { adminTenantRoutes } from "./routes/api/admin-tenants";
import { auditRoutes } from "./routes/api/audit";
import { authRoutes } from "./routes/api/auth";
import { renderDocs } from "./routes/api/docs";
import { integrationRoutes } from "./routes/api/integrations";
import { userRoutes } from "./routes/api/users";
import { vehicleRoutes } from "./routes/api/vehicles";

export const MAX_BODY_BYTES = 1024 * 1024;

const OPENAPI_INFO = {
  title: "FleetPulse API",
  version: "1.0.0",
  description: "Fleet alerting, notifications and maintenance scheduling. Errors are RFC 9457 problem JSON.",
};

/** Maps anything thrown to problem JSON; unknown errors are logged with the request id and never leak. */
function toProblem(error: unknown, requestId: string): Response {
  if (error instanceof AppError) return renderProblem(error);
  if (error instanceof HTTPException) {
    const code =
      error.status === 413 ? "payload_too_large" : error.status === 400 ? "validation" : error.status === 401 ? "unauthorized" : null;
    if (code) {
      const detail = code === "validation" ? "The body is not valid JSON." : undefined;
      return renderProblem(new AppError(code, detail, code === "validation" ? [{ path: "(body)", message: error.message }] : undefined));
    }
  }
  console.error(JSON.stringify({ level: "error", requestId, error: String(error), stack: (error as Error)?.stack }));
  return renderProblem(new AppError("internal", `Something went wrong. Reference: ${requestId}`));
}

const api = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  .route("/admin/tenants", adminTenantRoutes)
  .route("/auth", authRoutes)
  .route("/", userRoutes)
  .route("/vehicles", vehicleRoutes)
  .route("/integrations", integrationRoutes)
  .route("/audit", auditRoutes);

api.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", { type: "http", scheme: "bearer", bearerFormat: "JWT" });
api.openAPIRegistry.registerComponent("securitySchemes", "platformToken", { type: "http", scheme: "bearer" });
api.doc31("/openapi.json", { openapi: "3.1.0", info: OPENAPI_INFO });
api.get("/docs", (c) => c.html(renderDocs(api.getOpenAPI31Document({ openapi: "3.1.0", info: OPENAPI_INFO }) as never)));

export const app = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid });
app.use("*", requestId());
app.use("*", secureHeaders());
app.use(
  "*",
  bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => renderProblem(new AppError("payload_too_large", `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`)),
  }),
);
app.use("/api/*", auditWrites);
app.onError((error, c) => toProblem(error, c.get("requestId")));
app.notFound(() => renderProblem(new AppError("not_found", "No such endpoint.")));

const routes = app.route("/api", api);

/** The typed API surface for `hc<AppType>` in the PWA. */
export type AppType = typeof routes;
export { api };
