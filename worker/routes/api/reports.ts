import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import type { AppEnv } from "../../env";
import { database } from "../../db/client";
import { tenants } from "../../db/schema";
import { fieldError } from "../../lib/problem";
import { rejectInvalid } from "../../lib/validation";
import { authorize } from "../../middleware/authorize";
import { periodOf } from "../../schemas/analytics";
import { bearerSecurity, errors } from "../../schemas/common";
import { AlertReportQuery, csvResponse, FleetReportQuery, FleetReportSchema, WorkOrderReportQuery } from "../../schemas/reports";
import { alertAnalytics } from "../../services/analytics-alerts";
import { bucketRanges, MAX_BUCKETS } from "../../services/analytics-buckets";
import { maintenanceAnalytics } from "../../services/analytics-maintenance";
import { predictiveAnalytics } from "../../services/analytics-predictive";
import { alertsCsv, workOrdersCsv } from "../../services/reports";
import { csvHeaders } from "../../services/reports-csv";

const tags = ["Reports"];
const managers = authorize(["admin", "manager"]);
const readErrors = { 400: errors[400], 401: errors[401], 403: errors[403] };
const ms = (value: string | undefined) => (value ? Date.parse(value) : undefined);

const alertsRoute = createRoute({
  tags,
  security: bearerSecurity,
  middleware: [managers] as const,
  method: "get",
  path: "/alerts.csv",
  summary: "Alerts as RFC 4180 CSV (streamed), with the filters of GET /api/alerts, newest first",
  description:
    "Header: id,createdAt,vehicleId,vehicleName,type,severity,status,message,value,acknowledgedAt,resolvedAt. `from` inclusive, `to` exclusive.",
  request: { query: AlertReportQuery },
  responses: { 200: csvResponse("CSV"), ...readErrors },
});
const workOrdersRoute = createRoute({
  tags,
  security: bearerSecurity,
  middleware: [managers] as const,
  method: "get",
  path: "/work-orders.csv",
  summary: "Work orders as RFC 4180 CSV (streamed), with the filters of GET /api/work-orders, newest first",
  request: { query: WorkOrderReportQuery },
  responses: { 200: csvResponse("CSV"), ...readErrors },
});
const fleetRoute = createRoute({
  tags,
  security: bearerSecurity,
  middleware: [managers] as const,
  method: "get",
  path: "/fleet.json",
  summary:
    "The fleet report for a period: the numbers of the analytics endpoints (daily buckets in timeZone), which the PWA prints as a PDF",
  description: "Default period: the 30 days before now.",
  request: { query: FleetReportQuery },
  responses: { 200: { description: "The report's data", content: { "application/json": { schema: FleetReportSchema } } }, ...readErrors },
});

export const reportRoutes = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  .openapi(alertsRoute, async (c) => {
    const { from, to, ...rest } = c.req.valid("query");
    const stream = alertsCsv(database(c.env.DB), c.get("auth"), { ...rest, from: ms(from), to: ms(to) });
    return c.body(stream, 200, csvHeaders("alerts.csv"));
  })
  .openapi(workOrdersRoute, async (c) => {
    const auth = c.get("auth");
    const stream = await workOrdersCsv(database(c.env.DB), auth.tenantId, { userId: auth.userId, role: auth.role }, c.req.valid("query"));
    return c.body(stream, 200, csvHeaders("work-orders.csv"));
  })
  .openapi(fleetRoute, async (c) => {
    const query = c.req.valid("query");
    const tenantId = c.get("auth").tenantId;
    const { from, to } = periodOf(query, 30);
    const buckets = bucketRanges("day", from, to, query.timeZone);
    if (!buckets) throw fieldError("from", `The period spans more than ${MAX_BUCKETS} days`);
    const [tenant, alerts, maintenance, predictive] = await Promise.all([
      database(c.env.DB).query.tenants.findFirst({ where: eq(tenants.id, tenantId), columns: { name: true } }),
      alertAnalytics(c.env.DB, tenantId, { bucket: "day", timeZone: query.timeZone, from, to, buckets }),
      maintenanceAnalytics(c.env.DB, tenantId, from, to),
      predictiveAnalytics(c.env.DB, tenantId, from, to),
    ]);
    const report = {
      tenantName: tenant?.name ?? "",
      timeZone: query.timeZone,
      generatedAt: new Date().toISOString(),
      alerts,
      maintenance,
      predictive,
    };
    return c.json(report, 200, { "cache-control": "no-store" });
  });
