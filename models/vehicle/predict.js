// Forward pass of a virtual sensor over many minute rows (standardise → network → °C / V).
// The network is the tfjs artifact loaded by tfjs (uint8 weights dequantized by tfjs-core); for
// the hot path its dense layers are read out once and evaluated in plain JS: a 12→16→8→1 ReLU
// net is ~330 multiply-adds per row, far below tfjs's per-op overhead on the CPU backend.
// eval.mjs checks this path against model.predict on every held-out row.
import * as tf from "@tensorflow/tfjs-core";

/** @typedef {{ kernel: Float32Array, bias: Float32Array, inputs: number, units: number, relu: boolean }} DenseLayer */

/**
 * Reads the dense layers (kernel [in, out] row-major, bias, activation) of a loaded layers model.
 * @param {import('@tensorflow/tfjs-layers').LayersModel} model @returns {DenseLayer[]}
 */
export function denseLayers(model) {
  return model.layers
    .filter((l) => l.getClassName() === "Dense")
    .map((l) => {
      const [k, b] = l.getWeights();
      const cfg = /** @type {any} */ (l.getConfig());
      if (cfg.activation !== "relu" && cfg.activation !== "linear") throw new Error(`unsupported activation ${cfg.activation}`);
      return {
        kernel: /** @type {Float32Array} */ (k.dataSync()),
        bias: /** @type {Float32Array} */ (b.dataSync()),
        inputs: k.shape[0] ?? 0,
        units: k.shape[1] ?? 0,
        relu: cfg.activation === "relu",
      };
    });
}

/**
 * Expected values for raw feature rows, in plain JS over the dense layers.
 * @param {{ dense: DenseLayer[], preprocessing: { mean: number[], std: number[] }, output: { center: number, scale: number } }} m
 * @param {readonly (readonly number[])[]} rows @returns {Float32Array}
 */
export function predictExpected(m, rows) {
  const { mean, std } = m.preprocessing;
  const out = new Float32Array(rows.length);
  const width = Math.max(mean.length, ...m.dense.map((l) => l.units));
  let a = new Float32Array(width);
  let b = new Float32Array(width);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    for (let j = 0; j < mean.length; j++) a[j] = (row[j] - mean[j]) / (std[j] || 1);
    for (const l of m.dense) {
      for (let o = 0; o < l.units; o++) {
        let s = l.bias[o];
        for (let i = 0; i < l.inputs; i++) s += a[i] * l.kernel[i * l.units + o];
        b[o] = l.relu && s < 0 ? 0 : s;
      }
      const t = a;
      a = b;
      b = t;
    }
    out[r] = m.output.center + m.output.scale * a[0];
  }
  return out;
}

/**
 * The same through tfjs (model.predict), for checking the plain-JS path.
 * @param {{ model: import('@tensorflow/tfjs-layers').LayersModel, preprocessing: { mean: number[], std: number[] }, output: { center: number, scale: number } }} m
 * @param {readonly (readonly number[])[]} rows @returns {Float32Array}
 */
export function predictWithTfjs(m, rows) {
  if (rows.length === 0) return new Float32Array(0);
  const { mean, std } = m.preprocessing;
  const d = mean.length;
  const flat = new Float32Array(rows.length * d);
  rows.forEach((r, i) => {
    for (let j = 0; j < d; j++) flat[i * d + j] = (r[j] - mean[j]) / (std[j] || 1);
  });
  const raw = tf.tidy(() => /** @type {tf.Tensor} */ (m.model.predict(tf.tensor2d(flat, [rows.length, d]))).dataSync());
  return Float32Array.from(raw, (v) => m.output.center + m.output.scale * v);
}
