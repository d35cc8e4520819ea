import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import type { AppEnv } from "./env";
import { AppError, type ProblemContext, renderProblem } from "./lib/problem";
import { rejectInvalid } from "./lib/validation";
import { auditWrites } from "./middleware/audit";
import { apiRateLimit, COSTLY_PATHS, costlyRateLimit, webhookRateLimit } from "./middleware/rate-limit";
import { securityHeaders } from "./middleware/security-headers";
import { adminRoutes } from "./routes/api/admin";
import { alertRoutes } from "./routes/api/alerts";
import { analyticsRoutes } from "./routes/api/analytics";
import { apiKeyRoutes } from "./routes/api/api-keys";
import { auditRoutes } from "./routes/api/audit";
import { authRoutes } from "./routes/api/auth";
import { bayRoutes } from "./routes/api/bays";
import { predictiveBenchRoutes } from "./routes/api/dev";
import { renderDocs } from "./routes/api/docs";
import { engagementRoutes } from "./routes/api/engagement";
import { geofenceRoutes } from "./routes/api/geofences";
import { escalationPolicyRoutes } from "./routes/api/escalation-policies";
import { integrationRoutes } from "./routes/api/integrations";
import { leaderboardRoutes } from "./routes/api/leaderboard";
import { liveRoutes } from "./routes/api/live";
import { maintenanceRoutes } from "./routes/api/maintenance";
import { meRoutes } from "./routes/api/me";
import { notificationRoutes } from "./routes/api/notifications";
import { pushRoutes } from "./routes/api/push";
import { reportRoutes } from "./routes/api/reports";
import { ruleRoutes } from "./routes/api/rules";
import { settingsRoutes } from "./routes/api/settings";
import { silenceRoutes } from "./routes/api/silences";
import { ssoRoutes } from "./routes/api/sso";
import { technicianRoutes } from "./routes/api/technicians";
import { userRoutes } from "./routes/api/users";
import { vehicleRoutes } from "./routes/api/vehicles";
import { voiceRoutes } from "./routes/api/voice";
import { workOrderRoutes } from "./routes/api/work-orders";
import { rejectUnknownVendor } from "./routes/lib/webhooks";
import { problemRoutes } from "./routes/problems";
import { motiveWebhookRoutes } from "./routes/webhooks/motive";
import { samsaraWebhookRoutes } from "./routes/webhooks/samsara";
import { telemetryWebhookRoutes } from "./routes/webhooks/telemetry";
import { logError } from "./lib/logger";

export const MAX_BODY_BYTES = 1024 * 1024;

const OPENAPI_INFO = {
  title: "FleetPulse API",
  version: "1.0.0",
  description: "Fleet alerting, notifications and maintenance scheduling. Errors are RFC 9457 problem JSON.",
};

/** Hono's own HTTP errors (malformed JSON, wrong media type, body limit) as our problems. */
function fromHttpException(error: HTTPException): AppError | null {
  switch (error.status) {
    case 400:
      return new AppError("validation", "The body is not valid JSON.", [{ path: "(body)", message: error.message }]);
    case 413:
      return new AppError("payload_too_large", `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);
    case 415:
      return new AppError("unsupported_media_type", "Send the body as application/json.");
    default:
      return null;
  }
}

/** Where a problem happened: its `type` URLs are on the request's origin; its body names the request id. */
const problemContext = (c: Context<AppEnv>): ProblemContext => ({ origin: new URL(c.req.url).origin, requestId: c.get("requestId") });

/** Maps anything thrown to problem JSON; unknown errors are logged with the request id and never leak. */
function toProblem(error: unknown, at: ProblemContext): Response {
  const known = error instanceof AppError ? error : error instanceof HTTPException ? fromHttpException(error) : null;
  if (known) return renderProblem(known, at);
  logError({ requestId: at.requestId }, error); // redacted: a D1 error carries its bound parameters
  return renderProblem(new AppError("internal", `Something went wrong. Reference: ${at.requestId}`), at);
}

// One router per URL prefix, in a file named after it; docs/architecture.md lists them (scripts/route-map.mjs).
const api = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  .route("/admin", adminRoutes)
  .route("/auth", authRoutes)
  .route("/me", meRoutes)
  .route("/users", userRoutes)
  .route("/vehicles", vehicleRoutes)
  .route("/integrations", integrationRoutes)
  .route("/audit", auditRoutes)
  .route("/rules", ruleRoutes)
  .route("/alerts", alertRoutes)
  .route("/live", liveRoutes)
  .route("/push", pushRoutes)
  .route("/notifications", notificationRoutes)
  .route("/silences", silenceRoutes)
  .route("/escalation-policies", escalationPolicyRoutes)
  .route("/settings", settingsRoutes)
  .route("/voice", voiceRoutes)
  .route("/maintenance", maintenanceRoutes)
  .route("/work-orders", workOrderRoutes)
  .route("/technicians", technicianRoutes)
  .route("/bays", bayRoutes)
  .route("/analytics", analyticsRoutes)
  .route("/leaderboard", leaderboardRoutes)
  .route("/reports", reportRoutes)
  .route("/engagement", engagementRoutes)
  .route("/geofences", geofenceRoutes)
  .route("/api-keys", apiKeyRoutes)
  .route("/sso", ssoRoutes);

export const app = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid });
app.use("*", requestId());
app.use("*", ...securityHeaders);
app.use(
  "*",
  bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) =>
      renderProblem(new AppError("payload_too_large", `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`), problemContext(c)),
  }),
);
// Rate limits (docs/security.md): before any work, after the request id so a 429 names it.
app.use("/api/*", apiRateLimit);
for (const path of COSTLY_PATHS) app.use(path, costlyRateLimit);
app.use("/webhooks/:tenantSlug/*", webhookRateLimit);
app.use("/api/*", auditWrites);
app.onError((error, c) => toProblem(error, problemContext(c)));
app.notFound((c) => renderProblem(new AppError("not_found", "No such endpoint."), problemContext(c)));

const routes = app
  .route("/api", api)
  .route("/webhooks/:tenantSlug/telemetry", telemetryWebhookRoutes)
  .route("/webhooks/:tenantSlug/samsara", samsaraWebhookRoutes)
  .route("/webhooks/:tenantSlug/motive", motiveWebhookRoutes);
// Unknown vendors answer 401 like unsigned calls (only where no webhook route matched).
app.use("/webhooks/:tenantSlug/:vendor", rejectUnknownVendor);
// Development-only edge-model benchmark (404 elsewhere; not part of AppType).
app.route("/api/dev", predictiveBenchRoutes);
// The pages problem `type` URLs point at (not API operations, so not in the OpenAPI document).
app.route("/problems", problemRoutes);

app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", { type: "http", scheme: "bearer", bearerFormat: "JWT" });
app.openAPIRegistry.registerComponent("securitySchemes", "platformToken", { type: "http", scheme: "bearer" });
// Built once per isolate: the routes cannot change while it lives.
let openApiCache: ReturnType<typeof app.getOpenAPI31Document> | undefined;
const openApiDocument = () => (openApiCache ??= app.getOpenAPI31Document({ openapi: "3.1.0", info: OPENAPI_INFO }));
app.get("/api/openapi.json", (c) => c.json(openApiDocument()));
app.get("/api/docs", (c) => c.html(renderDocs(openApiDocument() as never)));

/** The typed API surface for `hc<AppType>` in the PWA. */
export type AppType = typeof routes;
