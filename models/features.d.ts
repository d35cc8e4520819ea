// Hand-written types for features.js (shared by Node training and Worker scoring).

/** One C-MAPSS cycle: `cycle` (engine age in cycles) plus sensor values keyed s1..s21. */
export interface EngineReading {
  cycle?: number;
  [sensor: string]: number | undefined;
}

/**
 * One engine reading as feature extraction reads it: `[cycle, ...sensor values in the spec's
 * sensors order]` (cycle NaN when unknown). The edge keeps each vehicle's window in this layout.
 */
export type EngineRow = number[];

/** Preprocessing constants for the engine model; stored in the model card as `preprocessing`. */
export interface EngineSpec {
  sensors: readonly string[];
  /** per-sensor statistics, subset of ENGINE_STATS, in output order */
  stats: readonly ("tail" | "mean" | "slope" | "curv" | "resid")[];
  windowLength: number;
  tailLength: number;
  /** append the newest reading's cycle number as the last feature */
  useCycle?: boolean;
  featureNames?: readonly string[];
  mean: readonly number[];
  std: readonly number[];
}

export interface Ai4iReading {
  type: "L" | "M" | "H";
  airTempK: number;
  processTempK: number;
  rpm: number;
  torqueNm: number;
  toolWearMin: number;
}

export interface Ai4iThresholds {
  hdfTempDiffK: number;
  hdfRpm: number;
  pwfMinW: number;
  pwfMaxW: number;
  osfStrainMinNm: { L: number; M: number; H: number };
  twfWearMin: number;
}

/** Preprocessing constants for the AI4I model; stored in the model card as `preprocessing`. */
export interface Ai4iSpec {
  thresholds: Ai4iThresholds;
  featureNames?: readonly string[];
  mean: readonly number[];
  std: readonly number[];
}

export function standardise(
  raw: ArrayLike<number>,
  mean: ArrayLike<number>,
  std: ArrayLike<number>,
  out?: Float32Array,
  offset?: number,
): Float32Array;
export function fitStandardiser(rows: ArrayLike<number>[]): { mean: number[]; std: number[] };

export const CMAPSS_SENSORS: readonly string[];
export const ENGINE_STATS: readonly string[];
export function engineRow(reading: EngineReading, spec: { sensors: readonly string[] }): EngineRow;
export function engineRowWindow(window: EngineReading[], spec: { sensors: readonly string[]; windowLength: number }): EngineRow[];
export function engineFeatureCount(spec: { sensors: readonly string[]; stats: readonly string[]; useCycle?: boolean }): number;
export function engineRowRawFeatures(
  rows: readonly (readonly number[])[],
  spec: EngineSpec,
  out?: Float64Array,
  offset?: number,
): Float64Array;
export function engineRowFeatures(rows: readonly (readonly number[])[], spec: EngineSpec): Float32Array;
export function engineRawFeatures(window: EngineReading[], spec: EngineSpec): Float64Array;
export function engineFeatures(window: EngineReading[], spec: EngineSpec): Float32Array;
export function engineFeatureNames(spec: { sensors: readonly string[]; stats: readonly string[]; useCycle?: boolean }): string[];

export const AI4I_FEATURES: readonly string[];
export function ai4iRawFeatures(reading: Ai4iReading, spec: Ai4iSpec): Float64Array;
export function ai4iFeatures(reading: Ai4iReading, spec: Ai4iSpec): Float32Array;
