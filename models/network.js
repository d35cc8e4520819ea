// The dense trunk both models share: ReLU layers with He-normal init and L2, seeded layer by
// layer so training is deterministic. Returns the last hidden tensor and the next free seed.
import * as tfl from "@tensorflow/tfjs-layers";

/**
 * @param {number} d input width
 * @param {{ seed: number, hidden: number[], l2: number }} hp
 */
export function denseTrunk(d, hp) {
  let seed = hp.seed;
  const input = tfl.input({ shape: [d], name: "features" });
  /** @type {tfl.SymbolicTensor} */ let h = input;
  hp.hidden.forEach((units, i) => {
    h = /** @type {tfl.SymbolicTensor} */ (
      tfl.layers
        .dense({
          units,
          activation: "relu",
          name: `h${i + 1}`,
          kernelInitializer: tfl.initializers.heNormal({ seed: seed++ }),
          kernelRegularizer: tfl.regularizers.l2({ l2: hp.l2 }),
        })
        .apply(h)
    );
  });
  return { input, hidden: h, nextSeed: seed };
}
