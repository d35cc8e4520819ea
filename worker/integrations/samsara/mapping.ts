import { z } from "@hono/zod-openapi";
import type { FieldError } from "../../lib/problem";
import { idString, j1939Code, mergeByVehicleAndTime, MPH_TO_KPH, parseAt, tidy, timeProblem, type VendorEvent } from "../common";

/**
 * Samsara webhook payloads → FleetPulse events. Pure: plain data in, plain data out.
 *
 * Envelopes: Webhooks 2.0 `{eventId, eventTime, eventType, orgId, webhookId, data}` and the
 * 1.0 form `{eventId, eventMs, eventType, event}`. Vehicles are matched by Samsara's vehicle
 * `id` (`data.vehicle.id`, `event.device.id` in 1.0), which must equal the FleetPulse `externalId`.
 */

const IsoTime = z.iso.datetime({ offset: true });
const VendorId = z.union([z.string().min(1).max(64), z.number().int().nonnegative()]);
const VehicleRef = z.object({ id: VendorId });

export const SamsaraEnvelopeSchema = z
  .object({
    eventId: z.string().min(1).max(128),
    eventType: z.string().min(1).max(64),
    eventMs: z.number().int().positive().optional(),
    eventTime: IsoTime.optional(),
    data: z.record(z.string(), z.unknown()).optional(),
    event: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((e) => e.eventMs !== undefined || e.eventTime !== undefined, {
    path: ["eventMs"],
    message: "eventMs or eventTime is required",
    // Reported together with the envelope's other faults, not only once they are fixed.
    when: (payload) => typeof payload.value === "object" && payload.value !== null && !Array.isArray(payload.value),
  })
  .openapi("SamsaraWebhook", { description: "Samsara webhook envelope (2.0 `data` or 1.0 `event`)" });

const Sample = z.object({ time: IsoTime, value: z.number().finite() });

/** Samsara vehicle stats (the `/fleet/vehicles/stats` names, which carry their unit) → readings. */
const STATS: Record<string, (value: number) => Record<string, number>> = {
  // The gauge the product calls engine temperature is the coolant temperature; both rules see it.
  engineCoolantTemperatureMilliC: (v) => ({ coolantTempC: v / 1000, engineTempC: v / 1000 }),
  engineOilPressureKPa: (v) => ({ oilPressureKpa: v }),
  batteryMilliVolts: (v) => ({ batteryV: v / 1000 }),
  ecuSpeedMph: (v) => ({ speedKph: v * MPH_TO_KPH }),
  engineRpm: (v) => ({ rpm: v }),
  fuelPercents: (v) => ({ fuelPct: v }),
  gpsOdometerMeters: (v) => ({ odometerKm: v / 1000 }),
  obdOdometerMeters: (v) => ({ odometerKm: v / 1000 }),
  obdEngineSeconds: (v) => ({ engineHours: v / 3600 }),
  syntheticEngineSeconds: (v) => ({ engineHours: v / 3600 }),
  // Not rule inputs, kept for models.
  ambientAirTemperatureMilliC: (v) => ({ ambientTempC: v / 1000 }),
  engineLoadPercent: (v) => ({ engineLoadPct: v }),
  defLevelMilliPercent: (v) => ({ defLevelPct: v / 1000 }),
};

/** `engineStates`: Samsara's engine state; the product keeps it as `ignition` (1 on or idling, 0 off). */
const EngineStateSample = z.object({ time: IsoTime, value: z.enum(["Off", "On", "Idle"]) });

const GpsSample = z.object({
  time: IsoTime,
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  speedMilesPerHour: z.number().finite().nonnegative().optional(),
});
const FaultCodesSample = z.object({
  time: IsoTime,
  j1939: z
    .object({
      diagnosticTroubleCodes: z
        .array(z.object({ spnId: z.number().int(), fmiId: z.number().int() }))
        .max(64)
        .optional(),
    })
    .optional(),
  obdii: z
    .object({
      diagnosticTroubleCodes: z
        .array(
          z.object({
            confirmedDtcs: z
              .array(z.object({ dtcShortCode: z.string().min(2).max(16) }))
              .max(64)
              .optional(),
          }),
        )
        .max(64)
        .optional(),
    })
    .optional(),
});

// Each stat is one sample `{time, …}` or (as Samsara's stats feed sends them) a list of samples.
const StatsSchema = z.object({ vehicle: VehicleRef });
const STAT_KEYS = [...Object.keys(STATS), "gps", "engineStates", "faultCodes"];

const FaultOnSchema = z.object({
  vehicle: VehicleRef,
  fault: z
    .object({
      j1939: z.object({ spn: z.object({ id: VendorId }), fmi: z.object({ id: VendorId }).optional() }).optional(),
      obdii: z.object({ dtcShortCode: z.string().regex(/^[A-Z0-9-]{2,16}$/, "An OBD-II code such as P0217") }).optional(),
    })
    .refine((f) => f.j1939 || f.obdii, "A J1939 or OBD-II fault is required"),
});

const SpeedingDetail = z.object({ vehicle: VehicleRef, speedMilesPerHour: z.number().finite().nonnegative() });
const IncidentSchema = z.object({
  happenedAtTime: IsoTime,
  conditions: z.array(z.object({ details: z.record(z.string(), z.unknown()).optional() })).max(100),
});

const LegacyHarsh = z.object({ startMs: z.number().int().positive(), device: z.object({ id: VendorId }) });

/** Event types that exist only to carry vehicle data: with nothing usable in them they are a 400. */
const MUST_MAP = new Set(["EngineFaultOn", "VehicleStatsUpdated"]);

export type SamsaraMapped = { ok: true; eventId: string; eventType: string; events: VendorEvent[] } | { ok: false; errors: FieldError[] };

/** Maps one Samsara webhook body. Event types that carry no vehicle data map to no events. */
export function mapSamsara(body: unknown, now = Date.now()): SamsaraMapped {
  const envelope = parseAt(SamsaraEnvelopeSchema, body, "");
  if (!envelope.ok) return envelope;
  const { eventId, eventType, eventMs, eventTime, data, event } = envelope.data;
  const sentAt = eventMs ?? Date.parse(eventTime!);
  const sentAtPath = eventMs !== undefined ? "eventMs" : "eventTime";
  const payloadKey = data ? "data" : event ? "event" : null;
  const payload = data ?? event;

  const errors: FieldError[] = [];
  const events: VendorEvent[] = [];
  const push = (
    vehicleId: string | number,
    vehiclePath: string,
    ts: number,
    tsPath: string,
    readings: Record<string, number>,
    dtc?: string[],
  ) => {
    const problem = timeProblem(ts, now);
    if (problem) return void errors.push({ path: tsPath, message: problem });
    const rounded = Object.fromEntries(Object.entries(readings).map(([k, v]) => [k, tidy(v)]));
    events.push({ vehicleId: idString(vehicleId), vehiclePath, ts, readings: rounded, ...(dtc ? { dtc } : {}) });
  };

  if (payload && payloadKey) {
    if (eventType === "EngineFaultOn") {
      const parsed = parseAt(FaultOnSchema, payload, payloadKey);
      if (!parsed.ok) return parsed;
      const { vehicle, fault } = parsed.data;
      const code = fault.j1939 ? j1939Code(fault.j1939.spn.id, fault.j1939.fmi?.id) : fault.obdii!.dtcShortCode;
      push(vehicle.id, `${payloadKey}.vehicle.id`, sentAt, sentAtPath, {}, [code]);
    } else if (eventType === "AlertIncident") {
      const parsed = parseAt(IncidentSchema, payload, payloadKey);
      if (!parsed.ok) return parsed;
      const ts = Date.parse(parsed.data.happenedAtTime);
      parsed.data.conditions.forEach((condition, i) => {
        for (const kind of ["severeSpeeding", "speeding"]) {
          const detail = SpeedingDetail.safeParse(condition.details?.[kind]);
          if (!detail.success) continue;
          const at = `${payloadKey}.conditions.${i}.details.${kind}`;
          push(detail.data.vehicle.id, `${at}.vehicle.id`, ts, `${payloadKey}.happenedAtTime`, {
            speedKph: detail.data.speedMilesPerHour * MPH_TO_KPH,
          });
        }
      });
    } else if (eventType === "Alert" && payload.alertConditionId === "HarshEvent") {
      // Webhooks 1.0 name the harsh event only in prose; it is counted, with no g-force to judge.
      const parsed = parseAt(LegacyHarsh, payload, payloadKey);
      if (!parsed.ok) return parsed;
      push(parsed.data.device.id, `${payloadKey}.device.id`, parsed.data.startMs, `${payloadKey}.startMs`, { harshEvent: 1 });
    } else if (STAT_KEYS.some((k) => k in payload)) {
      const problems = mapStats(payload, payloadKey, push);
      if (problems.length) return { ok: false, errors: problems };
    }
  }

  if (errors.length) return { ok: false, errors };
  if (!events.length && MUST_MAP.has(eventType)) {
    return { ok: false, errors: [{ path: payloadKey ?? "data", message: `A ${eventType} event must carry vehicle data FleetPulse maps` }] };
  }
  return { ok: true, eventId, eventType, events: mergeByVehicleAndTime(events) };
}

type Push = (
  vehicleId: string | number,
  vehiclePath: string,
  ts: number,
  tsPath: string,
  readings: Record<string, number>,
  dtc?: string[],
) => void;

/** Reads every stat (one sample or a list) on its own, so each bad field is named exactly. */
function samplesAt<T extends z.ZodType>(schema: T, value: unknown, path: string) {
  const list = Array.isArray(value);
  const parsed = parseAt(list ? z.array(schema).min(1).max(1000) : schema, value, path);
  if (!parsed.ok) return parsed;
  const samples = (list ? parsed.data : [parsed.data]) as z.infer<T>[];
  return { ok: true as const, samples: samples.map((sample, i) => ({ sample, timePath: list ? `${path}.${i}.time` : `${path}.time` })) };
}

function mapStats(payload: Record<string, unknown>, at: string, push: Push): FieldError[] {
  const errors: FieldError[] = [];
  const vehicle = parseAt(StatsSchema, payload, at);
  if (!vehicle.ok) errors.push(...vehicle.errors);
  const collected: Parameters<Push>[] = [];
  const add = (ts: number, timePath: string, readings: Record<string, number>, dtc?: string[]) =>
    collected.push([vehicle.ok ? vehicle.data.vehicle.id : "", `${at}.vehicle.id`, ts, timePath, readings, dtc]);

  // GPS first: at the same instant the ECU's speed (merged later) wins over the GPS estimate.
  if (payload.gps !== undefined) {
    const gps = samplesAt(GpsSample, payload.gps, `${at}.gps`);
    if (!gps.ok) errors.push(...gps.errors);
    else
      for (const { sample: g, timePath } of gps.samples) {
        const readings: Record<string, number> = { lat: g.latitude, lon: g.longitude };
        if (g.speedMilesPerHour !== undefined) readings.speedKph = g.speedMilesPerHour * MPH_TO_KPH;
        add(Date.parse(g.time), timePath, readings);
      }
  }
  for (const [key, convert] of Object.entries(STATS)) {
    if (payload[key] === undefined) continue;
    const stat = samplesAt(Sample, payload[key], `${at}.${key}`);
    if (!stat.ok) errors.push(...stat.errors);
    else for (const { sample, timePath } of stat.samples) add(Date.parse(sample.time), timePath, convert(sample.value));
  }
  if (payload.engineStates !== undefined) {
    const states = samplesAt(EngineStateSample, payload.engineStates, `${at}.engineStates`);
    if (!states.ok) errors.push(...states.errors);
    else
      for (const { sample, timePath } of states.samples)
        add(Date.parse(sample.time), timePath, { ignition: sample.value === "Off" ? 0 : 1 });
  }
  if (payload.faultCodes !== undefined) {
    const faults = samplesAt(FaultCodesSample, payload.faultCodes, `${at}.faultCodes`);
    if (!faults.ok) errors.push(...faults.errors);
    else
      for (const { sample: f, timePath } of faults.samples) {
        const j1939 = (f.j1939?.diagnosticTroubleCodes ?? []).map((d) => j1939Code(d.spnId, d.fmiId));
        const obd = (f.obdii?.diagnosticTroubleCodes ?? []).flatMap((d) =>
          (d.confirmedDtcs ?? []).map((c) => c.dtcShortCode.toUpperCase()),
        );
        // A fault-code sample is the full active set: an empty one clears the vehicle's codes.
        add(Date.parse(f.time), timePath, {}, [...new Set([...j1939, ...obd])]);
      }
  }
  if (!errors.length) for (const args of collected) push(...args);
  return errors;
}
