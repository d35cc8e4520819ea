import { z } from "@hono/zod-openapi";
import type { IncomingEvent } from "../domain/telemetry";

const MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
const MAX_FUTURE_MS = 5 * 60 * 1000;

const DateTime = z.iso.datetime({ offset: true });

/** An event time the webhook accepts: at most 7 days old and 5 minutes ahead of `now`. */
const inWindow = (ts: number, now: number) => ts >= now - MAX_AGE_MS && ts <= now + MAX_FUTURE_MS;

const EventTime = DateTime.refine((value) => {
  const ts = Date.parse(value);
  // An unparsable value already failed the format check; report it once.
  return Number.isNaN(ts) || inWindow(ts, Date.now());
}, "Must be at most 7 days old and at most 5 minutes in the future");

const READING_NAME_MAX = 64;
const VEHICLE_ID_MAX = 64;
const DTC = /^[A-Z0-9-]{2,16}$/;
const DTC_MAX = 64;
const EVENTS_MAX = 1000;

/**
 * A reading per name: `{name: number}`, names 1–64 characters. Checked in one loop rather than as
 * `z.record(z.string().min(1).max(64), z.number())`: zod runs without its compiled fast path in
 * workerd (no eval), and the record's per-entry schemas were most of the ingest path's validation
 * time (4.2 of 9 µs per event of 12 readings; this loop: 0.3). Each bad entry is still its own
 * issue at `readings.<name>`.
 */
const Readings = z
  .custom<Record<string, number>>()
  .check((ctx) => {
    const value = ctx.value;
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      ctx.issues.push({ code: "invalid_type", expected: "record", input: value, message: "Expected an object of numbers" });
      return;
    }
    for (const name in value) {
      const reading = value[name];
      if (typeof reading !== "number" || !Number.isFinite(reading))
        ctx.issues.push({ code: "invalid_type", expected: "number", input: reading, path: [name], message: "Expected a finite number" });
      if (name.length < 1 || name.length > READING_NAME_MAX)
        ctx.issues.push({ code: "custom", input: name, path: [name], message: `Reading names are 1–${READING_NAME_MAX} characters` });
      // JSON.parse makes "__proto__" an own key; the record schema dropped it, here it is refused
      // so it never reaches `latest.readings[name] = …` on the object.
      if (name === "__proto__") ctx.issues.push({ code: "custom", input: name, path: [name], message: "Not a reading name" });
    }
  })
  .openapi({
    type: "object",
    additionalProperties: { type: "number" },
    description: `Reading name (1–${READING_NAME_MAX} characters) → value`,
  });

export const TelemetryEventSchema = z
  .strictObject({
    vehicleId: z.string().min(1).max(VEHICLE_ID_MAX).openapi({ description: "The vehicle's externalId", example: "TRUCK-042" }),
    ts: EventTime.openapi({ example: "2026-11-21T22:40:00Z" }),
    readings: Readings.default({}).openapi({
      default: {},
      example: { speedKph: 87.5, engineTempC: 96, oilPressureKpa: 310, batteryV: 13.9, accelG: -0.12 },
    }),
    dtc: z.array(z.string().regex(DTC, "A diagnostic trouble code such as P0217")).max(DTC_MAX).optional(),
  })
  .openapi("TelemetryEvent");

export const TelemetryBatchSchema = z
  .strictObject({ events: z.array(TelemetryEventSchema).min(1).max(EVENTS_MAX, "At most 1,000 events per request") })
  .openapi("TelemetryBatch");

export type TelemetryBatch = z.infer<typeof TelemetryBatchSchema>;

export const AcceptedSchema = z.object({ accepted: z.number().int(), duplicate: z.boolean().optional() }).openapi("Accepted");

const EVENT_FIELDS = new Set(["vehicleId", "ts", "readings", "dtc"]);
const DATE_TIME = DateTime.def.pattern!;

/**
 * The events of a batch `TelemetryBatchSchema` accepts as it is, checked and mapped in one plain
 * loop (event time in epoch ms, readings default to none); null for anything else, which the
 * schema then parses to name each bad field. zod runs
 * without its compiled fast path in workerd (no eval), and its per-field parse was a quarter of a
 * warm ingest's CPU (BENCHMARKS.md). Each condition below is one of the schema's, with its own
 * constants and date-time pattern; test/unit/telemetry-plain-check.test.ts holds the two together.
 */
export function plainTelemetryEvents(value: unknown, now = Date.now()): IncomingEvent[] | null {
  if (!isRecord(value)) return null;
  for (const key in value) if (key !== "events") return null;
  const events = value.events;
  if (!Array.isArray(events) || events.length < 1 || events.length > EVENTS_MAX) return null;
  const out: IncomingEvent[] = new Array(events.length);
  for (let i = 0; i < events.length; i++) {
    const e: unknown = events[i];
    if (!isRecord(e)) return null;
    for (const key in e) if (!EVENT_FIELDS.has(key)) return null;
    const { vehicleId, ts, readings, dtc } = e;
    if (typeof vehicleId !== "string" || vehicleId.length < 1 || vehicleId.length > VEHICLE_ID_MAX) return null;
    if (typeof ts !== "string" || !DATE_TIME.test(ts)) return null;
    const at = Date.parse(ts);
    if (!inWindow(at, now)) return null;
    if (readings !== undefined && !plainReadings(readings)) return null;
    if (dtc !== undefined && !plainCodes(dtc)) return null;
    out[i] = {
      vehicleId,
      ts: at,
      readings: (readings as Record<string, number> | undefined) ?? {},
      ...(dtc ? { dtc: dtc as string[] } : {}),
    };
  }
  return out;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function plainReadings(readings: unknown): boolean {
  if (!isRecord(readings)) return false;
  for (const name in readings) {
    const reading = readings[name];
    if (typeof reading !== "number" || !Number.isFinite(reading)) return false;
    if (name.length < 1 || name.length > READING_NAME_MAX || name === "__proto__") return false;
  }
  return true;
}

function plainCodes(dtc: unknown): boolean {
  if (!Array.isArray(dtc) || dtc.length > DTC_MAX) return false;
  for (const code of dtc) if (typeof code !== "string" || !DTC.test(code)) return false;
  return true;
}
