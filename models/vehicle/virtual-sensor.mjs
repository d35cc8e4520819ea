// Node-only: trains one virtual sensor (expected coolant temperature or expected charging
// voltage per engine minute) on minute rows; used by train.mjs and by the validation script.
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { fitSeeded, cosineLr } from "../fit.js";
import { fitStandardiser, standardise } from "../features.js";
import { denseTrunk } from "../network.js";

/**
 * @typedef {{ target: 'coolant' | 'voltage', hidden: number[], l2: number, epochs: number, batchSize: number,
 *   lr: number, seed: number, gateMin: number, center: number, scale: number }} SensorHp
 */

/** Rows a virtual sensor learns from / is judged on: engine minutes past the gate with a target. */
export function usableRows(/** @type {any[]} */ rows, /** @type {SensorHp} */ hp) {
  return rows.filter((r) => r.runMin >= hp.gateMin && r[hp.target] !== null);
}

/** @param {any[]} rows minute rows (train side) @param {SensorHp} hp */
export async function trainVirtualSensor(rows, hp) {
  const use = usableRows(rows, hp);
  const { mean, std } = fitStandardiser(use.map((r) => r.features));
  // Mask features are 0/1: keep them as they are so "missing" means the same thing everywhere.
  for (const i of [10, 11]) {
    mean[i] = 0;
    std[i] = 1;
  }
  const d = mean.length;
  const x = tf.tensor2d(
    use.flatMap((r) => Array.from(standardise(r.features, mean, std))),
    [use.length, d],
  );
  const y = tf.tensor2d(
    use.map((r) => (r[hp.target] - hp.center) / hp.scale),
    [use.length, 1],
  );
  const { input, hidden, nextSeed } = denseTrunk(d, hp);
  const out = tfl.layers
    .dense({ units: 1, name: `expected_${hp.target}`, kernelInitializer: tfl.initializers.glorotUniform({ seed: nextSeed }) })
    .apply(hidden);
  const model = tfl.model({ name: `carobd_${hp.target}`, inputs: input, outputs: /** @type {tfl.SymbolicTensor} */ (out) });
  model.compile({ optimizer: tf.train.adam(hp.lr), loss: "meanAbsoluteError" });
  await fitSeeded(model, x, y, { epochs: hp.epochs, batchSize: hp.batchSize, seed: hp.seed, lr: cosineLr(hp.lr, hp.epochs) });
  tf.dispose([x, y]);
  return { model, preprocessing: { mean: Array.from(mean), std: Array.from(std) }, rowsUsed: use.length };
}
