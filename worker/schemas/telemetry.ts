import { z } from "@hono/zod-openapi";

const MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
const MAX_FUTURE_MS = 5 * 60 * 1000;

const EventTime = z.iso.datetime({ offset: true }).refine((value) => {
  const ts = Date.parse(value);
  const now = Date.now();
  // An unparsable value already failed the format check; report it once.
  return Number.isNaN(ts) || (ts >= now - MAX_AGE_MS && ts <= now + MAX_FUTURE_MS);
}, "Must be at most 7 days old and at most 5 minutes in the future");

export const TelemetryEventSchema = z
  .strictObject({
    vehicleId: z.string().min(1).max(64).openapi({ description: "The vehicle's externalId", example: "TRUCK-042" }),
    ts: EventTime.openapi({ example: "2026-11-21T22:40:00Z" }),
    readings: z
      .record(z.string().min(1).max(64), z.number().finite())
      .default({})
      .openapi({ example: { speedKph: 87.5, engineTempC: 96, oilPressureKpa: 310, batteryV: 13.9, accelG: -0.12 } }),
    dtc: z
      .array(z.string().regex(/^[A-Z0-9-]{2,16}$/, "A diagnostic trouble code such as P0217"))
      .max(64)
      .optional(),
  })
  .openapi("TelemetryEvent");

export const TelemetryBatchSchema = z
  .strictObject({ events: z.array(TelemetryEventSchema).min(1).max(1000, "At most 1,000 events per request") })
  .openapi("TelemetryBatch");

export type TelemetryBatch = z.infer<typeof TelemetryBatchSchema>;

export const AcceptedSchema = z.object({ accepted: z.number().int(), duplicate: z.boolean().optional() }).openapi("Accepted");
