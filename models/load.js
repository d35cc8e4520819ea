// Runtime loader + batched scoring, usable in a Cloudflare Worker and in Node.
// Imports only tfjs-core, tfjs-layers and the pure-JS CPU backend (not the umbrella
// @tensorflow/tfjs, which drags in WebGL and data/converter code the edge does not need).
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { loadLayersModel } from "@tensorflow/tfjs-layers";
import { engineRowRawFeatures, engineRowWindow, engineFeatureCount, standardise, ai4iFeatures } from "./features.js";

/** @type {Promise<void> | undefined} */
let backendReady;

/** Selects the CPU backend once (idempotent). */
export function initBackend() {
  backendReady ??= (async () => {
    if (tf.getBackend() !== "cpu") await tf.setBackend("cpu");
    await tf.ready();
  })();
  return backendReady;
}

/**
 * Loads a committed artifact from its parsed model.json and the bytes of weights.bin.
 * Quantized (uint8) weights are dequantized by tfjs-core's io.decodeWeights.
 * @param {import('./load').ModelJson} modelJson
 * @param {ArrayBuffer} weightData
 * @returns {Promise<import('@tensorflow/tfjs-layers').LayersModel>}
 */
export async function loadModel(modelJson, weightData) {
  await initBackend();
  const groups = modelJson.weightsManifest ?? [];
  if (groups.length !== 1 || groups[0].paths.length !== 1) throw new Error("expected one weights.bin");
  const weightSpecs = groups[0].weights;
  const handler = {
    load: async () => ({
      modelTopology: modelJson.modelTopology,
      weightSpecs,
      weightData,
      format: modelJson.format,
      generatedBy: modelJson.generatedBy,
      convertedBy: modelJson.convertedBy,
    }),
  };
  return loadLayersModel(/** @type {any} */ (handler));
}

/**
 * Builds a [n, d] float32 tensor from per-row feature vectors.
 * @param {Float32Array[]} rows @param {number} d
 */
function matrix(rows, d) {
  const flat = new Float32Array(rows.length * d);
  rows.forEach((r, i) => {
    if (r.length !== d) throw new Error(`feature length ${r.length}, model expects ${d}`);
    flat.set(r, i * d);
  });
  return tf.tensor2d(flat, [rows.length, d]);
}

/**
 * Scores engine windows: remaining useful life (cycles) and P(failure within 30 cycles).
 * @param {import('@tensorflow/tfjs-layers').LayersModel} model
 * @param {import('./load').EngineCard} card
 * @param {import('./features').EngineReading[][]} windows oldest reading first
 * @returns {{ rul: number, pFail30: number }[]}
 */
export function scoreEngineWindows(model, card, windows) {
  return scoreEngineRows(
    model,
    card,
    windows.map((w) => engineRowWindow(w, card.preprocessing)),
  );
}

/**
 * scoreEngineWindows for windows already kept as engine rows (features.js engineRow), the
 * layout the tenant's object stores: no conversion on the hot path.
 * @param {import('@tensorflow/tfjs-layers').LayersModel} model
 * @param {import('./load').EngineCard} card
 * @param {readonly (readonly number[])[][]} windows oldest row first
 * @returns {{ rul: number, pFail30: number }[]}
 */
export function scoreEngineRows(model, card, windows) {
  if (windows.length === 0) return [];
  const spec = card.preprocessing;
  const d = engineFeatureCount(spec);
  // Each window's raw features go through one scratch row, standardised straight into the batch matrix.
  const flat = new Float32Array(windows.length * d);
  const raw = new Float64Array(d);
  for (let i = 0; i < windows.length; i++) standardise(engineRowRawFeatures(windows[i], spec, raw), spec.mean, spec.std, flat, i * d);
  // tidy frees the input and every intermediate; only the two output tensors survive it.
  // One pass over the whole batch (predict's default splits it into batches of 32).
  const outs = tf.tidy(
    () => /** @type {tf.Tensor[]} */ (model.predict(tf.tensor2d(flat, [windows.length, d]), { batchSize: windows.length })),
  );
  const rulOut = outs[0].dataSync();
  const pOut = outs[1].dataSync();
  tf.dispose(outs);
  const { rulScale, rulCap } = card.output;
  return windows.map((_, i) => ({
    // The net predicts RUL / rulScale; clamp to the trained target range [0, cap].
    rul: Math.min(rulCap, Math.max(0, rulOut[i] * rulScale)),
    pFail30: pOut[i],
  }));
}

/**
 * Scores AI4I readings: probability-like failure score in [0, 1] per reading.
 * @param {import('@tensorflow/tfjs-layers').LayersModel} model
 * @param {import('./load').Ai4iCard} card
 * @param {import('./features').Ai4iReading[]} readings
 * @returns {number[]}
 */
export function scoreReadings(model, card, readings) {
  if (readings.length === 0) return [];
  const feats = readings.map((r) => ai4iFeatures(r, card.preprocessing));
  const y = tf.tidy(() => /** @type {tf.Tensor} */ (model.predict(matrix(feats, feats[0].length), { batchSize: feats.length })));
  const out = Array.from(y.dataSync());
  y.dispose();
  return out;
}
