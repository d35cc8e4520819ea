/** Request and response shapes of analytics (docs/api.md "Engagement, analytics, audit"). */
import { z } from "@hono/zod-openapi";
import { SEVERITIES } from "../db/schema";
import { fieldError } from "../lib/problem";
import { BUCKETS } from "../services/analytics-buckets";
import { IsoDate } from "./common";
import { TimeZone } from "./time-zone";

const DAY_MS = 86_400_000;

/** A query's `timeZone`, UTC when absent. */
export const TimeZoneParam = TimeZone.default("UTC").openapi({ example: "America/New_York" });

/** `from` inclusive, `to` exclusive; both optional (default: the `defaultDays` before now). */
export const PeriodQuery = z.object({
  from: IsoDate.optional().openapi({
    description: "Inclusive start (default: `to` minus the default span)",
    example: "2026-11-01T00:00:00Z",
  }),
  to: IsoDate.optional().openapi({ description: "Exclusive end (default: now)", example: "2026-11-08T00:00:00Z" }),
});

/** The period as epoch ms; `to` not after `from` is a 400 naming `to`. */
export function periodOf(query: { from?: string; to?: string }, defaultDays: number, now = Date.now()) {
  const to = query.to ? Date.parse(query.to) : now;
  const from = query.from ? Date.parse(query.from) : to - defaultDays * DAY_MS;
  if (to <= from) throw fieldError("to", "Must be after from");
  return { from, to };
}

export const AlertAnalyticsQuery = PeriodQuery.extend({
  bucket: z.enum(BUCKETS).default("day").openapi({ description: "Local hours or local days of `timeZone`" }),
  timeZone: TimeZoneParam,
});

const severityCounts = Object.fromEntries(SEVERITIES.map((s) => [s, z.number().int()])) as Record<(typeof SEVERITIES)[number], z.ZodNumber>;

export const AlertAnalyticsSchema = z
  .object({
    bucket: z.enum(BUCKETS),
    timeZone: z.string(),
    from: z.string(),
    to: z.string(),
    series: z.array(z.object({ start: z.string(), end: z.string(), ...severityCounts })),
    totals: z.object({ ...severityCounts, all: z.number().int(), acknowledged: z.number().int(), resolved: z.number().int() }),
    mttaSeconds: z
      .number()
      .nullable()
      .openapi({ description: "Mean time from creation to acknowledgement; null when none was acknowledged" }),
    mttrSeconds: z.number().nullable().openapi({ description: "Mean time from creation to resolution; null when none was resolved" }),
    p90TtaSeconds: z.number().nullable(),
    p90TtrSeconds: z.number().nullable(),
    p90Approximate: z.boolean().openapi({
      description: "A p90 came from the latency histogram (two significant digits of whole seconds): more than 10,000 values in the period",
    }),
    topRules: z.array(z.object({ ruleId: z.string().nullable(), type: z.string(), name: z.string().nullable(), count: z.number().int() })),
    topVehicles: z.array(z.object({ vehicleId: z.string(), name: z.string().nullable(), count: z.number().int() })),
  })
  .openapi("AlertAnalytics");

export const MaintenanceAnalyticsSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    completed: z.number().int(),
    completedWithDueDate: z.number().int(),
    onTime: z.number().int(),
    onTimePct: z
      .number()
      .nullable()
      .openapi({ description: "Completed at or before the due date, % of completed work orders that had one" }),
    overdueCount: z.number().int().openapi({ description: "Active work orders past their due date" }),
    overduePlans: z.number().int().openapi({ description: "(vehicle, plan) pairs currently overdue" }),
    meanDowntimeSeconds: z.number().nullable(),
    costCents: z.number().int(),
    km: z.number(),
    costPerKm: z.number().nullable().openapi({ description: "Currency units per km driven in the period" }),
    vehicles: z.array(
      z.object({ vehicleId: z.string(), name: z.string(), costCents: z.number().int(), km: z.number(), costPerKm: z.number().nullable() }),
    ),
    technicians: z.array(
      z.object({
        technicianId: z.string(),
        name: z.string(),
        completed: z.number().int(),
        onTime: z.number().int(),
        meanHoursToComplete: z.number().nullable(),
      }),
    ),
  })
  .openapi("MaintenanceAnalytics");

export const PredictiveAnalyticsSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    raised: z.number().int(),
    followedByWorkOrder: z.number().int(),
    workOrders: z
      .object({
        proposed: z.number().int(),
        confirmed: z.number().int(),
        noFaultFound: z.number().int(),
        cancelled: z.number().int(),
        undecided: z.number().int(),
      })
      .openapi({ description: "Predictive work orders created in the period, by what the workshop found" }),
    precision: z
      .number()
      .nullable()
      .openapi({ description: "confirmed / (confirmed + noFaultFound + cancelled); null before any is decided" }),
    confirmedRate: z.number().nullable().openapi({ description: "The same as precision (the earlier name)" }),
    leadTimeDays: z.number().nullable().openapi({ description: "Median days from the predictive work order to the confirmed failure" }),
    followUpDays: z.number().int(),
    model: z.object({ name: z.string(), version: z.string() }),
  })
  .openapi("PredictiveAnalytics");
