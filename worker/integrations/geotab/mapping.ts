import { z } from "@hono/zod-openapi";
import { j1939Code, tidy } from "../common";

/**
 * MyGeotab feed records → FleetPulse readings, per device. Pure. A feed cannot be refused back
 * to Geotab, so a record that cannot be read is counted as unmapped and skipped, never fatal.
 * Geotab reports speeds in km/h and other values in SI units: m, s, °C, kPa, V, %.
 */

export const FEED_TYPES = ["LogRecord", "StatusData", "FaultData", "ExceptionEvent"] as const;
export type FeedType = (typeof FEED_TYPES)[number];

/** A mapped sample, still named by the Geotab device id (matched to `externalId` by the poller). */
export interface DeviceEvent {
  deviceId: string;
  ts: number;
  readings: Record<string, number>;
  dtc?: string[];
}

/** StatusData diagnostics by Geotab's KnownId, and the reading each becomes. */
export const DIAGNOSTICS: Record<string, (value: number) => Record<string, number>> = {
  // The gauge the product calls engine temperature is the coolant temperature; both rules see it.
  DiagnosticEngineCoolantTemperatureId: (v) => ({ coolantTempC: v, engineTempC: v }),
  DiagnosticEngineOilPressureId: (v) => ({ oilPressureKpa: v }),
  DiagnosticOdometerId: (v) => ({ odometerKm: v / 1000 }),
  DiagnosticOdometerAdjustmentId: (v) => ({ odometerKm: v / 1000 }),
  DiagnosticEngineHoursId: (v) => ({ engineHours: v / 3600 }),
  DiagnosticEngineHoursAdjustmentId: (v) => ({ engineHours: v / 3600 }),
  DiagnosticBatteryVoltageId: (v) => ({ batteryV: v }),
  DiagnosticGoDeviceVoltageId: (v) => ({ batteryV: v }),
  DiagnosticFuelLevelId: (v) => ({ fuelPct: v }),
  DiagnosticEngineSpeedId: (v) => ({ rpm: v }),
  // 1 on, 0 off: a vehicle parked with the ignition off is not "offline" (offline rules).
  DiagnosticIgnitionId: (v) => ({ ignition: v > 0 ? 1 : 0 }),
};

/** ExceptionEvent rules (Geotab's stock rule ids) that describe the vehicle, counted as events. */
export const EXCEPTION_RULES: Record<string, string> = {
  RuleHarshBrakingId: "harshBrake",
  RuleJackrabbitStartsId: "harshAccel",
  RuleHarshCorneringId: "harshCorner",
  RuleAccidentId: "crash",
};

const Time = z.iso.datetime({ offset: true });
const Ref = z.object({ id: z.string().min(1).max(64) });
const Coded = Ref.extend({ code: z.union([z.string().min(1).max(16), z.number().int().nonnegative()]).optional() });

const LogRecord = z.object({
  dateTime: Time,
  device: Ref,
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  speed: z.number().finite().nonnegative().optional(),
});
const StatusData = z.object({ dateTime: Time, device: Ref, diagnostic: Ref, data: z.number().finite() });
const FaultData = z.object({
  dateTime: Time,
  device: Ref,
  diagnostic: Coded,
  failureMode: Coded.optional(),
  faultState: z.string().optional(),
});
const ExceptionEvent = z.object({ activeFrom: Time, device: Ref, rule: Ref });

const MAX_FUTURE_MS = 5 * 60 * 1000;

/** What `Get Diagnostic` tells about a fault's diagnostic (feed records carry only its id). */
export interface DiagnosticInfo {
  code?: number | string;
  name?: string;
  source?: { id?: string };
}

/**
 * A DTC for a fault: `SPN<spn>-FMI<fmi>` for J1939, the `P0217`-style code an OBD diagnostic's
 * name starts with, else Geotab's code or, lacking all of that, the diagnostic id.
 */
export function faultCode(f: z.infer<typeof FaultData>, info?: DiagnosticInfo): string {
  const code = f.diagnostic.code ?? info?.code;
  const fmi = f.failureMode?.code;
  if (code !== undefined && (fmi !== undefined || info?.source?.id === "SourceJ1939Id")) return j1939Code(code, fmi);
  const obd = info?.name?.match(/^([PCBU][0-9A-F]{4})\b/)?.[1];
  if (obd) return obd;
  return String(code ?? f.diagnostic.id)
    .toUpperCase()
    .replace(/[^A-Z0-9-]/g, "")
    .slice(0, 16);
}

/** Diagnostic ids of active faults whose code the feed did not include (to look up once each). */
export function uncodedDiagnostics(records: unknown[]): string[] {
  const ids = new Set<string>();
  for (const record of records) {
    const r = FaultData.safeParse(record);
    if (r.success && r.data.diagnostic.code === undefined) ids.add(r.data.diagnostic.id);
  }
  return [...ids];
}

function mapOne(typeName: FeedType, record: unknown, diagnostics: Map<string, DiagnosticInfo>): DeviceEvent | null {
  switch (typeName) {
    case "LogRecord": {
      const r = LogRecord.safeParse(record);
      if (!r.success) return null;
      const readings: Record<string, number> = { lat: r.data.latitude, lon: r.data.longitude };
      if (r.data.speed !== undefined) readings.speedKph = r.data.speed;
      return { deviceId: r.data.device.id, ts: Date.parse(r.data.dateTime), readings };
    }
    case "StatusData": {
      const r = StatusData.safeParse(record);
      const convert = r.success ? DIAGNOSTICS[r.data.diagnostic.id] : undefined;
      if (!r.success || !convert) return null;
      return { deviceId: r.data.device.id, ts: Date.parse(r.data.dateTime), readings: convert(r.data.data) };
    }
    case "FaultData": {
      const r = FaultData.safeParse(record);
      // Only an active fault is a present DTC; pending or cleared states are not.
      if (!r.success || (r.data.faultState !== undefined && r.data.faultState !== "Active")) return null;
      const code = faultCode(r.data, diagnostics.get(r.data.diagnostic.id));
      return code.length >= 2 ? { deviceId: r.data.device.id, ts: Date.parse(r.data.dateTime), readings: {}, dtc: [code] } : null;
    }
    case "ExceptionEvent": {
      const r = ExceptionEvent.safeParse(record);
      const counter = r.success ? EXCEPTION_RULES[r.data.rule.id] : undefined;
      if (!r.success || !counter) return null;
      return { deviceId: r.data.device.id, ts: Date.parse(r.data.activeFrom), readings: { [counter]: 1 } };
    }
  }
}

/** Maps one feed page; samples of a device at the same instant become one event. */
export function mapGeotabFeed(
  typeName: FeedType,
  records: unknown[],
  now = Date.now(),
  diagnostics = new Map<string, DiagnosticInfo>(),
): { events: DeviceEvent[]; unmapped: number } {
  const merged = new Map<string, DeviceEvent>();
  let unmapped = 0;
  for (const record of records) {
    const e = mapOne(typeName, record, diagnostics);
    if (!e || e.ts > now + MAX_FUTURE_MS) {
      unmapped++;
      continue;
    }
    const key = `${e.deviceId}\u0000${e.ts}`;
    const seen = merged.get(key);
    if (!seen) merged.set(key, { ...e, readings: { ...e.readings } });
    else {
      Object.assign(seen.readings, e.readings);
      if (e.dtc) seen.dtc = [...new Set([...(seen.dtc ?? []), ...e.dtc])];
    }
  }
  const events = [...merged.values()].map((e) => ({
    ...e,
    readings: Object.fromEntries(Object.entries(e.readings).map(([k, v]) => [k, tidy(v)])),
  }));
  return { events, unmapped };
}
