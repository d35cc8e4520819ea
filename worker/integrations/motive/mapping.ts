import { z } from "@hono/zod-openapi";
import type { FieldError } from "../../lib/problem";
import {
  GALLONS_TO_L,
  idString,
  j1939Code,
  MILES_TO_KM,
  MPH_TO_KPH,
  parseAt,
  tidy,
  STANDARD_GRAVITY,
  timeProblem,
  type VendorEvent,
} from "../common";

/**
 * Motive (KeepTruckin) company webhook payloads → FleetPulse events. Pure.
 *
 * Each payload is one flat object `{action, id, …}`. Vehicles are matched by Motive's numeric
 * vehicle id (`vehicle_id`, or `vehicle.id` / `current_vehicle.id`), which must equal the
 * FleetPulse `externalId`. Motive's webhooks carry no unit field: distances and speeds are in
 * the account's units, configured with the integration (`units`, default imperial).
 */

export type MotiveUnits = "imperial" | "metric";

const IsoTime = z.iso.datetime({ offset: true });
const VendorId = z.union([z.string().min(1).max(64), z.number().int().nonnegative()]);
const Measure = z.number().finite().nonnegative().nullish();

export const MotiveWebhookSchema = z
  .object({ action: z.string().min(1).max(64), id: VendorId.optional() })
  .openapi("MotiveWebhook", { description: "Motive company webhook payload: `action` plus the action's attributes" });

const LOCATION_ACTIONS = ["vehicle_location_updated", "vehicle_location_received"] as const;
const PERFORMANCE_ACTIONS = ["driver_performance_event_created", "driver_performance_event_updated"] as const;

const Location = z.object({
  id: VendorId,
  vehicle_id: VendorId,
  located_at: IsoTime,
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  speed: Measure,
  odometer: Measure,
  engine_hours: Measure,
  fuel: Measure,
});

// Motive names the vehicle differently per object; any one of these is enough.
const VehicleRefs = {
  vehicle_id: VendorId.optional(),
  vehicle: z.object({ id: VendorId }).optional(),
  current_vehicle: z.object({ id: VendorId }).optional(),
};
const needsVehicle = { path: ["vehicle_id"], message: "vehicle_id (or vehicle.id) is required" };
const hasVehicle = (p: { vehicle_id?: unknown; vehicle?: unknown; current_vehicle?: unknown }) =>
  Boolean(p.vehicle_id ?? p.vehicle ?? p.current_vehicle);

const FaultCode = z
  .object({
    id: VendorId,
    code: z.union([z.string().min(1).max(32), z.number().int().nonnegative()]),
    code_label: z.string().max(32).nullish(),
    fmi: z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,3}$/)]).nullish(),
    first_observed_at: IsoTime.nullish(),
    last_observed_at: IsoTime.nullish(),
    ...VehicleRefs,
  })
  .refine(hasVehicle, needsVehicle)
  .refine((f) => f.last_observed_at || f.first_observed_at, {
    path: ["first_observed_at"],
    message: "first_observed_at or last_observed_at is required",
  });

const Performance = z
  .object({
    id: VendorId,
    type: z.string().min(1).max(64),
    start_time: IsoTime,
    end_time: IsoTime.nullish(),
    start_speed: Measure,
    end_speed: Measure,
    lat: z.number().min(-90).max(90).nullish(),
    lon: z.number().min(-180).max(180).nullish(),
    ...VehicleRefs,
  })
  .refine(hasVehicle, needsVehicle);

/** Motive's harsh-driving event types and the reading that counts each (rules may use them). */
const HARSH_TYPES: Record<string, string> = {
  hard_brake: "harshBrake",
  hard_accel: "harshAccel",
  hard_corner: "harshCorner",
  crash: "crash",
};

export type MotiveMapped = { ok: true; action: string; key: string | null; events: VendorEvent[] } | { ok: false; errors: FieldError[] };

function vehicleOf(p: { vehicle_id?: string | number; vehicle?: { id: string | number }; current_vehicle?: { id: string | number } }) {
  if (p.vehicle_id !== undefined) return { id: p.vehicle_id, path: "vehicle_id" };
  if (p.vehicle) return { id: p.vehicle.id, path: "vehicle.id" };
  return { id: p.current_vehicle!.id, path: "current_vehicle.id" };
}

/**
 * Maps one Motive webhook body. `key` is the idempotency key: the payload's own id, scoped by
 * object kind because Motive numbers each kind separately (a fault code and a driver event may
 * share an id). A location "updated" and "received" for the same fix share one key.
 */
export function mapMotive(body: unknown, units: MotiveUnits, now = Date.now()): MotiveMapped {
  const envelope = parseAt(MotiveWebhookSchema, body, "");
  if (!envelope.ok) return envelope;
  const { action } = envelope.data;
  const distance = units === "imperial" ? MILES_TO_KM : 1;
  const speed = units === "imperial" ? MPH_TO_KPH : 1;
  const one = (
    key: string,
    vehicleId: string | number,
    vehiclePath: string,
    ts: number,
    tsPath: string,
    readings: Record<string, number>,
    dtc?: string[],
  ): MotiveMapped => {
    const problem = timeProblem(ts, now);
    if (problem) return { ok: false, errors: [{ path: tsPath, message: problem }] };
    const rounded = Object.fromEntries(Object.entries(readings).map(([k, v]) => [k, tidy(v)]));
    return {
      ok: true,
      action,
      key,
      events: [{ vehicleId: idString(vehicleId), vehiclePath, ts, readings: rounded, ...(dtc ? { dtc } : {}) }],
    };
  };

  if ((LOCATION_ACTIONS as readonly string[]).includes(action)) {
    const parsed = parseAt(Location, body, "");
    if (!parsed.ok) return parsed;
    const p = parsed.data;
    const readings: Record<string, number> = { lat: p.lat, lon: p.lon };
    if (p.speed != null) readings.speedKph = p.speed * speed;
    if (p.odometer != null) readings.odometerKm = p.odometer * distance;
    if (p.engine_hours != null) readings.engineHours = p.engine_hours;
    // Motive's `fuel` is fuel used to date, not a tank level: kept, but not as fuelPct.
    if (p.fuel != null) readings.fuelUsedL = p.fuel * (units === "imperial" ? GALLONS_TO_L : 1);
    return one(`motive:location:${p.id}`, p.vehicle_id, "vehicle_id", Date.parse(p.located_at), "located_at", readings);
  }

  if (action === "fault_code_opened" || action === "fault_code_closed") {
    const parsed = parseAt(FaultCode, body, "");
    if (!parsed.ok) return parsed;
    const f = parsed.data;
    const code =
      f.fmi != null
        ? j1939Code(f.code, f.fmi)
        : String(f.code_label ?? f.code)
            .replace(/\s+/g, "")
            .toUpperCase();
    if (!/^[A-Z0-9-]{2,16}$/.test(code))
      return { ok: false, errors: [{ path: f.code_label ? "code_label" : "code", message: "Not a diagnostic trouble code" }] };
    const vehicle = vehicleOf(f);
    const at = f.last_observed_at ? "last_observed_at" : "first_observed_at";
    // Motive names one code per webhook: the hub turns the change into the vehicle's full active
    // list (durable-objects/dtc-changes.ts), so closing one of two open codes does not end the episode.
    const closed = action === "fault_code_closed";
    const mapped = one(
      `motive:${closed ? "fault_code_closed" : "fault_code"}:${f.id}`,
      vehicle.id,
      vehicle.path,
      Date.parse(f[at]!),
      at,
      {},
      [code],
    );
    if (mapped.ok) mapped.events[0]!.dtcChange = closed ? "closed" : "opened";
    return mapped;
  }

  if ((PERFORMANCE_ACTIONS as readonly string[]).includes(action)) {
    const parsed = parseAt(Performance, body, "");
    if (!parsed.ok) return parsed;
    const e = parsed.data;
    const counter = HARSH_TYPES[e.type];
    // Camera/behaviour events (cell phone, seat belt, …) carry nothing the vehicle rules read.
    if (!counter) return { ok: true, action, key: null, events: [] };
    const readings: Record<string, number> = { [counter]: 1 };
    if (e.lat != null && e.lon != null) Object.assign(readings, { lat: e.lat, lon: e.lon });
    const g = decelerationG(e, speed);
    if (g !== null && (e.type === "hard_brake" || e.type === "hard_accel")) readings.accelG = g;
    const vehicle = vehicleOf(e);
    return one(`motive:driver_performance_event:${e.id}`, vehicle.id, vehicle.path, Date.parse(e.start_time), "start_time", readings);
  }

  // `test`, HOS, driver, dispatch…: acknowledged, nothing to ingest.
  return { ok: true, action, key: null, events: [] };
}

/** Mean longitudinal acceleration over the event in g (negative when braking), if Motive gave speeds and an end. */
function decelerationG(
  e: { start_time: string; end_time?: string | null; start_speed?: number | null; end_speed?: number | null },
  toKph: number,
): number | null {
  if (e.end_time == null || e.start_speed == null || e.end_speed == null) return null;
  const seconds = (Date.parse(e.end_time) - Date.parse(e.start_time)) / 1000;
  if (!(seconds > 0)) return null;
  const deltaMs = ((e.end_speed - e.start_speed) * toKph) / 3.6;
  return deltaMs / seconds / STANDARD_GRAVITY;
}
