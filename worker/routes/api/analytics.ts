import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { fieldError } from "../../lib/problem";
import { rejectInvalid } from "../../lib/validation";
import { authorize } from "../../middleware/authorize";
import {
  AlertAnalyticsQuery,
  AlertAnalyticsSchema,
  MaintenanceAnalyticsSchema,
  PeriodQuery,
  PredictiveAnalyticsSchema,
  periodOf,
} from "../../schemas/analytics";
import { bearerSecurity, errors, json } from "../../schemas/common";
import { alertAnalytics } from "../../services/analytics-alerts";
import { bucketRanges, MAX_BUCKETS } from "../../services/analytics-buckets";
import { maintenanceAnalytics } from "../../services/analytics-maintenance";
import { predictiveAnalytics } from "../../services/analytics-predictive";

const tags = ["Analytics"];
const managers = authorize(["admin", "manager"]);
const readErrors = { 400: errors[400], 401: errors[401], 403: errors[403] };

const alertsRoute = createRoute({
  tags,
  security: bearerSecurity,
  middleware: [managers] as const,
  method: "get",
  path: "/alerts",
  summary: "Alerts per local hour or day by severity, time to acknowledge/resolve (mean, p90), top rules and vehicles",
  description:
    "Counts alerts created in [from, to) (default: the 7 days before now). Buckets start at local midnights or local hours of `timeZone` " +
    `(default UTC; DST days have 23 or 25 hours), empty buckets are zeros, at most ${MAX_BUCKETS} buckets. ` +
    "Times to acknowledge and resolve are measured from creation; null when nothing was acknowledged/resolved.",
  request: { query: AlertAnalyticsQuery },
  responses: { 200: json(AlertAnalyticsSchema, "Alert analytics"), ...readErrors },
});

const maintenanceRoute = createRoute({
  tags,
  security: bearerSecurity,
  middleware: [managers] as const,
  method: "get",
  path: "/maintenance",
  summary: "On-time %, overdue work orders, mean downtime, cost per km per vehicle, technician productivity",
  description: "Over work orders completed in [from, to) (default: the 30 days before now).",
  request: { query: PeriodQuery },
  responses: { 200: json(MaintenanceAnalyticsSchema, "Maintenance analytics"), ...readErrors },
});

const predictiveRoute = createRoute({
  tags,
  security: bearerSecurity,
  middleware: [managers] as const,
  method: "get",
  path: "/predictive",
  summary: "Predictive alerts raised and the precision and lead time of predictive work orders, from their outcomes",
  description: "Over predictive_failure alerts and predictive work orders created in [from, to) (default: the 90 days before now).",
  request: { query: PeriodQuery },
  responses: { 200: json(PredictiveAnalyticsSchema, "Predictive analytics"), ...readErrors },
});

export const analyticsRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  .openapi(alertsRoute, async (c) => {
    const query = c.req.valid("query");
    const { from, to } = periodOf(query, query.bucket === "hour" ? 1 : 7);
    const buckets = bucketRanges(query.bucket, from, to, query.timeZone);
    if (!buckets)
      throw fieldError("from", `The period spans more than ${MAX_BUCKETS} ${query.bucket} buckets; shorten it or use a larger bucket`);
    return c.json(
      await alertAnalytics(c.env.DB, c.get("auth").tenantId, { bucket: query.bucket, timeZone: query.timeZone, from, to, buckets }),
      200,
    );
  })
  .openapi(maintenanceRoute, async (c) => {
    const { from, to } = periodOf(c.req.valid("query"), 30);
    return c.json(await maintenanceAnalytics(c.env.DB, c.get("auth").tenantId, from, to), 200);
  })
  .openapi(predictiveRoute, async (c) => {
    const { from, to } = periodOf(c.req.valid("query"), 90);
    return c.json(await predictiveAnalytics(c.env.DB, c.get("auth").tenantId, from, to), 200);
  });
