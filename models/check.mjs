// Quick self-check: features.js + load.js reproduce models/fixtures/*.json from the committed
// quantized artifacts. Exits 1 on any difference above the fixture tolerance (1e-4).
import { readFileSync } from "node:fs";
import "./node-env.js";
import { loadModel, scoreEngineWindows, scoreReadings } from "./load.js";
import { engineFeatures, ai4iFeatures } from "./features.js";
import { readArtifact, artifactSizes, modelsPath } from "./artifact-io.js";

let failures = 0;
/** @param {boolean} ok @param {string} msg */
const expect = (ok, msg) => {
  if (!ok) {
    failures++;
    console.error(`FAIL ${msg}`);
  }
};
/** @param {ArrayLike<number>} a @param {ArrayLike<number>} b */
const maxDiff = (a, b) => (a.length !== b.length ? Infinity : Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0));
/** @param {string} f */
const fixture = (f) => JSON.parse(readFileSync(modelsPath(`fixtures/${f}`), "utf8"));

for (const name of ["cmapss-fd001", "ai4i"]) {
  const { modelJson } = readArtifact(name);
  const specs = modelJson.weightsManifest[0].weights;
  expect(
    specs.every((/** @type {any} */ w) => w.quantization?.dtype === "uint8" && w.quantization.original_dtype === "float32"),
    `${name}: every weight is uint8-quantized`,
  );
  expect(artifactSizes(name).total <= 64 * 1024, `${name}: model.json + weights.bin <= 64 KB`);
}

{
  const art = readArtifact("cmapss-fd001");
  const fx = fixture("cmapss-fd001.json");
  expect(fx.cardVersion === art.card.version, "cmapss fixture matches card version");
  const model = await loadModel(art.modelJson, art.weightData);
  const scores = scoreEngineWindows(
    model,
    art.card,
    fx.cases.map((/** @type {any} */ c) => c.window),
  );
  fx.cases.forEach((/** @type {any} */ c, /** @type {number} */ i) => {
    const fd = maxDiff(engineFeatures(c.window, art.card.preprocessing), c.features);
    expect(fd <= fx.tolerance, `cmapss ${c.id}: features differ by ${fd}`);
    expect(Math.abs(scores[i].rul - c.expected.rul) <= fx.tolerance, `cmapss ${c.id}: rul ${scores[i].rul} != ${c.expected.rul}`);
    expect(
      Math.abs(scores[i].pFail30 - c.expected.pFail30) <= fx.tolerance,
      `cmapss ${c.id}: pFail30 ${scores[i].pFail30} != ${c.expected.pFail30}`,
    );
  });
}

{
  const art = readArtifact("ai4i");
  const fx = fixture("ai4i.json");
  expect(fx.cardVersion === art.card.version, "ai4i fixture matches card version");
  const model = await loadModel(art.modelJson, art.weightData);
  const scores = scoreReadings(
    model,
    art.card,
    fx.cases.map((/** @type {any} */ c) => c.reading),
  );
  fx.cases.forEach((/** @type {any} */ c, /** @type {number} */ i) => {
    const fd = maxDiff(ai4iFeatures(c.reading, art.card.preprocessing), c.features);
    expect(fd <= fx.tolerance, `ai4i ${c.id}: features differ by ${fd}`);
    expect(Math.abs(scores[i] - c.expected.score) <= fx.tolerance, `ai4i ${c.id}: score ${scores[i]} != ${c.expected.score}`);
    expect(scores[i] >= art.card.thresholds.alert === c.expected.alert, `ai4i ${c.id}: alert decision`);
  });
}

if (failures) {
  console.error(`${failures} check(s) failed`);
  process.exit(1);
}
console.log("models check ok: quantized artifacts + features reproduce the fixtures");
