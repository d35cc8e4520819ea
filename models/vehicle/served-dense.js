// The served virtual sensors as plain dense layers, decoded by tfjs-core alone: the committed
// artifacts are tfjs layers-model files (topology + uint8-quantized weights.bin), and the hot path
// evaluates their dense layers in plain JS (predict.js), so the Worker needs tfjs-core's weight
// decoding (dequantization included) but not tfjs-layers' model builder (~460 KiB of the bundle).
// golden.test.ts and eval.mjs check the result against the full tfjs model.
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";

/**
 * Dense layers of a layers-model artifact, in topology order (InputLayer skipped).
 * @param {{ modelTopology: any, weightsManifest: { paths: string[], weights: tf.io.WeightsManifestEntry[] }[] }} modelJson
 * @param {ArrayBuffer} weightData
 * @returns {Promise<import('./predict.js').DenseLayer[]>}
 */
export async function servedDenseLayers(modelJson, weightData) {
  if (tf.getBackend() !== "cpu") await tf.setBackend("cpu");
  await tf.ready();
  const groups = modelJson.weightsManifest ?? [];
  if (groups.length !== 1) throw new Error("expected one weights group");
  const tensors = tf.io.decodeWeights(weightData, groups[0].weights);
  const topology = modelJson.modelTopology.model_config ?? modelJson.modelTopology;
  const layers = topology.config.layers.filter((/** @type {any} */ l) => l.class_name === "Dense");
  try {
    return layers.map((/** @type {any} */ l) => {
      const { name, activation } = l.config;
      if (activation !== "relu" && activation !== "linear") throw new Error(`unsupported activation ${activation}`);
      const kernel = tensors[`${name}/kernel`];
      const bias = tensors[`${name}/bias`];
      if (!kernel || !bias) throw new Error(`no weights for layer ${name}`);
      return {
        kernel: /** @type {Float32Array} */ (kernel.dataSync()),
        bias: /** @type {Float32Array} */ (bias.dataSync()),
        inputs: kernel.shape[0] ?? 0,
        units: kernel.shape[1] ?? 0,
        relu: activation === "relu",
      };
    });
  } finally {
    tf.dispose(Object.values(tensors));
  }
}
