import { z } from "@hono/zod-openapi";
import { ALERT_STATUSES, SEVERITIES } from "../db/schema";
import { IsoDate, PageQuery } from "./common";

export const AlertSchema = z
  .object({
    id: z.string(),
    seq: z.number().int(),
    vehicleId: z.string(),
    ruleId: z.string().nullable(),
    type: z.string(),
    severity: z.enum(SEVERITIES),
    status: z.enum(ALERT_STATUSES),
    message: z.string(),
    value: z.number().nullable(),
    peakValue: z
      .number()
      .nullable()
      .openapi({ description: "Most extreme matching value: max for gt/gte, min for lt/lte, = value for eq/neq, null for dtc" }),
    occurrences: z.number().int(),
    createdAt: z.string(),
    lastSeenAt: z.string(),
    clearedAt: z
      .string()
      .nullable()
      .openapi({ description: "Event time of the reading that ended the latest episode; null while the condition holds" }),
    acknowledgedAt: z.string().nullable(),
    acknowledgedBy: z.string().nullable(),
    resolvedAt: z.string().nullable(),
    resolvedBy: z.string().nullable(),
    snoozedUntil: z.string().nullable(),
    silenced: z.boolean(),
    note: z.string().nullable(),
    assignee: z
      .object({ id: z.string(), name: z.string() })
      .nullable()
      .openapi({ description: "Who is working on the alert (its name as when assigned); null when nobody is" }),
    commentCount: z.number().int().openapi({ description: "Comments in the alert's thread (GET /api/alerts/{id}/comments)" }),
  })
  .openapi("Alert");

export const AlertQuery = PageQuery.extend({
  status: z.enum(ALERT_STATUSES).optional(),
  severity: z.enum(SEVERITIES).optional(),
  vehicleId: z.string().max(64).optional(),
  type: z.string().max(64).optional(),
  q: z.string().trim().min(1).max(200).optional(),
  from: IsoDate.optional(),
  to: IsoDate.optional(),
});

const counts = <T extends readonly [string, ...string[]]>(keys: T) =>
  z.object(Object.fromEntries(keys.map((k) => [k, z.number().int()])) as Record<T[number], z.ZodNumber>);

export const AlertList = z
  .object({
    items: z.array(AlertSchema),
    nextCursor: z.string().nullable(),
    facets: z.object({ severity: counts(SEVERITIES), status: counts(ALERT_STATUSES) }),
  })
  .openapi("AlertList");

export const NoteBody = z.strictObject({ note: z.string().trim().min(1).max(2000).optional() }).openapi("AlertNote");
export const SnoozeBody = z.strictObject({ minutes: z.number().int().min(1).max(10_080) }).openapi("Snooze");
