// Deterministic training loop: we shuffle with our own seeded PRNG and call fit() one epoch
// at a time with shuffle:false, because tfjs has no global seed for its internal shuffle.
import * as tf from "@tensorflow/tfjs-core";
import { mulberry32, permutation } from "./prng.js";

/**
 * @param {import('@tensorflow/tfjs-layers').LayersModel} model compiled model
 * @param {tf.Tensor2D} x
 * @param {tf.Tensor | tf.Tensor[]} y one tensor per model output
 * @param {{ epochs: number, batchSize: number, seed: number, lr: (epoch: number) => number,
 *           sampleWeight?: tf.Tensor | undefined, onEpoch?: (epoch: number, loss: number) => void }} opts
 */
export async function fitSeeded(model, x, y, opts) {
  const rng = mulberry32(opts.seed);
  const ys = Array.isArray(y) ? y : [y];
  const n = x.shape[0];
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    /** @type {any} */ (model.optimizer).learningRate = opts.lr(epoch);
    const idx = tf.tensor1d(permutation(n, rng), "int32");
    const xs = tf.gather(x, idx);
    const yb = ys.map((t) => tf.gather(t, idx));
    const h = await model.fit(xs, yb.length === 1 ? yb[0] : yb, {
      epochs: 1,
      batchSize: opts.batchSize,
      shuffle: false,
      verbose: 0,
    });
    tf.dispose([idx, xs, ...yb]);
    opts.onEpoch?.(epoch, Number(h.history.loss[0]));
  }
}

/** Cosine decay from lr0 to lr0*floor over `epochs`. @param {number} lr0 @param {number} epochs @param {number} [floor] */
export function cosineLr(lr0, epochs, floor = 0.05) {
  return (/** @type {number} */ e) => lr0 * (floor + (1 - floor) * 0.5 * (1 + Math.cos((Math.PI * e) / Math.max(1, epochs - 1))));
}
