/** A telemetry event after validation and vehicle mapping: what the rule engine consumes. */
export interface TelemetryEvent {
  /** FleetPulse vehicle id (webhooks name vehicles by `externalId`; mapping happens before). */
  vehicleId: string;
  /** Event time, epoch ms. */
  ts: number;
  readings: Record<string, number>;
  /** Diagnostic trouble codes; absent means "not reported", [] means "none active". */
  dtc?: string[];
}

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
] as const;
