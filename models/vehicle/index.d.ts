// Hand-written types for models/vehicle/index.js (the contract with the tenant's object).
export declare const VEHICLE_HEALTH_VERSION: string;

/** One telemetry event: epoch ms and canonical readings (worker/domain/telemetry.ts names). */
export interface HealthReading {
  ts: number;
  readings: Record<string, number>;
}

/** JSON-serialisable per-vehicle state (≤ 2 KB). Store it as returned; pass it back unchanged. */
export type HealthState = unknown;

export type Component = "cooling" | "charging" | "brakes" | "tyres";

export interface ComponentHealth {
  component: Component;
  /** probability of needing the workshop within 7 / 30 days (p7 ≤ p30) */
  p7: number;
  p30: number;
  /** 0..1: missing inputs, short history, stale data lower it */
  confidence: number;
  /** ms, expected date of reaching the service limit (wear), or null */
  dueAt: number | null;
  /** manager words, strongest first, e.g. "coolant 9 °C above this vehicle's normal at this load" */
  evidence: { feature: string; text: string; contribution: number }[];
}

/** Loads the virtual sensors once (idempotent). */
export declare function loadVehicleHealth(): Promise<void>;

/** Initial state of a vehicle never seen before. */
export declare function initialHealthState(): HealthState;

/**
 * One call per ingest batch for all touched vehicles. A component is listed once the vehicle has
 * sent its base reading (cooling: coolantTempC, charging: batteryV, brakes: brakePadMm, tyres:
 * tirePressureKpa).
 */
export declare function updateVehicleHealth(
  items: { state: HealthState; readings: HealthReading[] }[],
  now: number,
): Promise<{ state: HealthState; components: ComponentHealth[] }[]>;

/** Which components a vehicle has reported (bit flags of VehicleHealthState.seen). */
export declare const SEEN: Readonly<Record<Component, number>>;

// ---- internal layout (for tests and tools; callers treat HealthState as opaque)
/** detector.js: residual calibration (Welford n/mean/m2), CUSUM up/down, smoothed excess, last z */
export interface DetectorState {
  n: number;
  mean: number;
  m2: number;
  up: number;
  down: number;
  ex: number;
  z: number;
}
/** trend.js: exponentially forgotten least-squares sums over bucket means */
export interface TrendState {
  t0: number | null;
  tl: number;
  w: number;
  st: number;
  sy: number;
  stt: number;
  sty: number;
  syy: number;
  nb: number;
  first: number;
  firstT: number;
  bk: number;
  bn: number;
  bs: number;
  last: number | null;
}
export interface SensorDetectorState extends DetectorState {
  /** input quality 0..1 (missing load / intake air lower it) */
  q: number;
  /** last measured and expected minute values */
  last: number | null;
  exp: number | null;
  /** end (ms) of the last scored minute */
  end: number;
}
export interface VehicleHealthState {
  v: 1;
  /** signals.js: engine-run clock, smoothed conditions, the open minute */
  sig: Record<string, unknown>;
  cool: SensorDetectorState;
  volt: SensorDetectorState;
  /** coolant sensor roughness (erratic readings) */
  rough: SensorDetectorState;
  pads: TrendState;
  tyre: TrendState;
  rest: TrendState;
  nominalV: number;
  /** ms since when the engine has been off (resting-voltage samples wait a minute), or null */
  offSince: number | null;
  seen: number;
  lastTs: number | null;
}
