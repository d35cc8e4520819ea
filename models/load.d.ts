// Hand-written types for load.js (Worker + Node runtime loader).
import type { LayersModel } from "@tensorflow/tfjs-layers";
import type { EngineReading, EngineSpec, Ai4iReading, Ai4iSpec } from "./features";

export interface QuantizedWeightSpec {
  name: string;
  shape: number[];
  dtype: "float32";
  quantization?: { dtype: "uint8"; min: number; scale: number; original_dtype: "float32" };
}

/** Parsed model.json of a committed artifact (tfjs layers-model format). */
export interface ModelJson {
  format: string;
  generatedBy: string;
  convertedBy: string | null;
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: QuantizedWeightSpec[] }[];
}

export interface EngineCard {
  name: string;
  version: string;
  preprocessing: EngineSpec;
  output: { rulScale: number; rulCap: number; [k: string]: unknown };
  thresholds: { pFail30: number; [k: string]: unknown };
  [k: string]: unknown;
}

export interface Ai4iCard {
  name: string;
  version: string;
  preprocessing: Ai4iSpec;
  thresholds: { alert: number; [k: string]: unknown };
  [k: string]: unknown;
}

export function initBackend(): Promise<void>;
export function loadModel(modelJson: ModelJson, weightData: ArrayBuffer): Promise<LayersModel>;
export function scoreEngineWindows(model: LayersModel, card: EngineCard, windows: EngineReading[][]): { rul: number; pFail30: number }[];
export function scoreEngineRows(
  model: LayersModel,
  card: EngineCard,
  windows: readonly (readonly number[])[][],
): { rul: number; pFail30: number }[];
export function scoreReadings(model: LayersModel, card: Ai4iCard, readings: Ai4iReading[]): number[];
