/**
 * Edge scoring with the quantized AI4I 2020 per-reading failure classifier
 * (models/artifacts/ai4i): every reading that carries the card's inputs is scored — all such
 * readings of one ingest in one batched predict — and the vehicle keeps its newest score.
 */
import * as tf from "@tensorflow/tfjs-core";
import type { LayersModel } from "@tensorflow/tfjs-layers";
import { ai4iFeatures, type Ai4iReading } from "../models/features.js";
import { loadModel, scoreReadings, type Ai4iCard } from "../models/load.js";
import cardJson from "../models/artifacts/ai4i/card.json";
import modelJson from "../models/artifacts/ai4i/model.json";
import weights from "../models/artifacts/ai4i/weights.bin";
import { topContributions } from "./occlusion";

export const MACHINE_CARD = cardJson as unknown as Ai4iCard & { preprocessing: { featureNames: string[] } };
export const MACHINE_MODEL_VERSION = `${MACHINE_CARD.name}@${MACHINE_CARD.version}`;
export const MACHINE_THRESHOLD = MACHINE_CARD.thresholds.alert;
/** The card's output is about the reading's own machining process, not a time span ahead. */
export const MACHINE_HORIZON = "current process";

/**
 * Telemetry readings are numbers, so the card's `type` (L|M|H) arrives as `productType`
 * 0 = L, 1 = M, 2 = H; the other inputs carry the card's own names and units.
 */
export const PRODUCT_TYPES = ["L", "M", "H"] as const;
const NUMERIC_INPUTS = ["airTempK", "processTempK", "rpm", "torqueNm", "toolWearMin"] as const;

let model: Promise<LayersModel> | undefined;
/** Loaded once per isolate, on first use. */
const machineModel = () => (model ??= loadModel(modelJson as never, weights));

/** The reading as the classifier reads it, when the event carries every input the card names. */
export function machineReading(readings: Record<string, number>): Ai4iReading | null {
  const type = PRODUCT_TYPES[readings.productType as number];
  if (type === undefined) return null;
  for (const name of NUMERIC_INPUTS) if (readings[name] === undefined) return null;
  return {
    type,
    airTempK: readings.airTempK!,
    processTempK: readings.processTempK!,
    rpm: readings.rpm!,
    torqueNm: readings.torqueNm!,
    toolWearMin: readings.toolWearMin!,
  };
}

export interface MachineRisk {
  score: number;
  at: number;
  modelVersion: string;
  /** The scored reading, kept so topFeatures can be explained on read. */
  reading: Ai4iReading;
}

/** One predict for all readings (tf.tidy inside scoreReadings). */
export async function scoreMachineReadings(readings: Ai4iReading[]): Promise<number[]> {
  if (!readings.length) return [];
  return scoreReadings(await machineModel(), MACHINE_CARD, readings);
}

export const machineLabel = (score: number): "low" | "elevated" | "high" =>
  score >= MACHINE_THRESHOLD ? "high" : score >= MACHINE_THRESHOLD / 5 ? "elevated" : "low";

/**
 * Which features drive the score: occlusion of each standardized feature (set to the training
 * mean, 0) and the drop in log-odds it causes. Computed on read, not on ingest.
 */
export async function machineTopFeatures(reading: Ai4iReading, limit = 3): Promise<{ name: string; contribution: number }[]> {
  const loaded = await machineModel();
  const base = ai4iFeatures(reading, MACHINE_CARD.preprocessing);
  const names = MACHINE_CARD.preprocessing.featureNames;
  const rows = [[...base], ...names.map((_, j) => [...base].map((v, i) => (i === j ? 0 : v)))];
  const probabilities = tf.tidy(() => [...(loaded.predict(tf.tensor2d(rows)) as tf.Tensor).dataSync()]);
  return topContributions(names, probabilities, limit);
}

/**
 * Built-in rule over the classifier's output: a reading scored at or above the card's alert
 * threshold (chosen for FPR ≤ 2 % on training data) raises `predictive_failure` through the
 * normal alert path; repeats inside the one-day cooldown count as occurrences.
 */
export const MACHINE_RULE = {
  id: "builtin:predictive_failure:ai4i",
  name: "Predicted machine failure",
  type: "predictive_failure",
  metric: "machinePFail",
  op: "gte" as const,
  threshold: MACHINE_THRESHOLD,
  forSeconds: null,
  window: null,
  cooldownSeconds: 86_400,
  severity: "high" as const,
  enabled: true,
  vehicleIds: null,
};
