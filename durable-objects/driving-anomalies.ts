/**
 * Driver-behaviour anomalies in the tenant's object: each fresh event with `speedKph` or
 * `accelG` steps the profile of whoever drives the vehicle (worker/domain/anomaly.ts), and the
 * profiles' CUSUM scores go through the normal alert path as built-in `anomaly` rules.
 */
import {
  DEFAULT_ANOMALY_CONFIG,
  DRIVING_SIGNALS,
  newProfile,
  stepProfile,
  type DriverProfile,
  type DrivingSignal,
} from "../worker/domain/anomaly";
import type { RuleDef } from "../worker/domain/rule-engine";
import type { TelemetryEvent } from "../worker/domain/telemetry";

/**
 * Baselines are kept per (vehicle, driver): the assigned driver's id, or `vehicle` when nobody
 * is assigned (then the vehicle's own pattern is the baseline). A few keys per vehicle, so a
 * driver switching back finds its baseline; the least recently used goes first.
 */
export const UNASSIGNED = "vehicle";
const MAX_PROFILES = 4;
export type DrivingProfiles = Record<string, DriverProfile & { usedAt: number }>;

const SIGNAL_NAMES: Record<DrivingSignal, { metric: string; name: string }> = {
  speed: { metric: "drivingSpeedAnomaly", name: "Speed far above the driver's usual" },
  accel: { metric: "drivingAccelAnomaly", name: "Acceleration far harsher than the driver's usual" },
  braking: { metric: "drivingBrakingAnomaly", name: "Braking far harsher than the driver's usual" },
};

/** One built-in rule per signal: score ≥ h raises `anomaly` (medium), cooldown one hour. */
export const ANOMALY_RULES: RuleDef[] = DRIVING_SIGNALS.map((signal) => ({
  id: `builtin:anomaly:${signal}`,
  name: SIGNAL_NAMES[signal].name,
  type: "anomaly",
  metric: SIGNAL_NAMES[signal].metric,
  op: "gte",
  threshold: DEFAULT_ANOMALY_CONFIG.h,
  forSeconds: null,
  window: null,
  cooldownSeconds: 3600,
  severity: "medium",
  enabled: true,
  vehicleIds: null,
}));

/** Whose baselines a vehicle's driving steps when nothing says otherwise: the ones used last (UNASSIGNED before any). */
export function currentDriverKey(profiles: DrivingProfiles | undefined): string {
  let key = UNASSIGNED;
  let at = Number.NEGATIVE_INFINITY;
  for (const k in profiles)
    if (profiles[k]!.usedAt > at) {
      at = profiles[k]!.usedAt;
      key = k;
    }
  return key;
}

export const carriesDriving = (readings: Record<string, number>) => readings.speedKph !== undefined || readings.accelG !== undefined;

/**
 * Steps the profiles with fresh events (in time order) and returns their scores as signal events
 * for ANOMALY_RULES. `profilesOf`/`save` read and write the vehicle's stored profiles.
 */
export function drivingSignals(
  events: TelemetryEvent[],
  driverOf: (vehicleId: string) => string | null | undefined,
  profilesOf: (vehicleId: string) => DrivingProfiles | undefined,
  save: (vehicleId: string, profiles: DrivingProfiles) => void,
): TelemetryEvent[] {
  const signals: TelemetryEvent[] = [];
  // Each vehicle's profiles are copied once per batch and saved once after it, not per event.
  const working = new Map<string, DrivingProfiles>();
  for (const event of events) {
    let profiles = working.get(event.vehicleId);
    if (!profiles) working.set(event.vehicleId, (profiles = { ...(profilesOf(event.vehicleId) ?? {}) }));
    const key = driverOf(event.vehicleId) ?? UNASSIGNED;
    const step = stepProfile(profiles[key] ?? newProfile(), {
      ts: event.ts,
      speedKph: event.readings.speedKph,
      accelG: event.readings.accelG,
    });
    const isNew = !(key in profiles);
    // stepProfile's profile is a new object: it takes the time of use itself rather than being copied.
    profiles[key] = Object.assign(step.profile, { usedAt: event.ts });
    if (isNew) dropLeastRecent(profiles);
    let readings: Record<string, number> | undefined;
    for (const signal in step.scores) {
      const score = step.scores[signal as DrivingSignal]!;
      (readings ??= {})[SIGNAL_NAMES[signal as DrivingSignal].metric] = Math.round(score * 1000) / 1000;
    }
    if (readings) signals.push({ vehicleId: event.vehicleId, ts: event.ts, readings });
  }
  for (const [vehicleId, profiles] of working) save(vehicleId, profiles);
  return signals;
}

/** Keeps the MAX_PROFILES most recently used drivers' profiles (only a new driver can push one out). */
function dropLeastRecent(profiles: DrivingProfiles) {
  const keys = Object.keys(profiles);
  if (keys.length <= MAX_PROFILES) return;
  keys.sort((a, b) => profiles[b]!.usedAt - profiles[a]!.usedAt);
  for (const old of keys.slice(MAX_PROFILES)) delete profiles[old];
}
