// Trains the engine-health model on C-MAPSS FD001 and writes artifacts/cmapss-fd001/.
// Dense net over per-window statistics (a 1-D CNN was ~30x slower per epoch on the pure-JS
// CPU backend, which would blow the training-time budget).
import { pathToFileURL } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import "./node-env.js";
import { loadFd001 } from "./data/cmapss.js";
import { CMAPSS_SENSORS, engineRawFeatures, engineFeatureNames, fitStandardiser, standardise } from "./features.js";
import { fitSeeded, cosineLr } from "./fit.js";
import { denseTrunk } from "./network.js";
import { saveQuantized, readArtifact, artifactSizes, artifactDir, writeJson } from "./artifact-io.js";
import { loadModel } from "./load.js";
import { evaluateEngineModel } from "./evaluate-cmapss.js";

export const NAME = "cmapss-fd001";

// Picked on validation splits of the TRAIN engines (see models/README.md; window 60 chosen on
// 20 held-out units: quantized validation RMSE 11.61 vs 12.98 with 40).
const HP = {
  windowLength: 60, // engines shorter than this are front-padded (see features.js)
  minCycles: 30, // training windows end at cycle >= 30 (test engines have >= 31 cycles)
  tailLength: 5,
  stats: /** @type {const} */ (["tail", "mean", "slope"]),
  useCycle: true,
  rulCap: 125, // piecewise-linear target: min(RUL, 125)
  failWithin: 30,
  hidden: [64, 32],
  l2: 1e-3,
  epochs: 30,
  batchSize: 128,
  lr: 3e-3,
  pFailLossWeight: 0.1,
  seed: 20240601,
};

/** @param {{ rows: import('./data/cmapss.js').CmapssRow[] }[]} engines @param {import('./features').EngineSpec} spec */
function trainingWindows(engines, spec) {
  /** @type {Float64Array[]} */ const x = [];
  /** @type {number[]} */ const rul = [];
  /** @type {number[]} */ const fail = [];
  for (const e of engines) {
    const L = e.rows.length;
    for (let t = HP.minCycles; t <= L; t++) {
      x.push(engineRawFeatures(e.rows.slice(Math.max(0, t - spec.windowLength), t), spec));
      // Train engines run to failure, so RUL after cycle t is L - t.
      rul.push(Math.min(L - t, HP.rulCap) / HP.rulCap);
      fail.push(L - t <= HP.failWithin ? 1 : 0);
    }
  }
  return { x, rul, fail };
}

function buildModel(/** @type {number} */ d) {
  const { input, hidden: h, nextSeed } = denseTrunk(d, HP);
  let seed = nextSeed;
  const rul = tfl.layers.dense({ units: 1, name: "rul", kernelInitializer: tfl.initializers.glorotUniform({ seed: seed++ }) }).apply(h);
  // Second head rather than deriving P(fail) from RUL: it is trained directly on the event.
  const pFail = tfl.layers
    .dense({ units: 1, activation: "sigmoid", name: "p_fail_30", kernelInitializer: tfl.initializers.glorotUniform({ seed: seed++ }) })
    .apply(h);
  const model = tfl.model({ name: "cmapss_fd001", inputs: input, outputs: /** @type {tfl.SymbolicTensor[]} */ ([rul, pFail]) });
  model.compile({
    optimizer: tf.train.adam(HP.lr),
    loss: ["meanSquaredError", "binaryCrossentropy"],
    lossWeights: [1, HP.pFailLossWeight],
  });
  return model;
}

const SENSOR_INFO = {
  s2: ["T24", "total temperature at LPC outlet", "°R"],
  s3: ["T30", "total temperature at HPC outlet", "°R"],
  s4: ["T50", "total temperature at LPT outlet", "°R"],
  s7: ["P30", "total pressure at HPC outlet", "psia"],
  s8: ["Nf", "physical fan speed", "rpm"],
  s9: ["Nc", "physical core speed", "rpm"],
  s11: ["Ps30", "static pressure at HPC outlet", "psia"],
  s12: ["phi", "ratio of fuel flow to Ps30", "pps/psi"],
  s13: ["NRf", "corrected fan speed", "rpm"],
  s14: ["NRc", "corrected core speed", "rpm"],
  s15: ["BPR", "bypass ratio", "-"],
  s17: ["htBleed", "bleed enthalpy", "-"],
  s20: ["W31", "HPT coolant bleed", "lbm/s"],
  s21: ["W32", "LPT coolant bleed", "lbm/s"],
};

export async function trainCmapss() {
  const t0 = Date.now();
  const fd = loadFd001();
  /** @type {import('./features').EngineSpec} */
  const spec = {
    sensors: CMAPSS_SENSORS,
    stats: HP.stats,
    windowLength: HP.windowLength,
    tailLength: HP.tailLength,
    useCycle: HP.useCycle,
    mean: [],
    std: [],
  };
  const win = trainingWindows(fd.train, spec);
  const { mean, std } = fitStandardiser(win.x);
  Object.assign(spec, { featureNames: engineFeatureNames(spec), mean, std });
  const n = win.x.length;
  const d = win.x[0].length;
  const flat = new Float32Array(n * d);
  win.x.forEach((r, i) => flat.set(standardise(r, mean, std), i * d));
  const x = tf.tensor2d(flat, [n, d]);
  const yRul = tf.tensor2d(win.rul, [n, 1]);
  const yFail = tf.tensor2d(win.fail, [n, 1]);

  const model = buildModel(d);
  await fitSeeded(model, x, [yRul, yFail], {
    epochs: HP.epochs,
    batchSize: HP.batchSize,
    seed: HP.seed,
    lr: cosineLr(HP.lr, HP.epochs),
    onEpoch: (e, loss) => {
      if ((e + 1) % 10 === 0) console.log(`  [${NAME}] epoch ${e + 1}/${HP.epochs} loss ${loss.toFixed(5)}`);
    },
  });
  tf.dispose([x, yRul, yFail]);

  const card = {
    name: NAME,
    version: "1.0.0",
    task: "Remaining useful life (cycles) and probability of failure within 30 cycles for a turbofan engine, from a sliding window of per-cycle sensor readings.",
    model: {
      format: "TensorFlow.js layers-model, uint8-quantized weights (tfjs-converter --quantize_uint8 format)",
      architecture: `dense ${d} -> ${HP.hidden.join(" -> ")} (relu, L2 ${HP.l2}) -> two heads: rul (linear), p_fail_30 (sigmoid)`,
      parameters: model.countParams(),
      files: ["model.json", "weights.bin"],
    },
    inputs: {
      description: `Window of consecutive per-cycle readings, oldest first. The last ${HP.windowLength} are used; shorter windows are front-padded by repeating the first reading.`,
      windowLength: HP.windowLength,
      fields: [
        {
          name: "cycle",
          unit: "cycles",
          description:
            "engine age: operating cycles since the start of the recorded trajectory (C-MAPSS column 2); only the newest reading's value is used",
        },
        ...CMAPSS_SENSORS.map((s) => {
          const [sym, desc, unit] = SENSOR_INFO[/** @type {keyof typeof SENSOR_INFO} */ (s)];
          return { name: s, symbol: sym, unit, description: desc };
        }),
      ],
      sensorNamesSource:
        "Saxena et al. 2008, Table 2 (sensor k = C-MAPSS column 5 + k). Constant FD001 sensors s1, s5, s6, s10, s16, s18, s19 are not used.",
    },
    preprocessing: spec,
    output: {
      rulScale: HP.rulCap,
      rulCap: HP.rulCap,
      heads: [
        {
          name: "rul",
          unit: "cycles",
          meaning:
            'remaining useful life after the newest reading = clamp(output0 * rulScale, 0, rulCap); trained on the piecewise-linear target min(true RUL, 125), so 125 means "125 or more"',
        },
        {
          name: "p_fail_30",
          unit: "probability",
          meaning:
            "P(engine fails within 30 cycles of the newest reading); separate sigmoid head trained with binary cross-entropy on 1[true RUL <= 30] (not derived from the RUL head)",
        },
      ],
    },
    thresholds: { pFail30: 0.5 },
    training: {
      data: "NASA C-MAPSS turbofan engine degradation simulation, subset FD001, train_FD001.txt (100 engines run to failure)",
      source:
        'NASA Ames Prognostics Center of Excellence (PCoE) Data Repository, "Turbofan Engine Degradation Simulation Data Set" (CMAPSSData.zip); copy from GitHub alireza-javanmardi/conformal-RUL-intervals@37e450ac8b656229d44aed3ac39dcf85ea11b86c',
      citation:
        'A. Saxena, K. Goebel, D. Simon, and N. Eklund, "Damage Propagation Modeling for Aircraft Engine Run-to-Failure Simulation," in Proc. 1st International Conference on Prognostics and Health Management (PHM08), Denver, CO, Oct. 2008.',
      license: "U.S. Government work published by NASA for public use (public domain in the U.S.); no license file ships with the data.",
      windows: n,
      hyperparameters: HP,
      selection:
        "window length 60 chosen on 20 held-out training engines (seeded permutation, seed 6006; quantized RMSE on 10 truncated trajectories per engine); the other hyperparameters on an earlier split (unit % 5 == 0); final model trained on all 100 training engines",
      // tfjs-layers 4.x compile() ignores lossWeights (a TODO in engine/training.js): both heads weigh 1.
      lossWeighting:
        "rul MSE + p_fail_30 BCE with equal weight: pFailLossWeight is passed to compile() but tfjs-layers 4.x ignores lossWeights",
    },
    evaluation: {
      protocol:
        "last window of each of the 100 test_FD001 engines vs RUL_FD001 (true RUL, not capped); d = predicted - true; PHM08 score = sum(d < 0 ? exp(-d/13) - 1 : exp(d/10) - 1)",
    },
  };
  // Write the card first (without metrics) so the quantized artifact can be loaded like in production.
  writeJson(`${artifactDir(NAME)}card.json`, card);
  const floatMetrics = evaluateEngineModel(model, /** @type {any} */ (card), fd).metrics;
  await saveQuantized(model, NAME);
  const art = readArtifact(NAME);
  const q = await loadModel(art.modelJson, art.weightData);
  const { metrics } = evaluateEngineModel(q, /** @type {any} */ (card), fd);
  const finalCard = {
    ...card,
    sizeBytes: artifactSizes(NAME),
    metrics: {
      test: metrics,
      floatModelBeforeQuantization: {
        rmse: floatMetrics.rmse,
        mae: floatMetrics.mae,
        phm08Score: floatMetrics.phm08Score,
        pFail30RocAuc: floatMetrics.pFail30.rocAuc,
      },
    },
  };
  writeJson(`${artifactDir(NAME)}card.json`, finalCard);
  console.log(
    `  [${NAME}] quantized test: RMSE ${metrics.rmse} MAE ${metrics.mae} PHM08 ${metrics.phm08Score}; float RMSE ${floatMetrics.rmse}; ${finalCard.sizeBytes.total} bytes; ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  return finalCard;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await trainCmapss();
