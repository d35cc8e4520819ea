// `npm run model:eval`: evaluates the COMMITTED quantized artifacts through models/load.js
// (the same loader the Worker uses) and writes models/reports/* and models/fixtures/*.
import { writeFileSync, mkdirSync } from "node:fs";
import "./node-env.js";
import { loadModel } from "./load.js";
import { readArtifact, artifactSizes, modelsPath, writeJson } from "./artifact-io.js";
import { loadFd001 } from "./data/cmapss.js";
import { loadAi4i } from "./data/ai4i.js";
import { evaluateEngineModel } from "./evaluate-cmapss.js";
import { evaluateReadingModel, chooseThreshold } from "./evaluate-ai4i.js";
import { writeFixtures } from "./fixtures.js";

mkdirSync(modelsPath("reports/"), { recursive: true });
let problems = 0;

/** Card metrics were computed at training time; a mismatch means artifacts and card drifted apart. */
function compareWithCard(/** @type {string} */ name, /** @type {any} */ card, /** @type {any} */ metrics) {
  if (JSON.stringify(card.metrics?.test) !== JSON.stringify(metrics)) {
    console.error(`! ${name}: metrics differ from card.json (re-run model:train?)`);
    problems++;
  }
}

// ---- C-MAPSS FD001
{
  const art = readArtifact("cmapss-fd001");
  const model = await loadModel(art.modelJson, art.weightData);
  const fd = loadFd001();
  const { metrics, predictions } = evaluateEngineModel(model, art.card, fd);
  compareWithCard("cmapss-fd001", art.card, metrics);
  const sizes = artifactSizes("cmapss-fd001");
  writeJson(modelsPath("reports/cmapss-fd001.json"), {
    artifact: "models/artifacts/cmapss-fd001",
    version: art.card.version,
    quantized: true,
    sizeBytes: sizes,
    protocol: art.card.evaluation.protocol,
    goals: { rmse: "<= 12.6" },
    metrics,
  });
  writeFileSync(
    modelsPath("reports/cmapss-fd001-test-predictions.csv"),
    `unit,rul,p_fail_30\n${predictions.map((p) => `${p.unit},${p.rul.toFixed(4)},${p.pFail30.toPrecision(7)}`).join("\n")}\n`,
  );
  console.log(
    `cmapss-fd001: RMSE ${metrics.rmse}, MAE ${metrics.mae}, PHM08 ${metrics.phm08Score}, p_fail_30 ROC-AUC ${metrics.pFail30.rocAuc}, P/R@0.5 ${metrics.pFail30.precision}/${metrics.pFail30.recall}; ${sizes.total} bytes`,
  );
  await writeFixtures.engine(model, art.card, fd);
}

// ---- AI4I 2020
{
  const art = readArtifact("ai4i");
  const model = await loadModel(art.modelJson, art.weightData);
  const split = loadAi4i();
  const again = chooseThreshold(model, art.card, split.train, art.card.thresholds.maxTrainFpr);
  if (again !== art.card.thresholds.alert) {
    console.error(`! ai4i: threshold from training rows is ${again}, card says ${art.card.thresholds.alert}`);
    problems++;
  }
  const { metrics, predictions } = evaluateReadingModel(model, art.card, split);
  compareWithCard("ai4i", art.card, metrics);
  const sizes = artifactSizes("ai4i");
  writeJson(modelsPath("reports/ai4i.json"), {
    artifact: "models/artifacts/ai4i",
    version: art.card.version,
    quantized: true,
    sizeBytes: sizes,
    protocol: art.card.evaluation.protocol,
    goals: { prAuc: ">= 0.92", recallAtFpr2pct: ">= 0.88" },
    metrics,
  });
  writeFileSync(
    modelsPath("reports/ai4i-test-predictions.csv"),
    `UDI,score\n${predictions.map((p) => `${p.udi},${p.score.toPrecision(7)}`).join("\n")}\n`,
  );
  console.log(
    `ai4i: PR-AUC ${metrics.prAuc}, ROC-AUC ${metrics.rocAuc}, recall ${metrics.recall} at FPR ${metrics.fpr} (threshold ${metrics.threshold}), accuracy ${metrics.accuracy}; ${sizes.total} bytes`,
  );
  await writeFixtures.readings(model, art.card, split);
}

// ---- Vehicle health on carOBD (held-out test drives) + wear forecasts on generated trajectories
{
  const { evalVehicle } = await import("./vehicle/eval.mjs");
  await evalVehicle();
}

if (problems) process.exit(1);
