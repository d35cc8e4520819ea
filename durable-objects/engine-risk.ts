/**
 * Edge scoring with the quantized C-MAPSS engine-health model (models/artifacts/cmapss-fd001):
 * each vehicle whose telemetry carries the model card's inputs keeps a window of its last
 * readings, and every ingest scores the vehicles it touched in one batched predict.
 */
import * as tf from "@tensorflow/tfjs-core";
import type { LayersModel } from "@tensorflow/tfjs-layers";
import { engineRow, engineRowFeatures, engineRowWindow, type EngineReading, type EngineRow } from "../models/features.js";
import { loadModel, scoreEngineRows, type EngineCard } from "../models/load.js";
import cardJson from "../models/artifacts/cmapss-fd001/card.json";
import modelJson from "../models/artifacts/cmapss-fd001/model.json";
import weights from "../models/artifacts/cmapss-fd001/weights.bin";
import { topContributions } from "./occlusion";

export const ENGINE_CARD = cardJson as unknown as EngineCard & { preprocessing: { sensors: string[]; windowLength: number } };
const SENSORS = ENGINE_CARD.preprocessing.sensors;
const WINDOW = ENGINE_CARD.preprocessing.windowLength;
export const ENGINE_MODEL_VERSION = `${ENGINE_CARD.name}@${ENGINE_CARD.version}`;

/** Loaded once per isolate, on first use. */
let model: Promise<LayersModel> | undefined;
const engineModel = () => (model ??= loadModel(modelJson as never, weights));

/** A fresh load, bypassing the per-isolate cache (the benchmark times what a cold start pays). */
export const loadEngineModelUncached = () => loadModel(modelJson as never, weights);

/**
 * Column order of stored engine rows (`[cycle, ...card sensors]`, features.js engineRow). Kept
 * next to each window: rows written for another card's sensor list cannot be re-keyed.
 */
export const ENGINE_ROW_LAYOUT = ["cycle", ...SENSORS].join(",");

/** The reading as the model reads it (an engine row), when the event carries every input the card names. */
export function engineReading(readings: Record<string, number>): EngineRow | null {
  if (!Number.isFinite(readings.cycle)) return null;
  for (const sensor of SENSORS) if (!Number.isFinite(readings[sensor])) return null;
  return engineRow(readings, ENGINE_CARD.preprocessing);
}

/** Appends a row to a vehicle's window, keeping the newest `windowLength`. */
export function pushWindow(window: EngineRow[] | undefined, row: EngineRow): EngineRow[] {
  const next = [...(window ?? []), row];
  return next.length > WINDOW ? next.slice(next.length - WINDOW) : next;
}

/** A window persisted as reading objects (storage before v4) as engine rows; undefined if it lacks an input. */
export function rowsFromReadings(window: EngineReading[]): EngineRow[] | undefined {
  try {
    return engineRowWindow(window, ENGINE_CARD.preprocessing);
  } catch {
    return undefined;
  }
}

export interface EngineRisk {
  score: number;
  rul: number;
  at: number;
  modelVersion: string;
}

/** One predict for all windows (the model's own batching), inside tf.tidy via scoreEngineWindows. */
export async function scoreWindows(windows: EngineRow[][], at: number): Promise<EngineRisk[]> {
  if (!windows.length) return [];
  const scored = scoreEngineRows(await engineModel(), ENGINE_CARD, windows);
  return scored.map((s) => ({ score: s.pFail30, rul: s.rul, at, modelVersion: ENGINE_MODEL_VERSION }));
}

export const riskLabel = (score: number): "low" | "elevated" | "high" =>
  score >= ENGINE_CARD.thresholds.pFail30 ? "high" : score >= ENGINE_CARD.thresholds.pFail30 / 5 ? "elevated" : "low";

/**
 * Which sensors drive the estimate: occlusion — each sensor's standardized features set to
 * the training mean (0) — and the drop in log-odds of failure it causes (log-odds, because a
 * saturated probability hides every difference). Computed on read, not on ingest.
 */
export async function topFeatures(window: EngineRow[], limit = 3): Promise<{ name: string; contribution: number }[]> {
  const loaded = await engineModel();
  const base = engineRowFeatures(window, ENGINE_CARD.preprocessing as never);
  const names: string[] = (ENGINE_CARD.preprocessing as unknown as { featureNames: string[] }).featureNames;
  const rows = [base, ...SENSORS.map((sensor) => base.map((v, i) => (names[i]!.startsWith(`${sensor}_`) ? 0 : v)))];
  const probabilities = tf.tidy(() => {
    const outputs = loaded.predict(tf.tensor2d(rows.map((r) => [...r]))) as tf.Tensor[];
    return [...outputs[1]!.dataSync()];
  });
  return topContributions(SENSORS, probabilities, limit);
}

/**
 * Built-in rule over the model's output: P(failure within 30 cycles) at or above the card's
 * threshold raises a `predictive_failure` alert through the normal alert path (cooldown one day).
 */
export const PREDICTIVE_RULE = {
  id: "builtin:predictive_failure",
  name: "Predicted engine failure",
  type: "predictive_failure",
  metric: "enginePFail30",
  op: "gte" as const,
  threshold: ENGINE_CARD.thresholds.pFail30,
  forSeconds: null,
  window: null,
  cooldownSeconds: 86_400,
  severity: "high" as const,
  enabled: true,
  vehicleIds: null,
};
