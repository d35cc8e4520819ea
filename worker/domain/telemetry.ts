/** A telemetry event after validation and vehicle mapping: what the rule engine consumes. */
export interface TelemetryEvent {
  /** FleetPulse vehicle id (webhooks name vehicles by `externalId`; mapping happens before). */
  vehicleId: string;
  /** Event time, epoch ms. */
  ts: number;
  readings: Record<string, number>;
  /** Diagnostic trouble codes; absent means "not reported", [] means "none active". */
  dtc?: string[];
  /** Vendors that report codes one by one (Motive): `dtc` lists codes opened or closed, not the full active list. */
  dtcChange?: "opened" | "closed";
}

/** A telemetry event as the Worker hands it to the tenant's object: vehicles still named by `externalId`. */
export interface IncomingEvent {
  vehicleId: string;
  ts: number;
  readings: Record<string, number>;
  dtc?: string[];
  dtcChange?: "opened" | "closed";
}

/** The object's answer to a batch: accepted once (by idempotency key), or rejected whole. */
export type IngestResult =
  | { ok: true; accepted: number; duplicate?: true }
  /** `detail` is the problem's (a malformed body's own); the batch's unknown vehicles have the default one. */
  | { ok: false; detail?: string; errors: { path: string; message: string }[] };

/** Reading names the product knows (others are kept and may feed models, rules ignore them). */
export const KNOWN_READINGS = [
  "speedKph",
  "rpm",
  "engineTempC",
  "coolantTempC",
  "oilPressureKpa",
  "batteryV",
  "fuelPct",
  "odometerKm",
  "engineHours",
  "brakePadMm",
  "tirePressureKpa",
  "accelG",
  "lat",
  "lon",
  // Operating conditions the vehicle health models (models/vehicle) read when a vendor sends them.
  "engineLoadPct",
  "intakeAirTempC",
  /** 1 when the engine is on (or idling), 0 when it is off; offline rules skip vehicles parked with it off. */
  "ignition",
] as const;
