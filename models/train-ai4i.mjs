// Trains the per-reading failure classifier on AI4I 2020 (fixed split) and writes artifacts/ai4i/.
import { pathToFileURL } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import "./node-env.js";
import { loadAi4i } from "./data/ai4i.js";
import { AI4I_FEATURES, ai4iRawFeatures, fitStandardiser, standardise } from "./features.js";
import { fitSeeded, cosineLr } from "./fit.js";
import { denseTrunk } from "./network.js";
import { saveQuantized, readArtifact, artifactSizes, artifactDir, writeJson } from "./artifact-io.js";
import { loadModel } from "./load.js";
import { chooseThreshold, evaluateReadingModel } from "./evaluate-ai4i.js";

export const NAME = "ai4i";

// Picked on a validation quarter of the TRAIN rows; a bigger net only memorised TWF/noise rows.
const HP = { hidden: [16], l2: 1e-3, epochs: 60, batchSize: 64, lr: 3e-3, maxTrainFpr: 0.02, seed: 20240602 };

// Failure mechanisms published with the dataset (Matzka 2020; models/data/README.md).
const THRESHOLDS = {
  hdfTempDiffK: 8.6,
  hdfRpm: 1380,
  pwfMinW: 3500,
  pwfMaxW: 9000,
  osfStrainMinNm: { L: 11000, M: 12000, H: 13000 },
  twfWearMin: 200,
};

function buildModel(/** @type {number} */ d) {
  const { input, hidden: h, nextSeed } = denseTrunk(d, HP);
  let seed = nextSeed;
  const out = tfl.layers
    .dense({ units: 1, activation: "sigmoid", name: "p_failure", kernelInitializer: tfl.initializers.glorotUniform({ seed: seed++ }) })
    .apply(h);
  const model = tfl.model({ name: "ai4i", inputs: input, outputs: /** @type {tfl.SymbolicTensor} */ (out) });
  model.compile({ optimizer: tf.train.adam(HP.lr), loss: "binaryCrossentropy" });
  return model;
}

export async function trainAi4i() {
  const t0 = Date.now();
  const split = loadAi4i();
  /** @type {import('./features').Ai4iSpec} */
  const spec = { thresholds: THRESHOLDS, featureNames: AI4I_FEATURES, mean: [], std: [] };
  const raw = split.train.map((r) => ai4iRawFeatures(r, spec));
  const { mean, std } = fitStandardiser(raw);
  Object.assign(spec, { mean, std });
  const n = raw.length;
  const d = raw[0].length;
  const flat = new Float32Array(n * d);
  raw.forEach((r, i) => flat.set(standardise(r, mean, std), i * d));
  const x = tf.tensor2d(flat, [n, d]);
  const y = tf.tensor2d(
    split.train.map((r) => r.label),
    [n, 1],
  );

  const model = buildModel(d);
  await fitSeeded(model, x, y, {
    epochs: HP.epochs,
    batchSize: HP.batchSize,
    seed: HP.seed,
    lr: cosineLr(HP.lr, HP.epochs),
    onEpoch: (e, loss) => {
      if ((e + 1) % 20 === 0) console.log(`  [${NAME}] epoch ${e + 1}/${HP.epochs} loss ${loss.toFixed(5)}`);
    },
  });
  tf.dispose([x, y]);

  const card = {
    name: NAME,
    version: "1.0.0",
    task: "Probability that one machining process (one reading) ends in a machine failure (any mode).",
    model: {
      format: "TensorFlow.js layers-model, uint8-quantized weights (tfjs-converter --quantize_uint8 format)",
      architecture: `dense ${d} -> ${HP.hidden.join(" -> ")} (relu, L2 ${HP.l2}) -> 1 (sigmoid)`,
      parameters: model.countParams(),
      files: ["model.json", "weights.bin"],
    },
    inputs: {
      description: "One reading (one machining process).",
      fields: [
        { name: "type", unit: "L|M|H", description: "product quality variant (low / medium / high)" },
        { name: "airTempK", unit: "K", description: "air temperature" },
        { name: "processTempK", unit: "K", description: "process temperature" },
        { name: "rpm", unit: "rpm", description: "rotational speed" },
        { name: "torqueNm", unit: "N·m", description: "torque" },
        { name: "toolWearMin", unit: "min", description: "cumulative tool wear" },
      ],
      derived:
        "powerW = torque * rpm * 2π/60; tempDiffK = process - air; strainMinNm = wear * torque; signed relative margins to the HDF/PWF/OSF regions and wear - 200 min; 0/1 region indicators (see features.js)",
    },
    preprocessing: spec,
    output: {
      name: "p_failure",
      unit: "score in [0, 1]",
      meaning: 'sigmoid score for "Machine failure" = 1; raise an alert when score >= thresholds.alert',
    },
    thresholds: {
      alert: NaN,
      maxTrainFpr: HP.maxTrainFpr,
      rule: "lowest score threshold with FPR <= 2% on the TRAINING rows, computed with the quantized model",
    },
    training: {
      data: "AI4I 2020 Predictive Maintenance Dataset (ai4i2020.csv), fixed split: per label in UDI order, k % 5 == 4 -> test; 8,001 train rows (272 failures)",
      source:
        "UCI Machine Learning Repository, dataset 601, doi 10.24432/C5HS5C (copy from GitHub PaulTerrasi/w207-predictive-maintenance@4507a36dc682eccf4e3ad58918b4b2fcfa331cbf, data/raw/ai4i2020.csv)",
      citation:
        'S. Matzka, "Explainable Artificial Intelligence for Predictive Maintenance Applications," 2020 Third International Conference on Artificial Intelligence for Industries (AI4I), 2020, pp. 69-74, doi: 10.1109/AI4I49448.2020.00023.',
      license: "CC BY 4.0 (attribution required)",
      notUsedAsInputs: "UDI, Product ID (identifiers) and TWF/HDF/PWF/OSF/RNF (they are the label's causes)",
      hyperparameters: HP,
    },
    evaluation: {
      protocol: "fixed test split (1,999 rows, 67 failures); PR-AUC = average precision (sklearn step-wise); ROC-AUC exact (rank-based)",
    },
  };
  writeJson(`${artifactDir(NAME)}card.json`, card);
  await saveQuantized(model, NAME);
  const art = readArtifact(NAME);
  const q = await loadModel(art.modelJson, art.weightData);
  // The threshold must come from the deployed (quantized) model's scores on TRAINING rows.
  card.thresholds.alert = chooseThreshold(q, /** @type {any} */ (card), split.train, HP.maxTrainFpr);
  const floatEval = evaluateReadingModel(model, /** @type {any} */ (card), split).metrics;
  const { metrics } = evaluateReadingModel(q, /** @type {any} */ (card), split);
  const finalCard = {
    ...card,
    sizeBytes: artifactSizes(NAME),
    metrics: { test: metrics, floatModelBeforeQuantization: { prAuc: floatEval.prAuc, rocAuc: floatEval.rocAuc } },
  };
  writeJson(`${artifactDir(NAME)}card.json`, finalCard);
  console.log(
    `  [${NAME}] quantized test: PR-AUC ${metrics.prAuc} ROC-AUC ${metrics.rocAuc} recall ${metrics.recall} @ FPR ${metrics.fpr} (t=${metrics.threshold}); ${finalCard.sizeBytes.total} bytes; ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  return finalCard;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await trainAi4i();
