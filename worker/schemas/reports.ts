/** Query shapes of the report downloads: the list endpoints' filters without paging. */
import { z } from "@hono/zod-openapi";
import { AlertQuery } from "./alerts";
import { AlertAnalyticsSchema, MaintenanceAnalyticsSchema, PeriodQuery, PredictiveAnalyticsSchema, TimeZoneParam } from "./analytics";
import { WorkOrderQuery } from "./maintenance";

export const AlertReportQuery = AlertQuery.omit({ limit: true, cursor: true });
export const WorkOrderReportQuery = WorkOrderQuery.omit({ limit: true, cursor: true });
export const FleetReportQuery = PeriodQuery.extend({ timeZone: TimeZoneParam });

export const csvResponse = (description: string) => ({ description, content: { "text/csv": { schema: z.string() } } });
export const FleetReportSchema = z
  .object({
    tenantName: z.string(),
    timeZone: z.string(),
    generatedAt: z.string(),
    alerts: AlertAnalyticsSchema,
    maintenance: MaintenanceAnalyticsSchema,
    predictive: PredictiveAnalyticsSchema,
  })
  .openapi("FleetReport");
