// Node-only: writes/reads model artifacts (model.json + weights.bin + card.json).
import { mkdirSync, readFileSync, writeFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import { quantizeWeights } from "./quantize.js";

/** @param {string} rel path under models/ @returns {string} absolute path */
export function modelsPath(rel) {
  return fileURLToPath(new URL(rel, import.meta.url));
}

/** @param {string} name artifact folder name */
export const artifactDir = (name) => modelsPath(`artifacts/${name}/`);

/**
 * Pretty JSON, but objects/arrays holding only primitives go on one line (keeps cards and
 * fixtures readable and small: a 40-reading window is 40 lines, not 640).
 * @param {string} file @param {unknown} obj
 */
export function writeJson(file, obj) {
  mkdirSync(dirname(file), { recursive: true });
  const text = JSON.stringify(obj, null, 2).replace(
    /([[{])\n\s+([^[\]{}]*?)\n\s*([\]}])/g,
    (_, open, body, close) => `${open}${body.replace(/\n\s*/g, " ")}${close}`,
  );
  writeFileSync(file, `${text}\n`);
}

/**
 * Saves a trained layers model as uint8-quantized model.json + weights.bin.
 * @param {import('@tensorflow/tfjs-layers').LayersModel} model @param {string} name
 * @returns {Promise<{ modelJsonBytes: number, weightsBytes: number }>}
 */
export async function saveQuantized(model, name) {
  /** @type {tf.io.ModelArtifacts | undefined} */ let art;
  await model.save({
    save: async (a) => {
      art = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    },
  });
  if (!art?.weightSpecs || !art.weightData) throw new Error("model.save produced no weights");
  const floatData = tf.io.CompositeArrayBuffer.join(art.weightData);
  const { weightSpecs, weightData } = quantizeWeights(art.weightSpecs, floatData);
  // Same layout tfjs-converter writes; training config/optimizer state is deliberately left out.
  const modelJson = {
    format: "layers-model",
    generatedBy: art.generatedBy,
    convertedBy: "FleetPulse models/quantize.js (uint8 affine, tfjs-converter --quantize_uint8 format)",
    modelTopology: art.modelTopology,
    weightsManifest: [{ paths: ["weights.bin"], weights: weightSpecs }],
  };
  const dir = artifactDir(name);
  mkdirSync(dir, { recursive: true });
  const text = `${JSON.stringify(modelJson)}\n`;
  writeFileSync(`${dir}model.json`, text);
  writeFileSync(`${dir}weights.bin`, new Uint8Array(weightData));
  return { modelJsonBytes: Buffer.byteLength(text), weightsBytes: weightData.byteLength };
}

/** Reads a committed artifact. @param {string} name */
export function readArtifact(name) {
  const dir = artifactDir(name);
  const buf = readFileSync(`${dir}weights.bin`);
  return {
    modelJson: JSON.parse(readFileSync(`${dir}model.json`, "utf8")),
    // Copy into a standalone ArrayBuffer: Node Buffers may be views into a shared pool.
    weightData: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength),
    card: JSON.parse(readFileSync(`${dir}card.json`, "utf8")),
  };
}

/** @param {string} name */
export function artifactSizes(name) {
  const dir = artifactDir(name);
  const m = statSync(`${dir}model.json`).size;
  const w = statSync(`${dir}weights.bin`).size;
  return { "model.json": m, "weights.bin": w, total: m + w };
}
