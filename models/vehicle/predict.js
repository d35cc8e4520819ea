// One forward pass of a virtual sensor over many minute rows (standardise → network → °C / V).
import * as tf from "@tensorflow/tfjs-core";

/**
 * Runs one model over many minute rows in a single forward pass.
 * @param {any} m loaded sensor @param {number[][]} rows raw features @returns {Float32Array} expected values
 */
export function predictExpected(m, rows) {
  if (rows.length === 0) return new Float32Array(0);
  const { mean, std } = m.preprocessing;
  const d = mean.length;
  const flat = new Float32Array(rows.length * d);
  rows.forEach((r, i) => {
    for (let j = 0; j < d; j++) flat[i * d + j] = (r[j] - mean[j]) / (std[j] || 1);
  });
  const out = tf.tidy(() => /** @type {tf.Tensor} */ (m.model.predict(tf.tensor2d(flat, [rows.length, d]))).dataSync());
  const res = new Float32Array(out.length);
  for (let i = 0; i < out.length; i++) res[i] = m.output.center + m.output.scale * out[i];
  return res;
}

