/**
 * Driver-behaviour anomalies, incrementally (pure module; the tenant object keeps the state).
 *
 * Three signals per driver: speed (km/h), acceleration and braking (m/s², the positive and the
 * negated negative part of the longitudinal acceleration; `accelG` when the vendor sends it,
 * else derived from consecutive speed readings at most MAX_GAP_S apart).
 *
 * Baseline: per signal, streaming estimates of the driver's own 90th and 99th percentiles (the
 * upper tail is what "harder / faster than usual" is about) with exponential forgetting —
 * stochastic-approximation quantile updates `q += rate · spread · (τ − 1[x ≤ q])`, whose step
 * is scaled by the tail's spread (q99 − q90, floored) so the estimates are unit-free. They start
 * from the exact quantiles of the first `warmup` active readings and learn fast until `settle`
 * readings; nothing is flagged before that. The
 * tail spread, not a median/MAD, is the scale because driving is multimodal (stops, town,
 * motorway): the distance from the median to the top end says nothing about how much the top
 * end itself varies.
 *
 * Departure: a reading's excess over the driver's own q99 in tail spreads,
 * z = (x − q99) / spread, clipped, feeds a one-sided CUSUM S = min(cap, max(0, S + z − k)).
 * Typical readings drain it; a run of readings well above the driver's usual top end fills it.
 * `S ≥ h` is an anomaly: isolated spikes (one noisy reading) are not, a few seconds of braking
 * far harder than this driver ever brakes, or a minute of speed far above their usual top
 * speed, are.
 */

export type DrivingSignal = "speed" | "accel" | "braking";
export const DRIVING_SIGNALS: readonly DrivingSignal[] = ["speed", "accel", "braking"];

export interface AnomalyConfig {
  /** Active readings per signal whose exact quantiles start the baseline. */
  warmup: number;
  /**
   * Readings per signal (active or not) before anything is flagged; until then the quantiles
   * learn ten times faster (a first half hour in town must not define the driver's top speed).
   */
  settle: number;
  /** Forgetting: quantile step per reading, as a fraction of the spread. */
  rate: number;
  /** CUSUM reference (allowance) and decision threshold, in spreads. */
  k: number;
  h: number;
  /** Largest single-reading contribution, in spreads (one glitch cannot alert alone). */
  zClip: number;
  /** Floors of the tail spread (q99 − q90) per signal, in the signal's unit. */
  minSpread: Record<DrivingSignal, number>;
  /**
   * Only readings at or above this feed the baseline (per signal): the quantiles describe the
   * driver's manoeuvres and moving speeds, not the cruising and standing time that dominates
   * any trace (which would put q99 of braking at sensor noise).
   */
  active: Record<DrivingSignal, number>;
}

export const DEFAULT_ANOMALY_CONFIG: AnomalyConfig = {
  warmup: 200,
  settle: 1800,
  rate: 0.005,
  k: 0.5,
  h: 4,
  zClip: 3,
  minSpread: { speed: 8, accel: 0.3, braking: 0.3 },
  active: { speed: 5, accel: 0.5, braking: 0.5 },
};

/** Readings further apart than this do not give an acceleration (a gap, not a manoeuvre). */
export const MAX_GAP_S = 5;
const G = 9.80665;

export interface SignalBaseline {
  /** Readings seen (active or not). */
  n: number;
  /** Raw values while warming up; dropped once the quantiles exist. */
  warm: number[] | null;
  q90: number;
  q99: number;
  cusum: number;
}

export interface DriverProfile {
  signals: Record<DrivingSignal, SignalBaseline>;
  /** Previous speed reading, for derived acceleration. */
  last: { ts: number; speedKph: number } | null;
}

export interface DrivingSample {
  ts: number;
  speedKph?: number;
  accelG?: number;
}

const freshSignal = (): SignalBaseline => ({ n: 0, warm: [], q90: 0, q99: 0, cusum: 0 });
export const newProfile = (): DriverProfile => ({
  signals: { speed: freshSignal(), accel: freshSignal(), braking: freshSignal() },
  last: null,
});

function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** The sample's three signal values (absent when the sample cannot give one). */
export function signalValues(profile: DriverProfile, sample: DrivingSample): Partial<Record<DrivingSignal, number>> {
  const out: Partial<Record<DrivingSignal, number>> = {};
  if (sample.speedKph !== undefined) out.speed = sample.speedKph;
  let accel: number | undefined;
  if (sample.accelG !== undefined) accel = sample.accelG * G;
  else if (sample.speedKph !== undefined && profile.last) {
    const dt = (sample.ts - profile.last.ts) / 1000;
    if (dt > 0 && dt <= MAX_GAP_S) accel = (sample.speedKph - profile.last.speedKph) / 3.6 / dt;
  }
  if (accel !== undefined) {
    out.accel = Math.max(0, accel);
    out.braking = Math.max(0, -accel);
  }
  return out;
}

/** One reading of one signal: returns the updated baseline and its CUSUM (null while warming up). */
export function stepSignal(
  baseline: SignalBaseline,
  x: number,
  signal: DrivingSignal,
  config: AnomalyConfig,
): { baseline: SignalBaseline; score: number | null } {
  const active = x >= config.active[signal];
  if (baseline.warm) {
    if (!active) return { baseline: { ...baseline, n: baseline.n + 1 }, score: null };
    // Kept to 0.01 of the unit: the buffer lives in the vehicle's stored state until warm.
    const warm = [...baseline.warm, Math.round(x * 100) / 100];
    if (warm.length < config.warmup) return { baseline: { ...baseline, n: baseline.n + 1, warm }, score: null };
    const sorted = warm.sort((a, b) => a - b);
    return { baseline: { n: baseline.n + 1, warm: null, q90: quantile(sorted, 0.9), q99: quantile(sorted, 0.99), cusum: 0 }, score: null };
  }
  const spread = Math.max(baseline.q99 - baseline.q90, config.minSpread[signal]);
  const z = Math.min(config.zClip, (x - baseline.q99) / spread);
  const cusum = Math.min(2 * config.h, Math.max(0, baseline.cusum + z - config.k));
  const settled = baseline.n >= config.settle;
  const score = settled ? cusum : null;
  if (!active) return { baseline: { ...baseline, n: baseline.n + 1, cusum }, score };
  // Step scale: the spread, or — upwards only — the reading's distance above the estimate
  // (bounded), so an estimate that started too low (a calm first hour) still climbs in useful
  // time, while a long quiet stretch (town after motorway) lowers it only slowly.
  const rate = settled ? config.rate : 10 * config.rate;
  const scale = (q: number) => rate * Math.max(spread, Math.min(x - q, 10 * config.minSpread[signal]));
  const q90 = baseline.q90 + scale(baseline.q90) * (0.9 - (x <= baseline.q90 ? 1 : 0));
  const q99 = Math.max(q90, baseline.q99 + scale(baseline.q99) * (0.99 - (x <= baseline.q99 ? 1 : 0)));
  return { baseline: { n: baseline.n + 1, warm: null, q90, q99, cusum }, score };
}

/**
 * Applies one sample (in time order) to a driver's profile: returns the new profile and, for
 * each signal the sample carried after warm-up, its CUSUM score (anomalous when ≥ config.h).
 */
export function stepProfile(
  profile: DriverProfile,
  sample: DrivingSample,
  config: AnomalyConfig = DEFAULT_ANOMALY_CONFIG,
): { profile: DriverProfile; scores: Partial<Record<DrivingSignal, number>> } {
  const values = signalValues(profile, sample);
  const signals = { ...profile.signals };
  const scores: Partial<Record<DrivingSignal, number>> = {};
  for (const signal of DRIVING_SIGNALS) {
    const x = values[signal];
    if (x === undefined) continue;
    const step = stepSignal(signals[signal], x, signal, config);
    signals[signal] = step.baseline;
    if (step.score !== null) scores[signal] = step.score;
  }
  const last = sample.speedKph !== undefined ? { ts: sample.ts, speedKph: sample.speedKph } : profile.last;
  return { profile: { signals, last }, scores };
}

export const isAnomalous = (score: number, config: AnomalyConfig = DEFAULT_ANOMALY_CONFIG) => score >= config.h;
