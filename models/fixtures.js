// Node-only: writes models/fixtures/*.json, small inputs + the scores Node gets from the
// committed quantized artifacts, so a workerd test can prove the edge reproduces them.
import { CMAPSS_SENSORS, engineFeatures, ai4iFeatures, ai4iRawFeatures, AI4I_FEATURES } from "./features.js";
import { scoreEngineWindows, scoreReadings } from "./load.js";
import { modelsPath, writeJson } from "./artifact-io.js";

const TOLERANCE = 1e-4;

/**
 * @param {import('@tensorflow/tfjs-layers').LayersModel} model @param {import('./load').EngineCard} card
 * @param {ReturnType<typeof import('./data/cmapss.js').loadFd001>} fd
 */
async function engine(model, card, fd) {
  const W = card.preprocessing.windowLength;
  const shortest = fd.test.reduce((a, e) => (e.rows.length < a.rows.length ? e : a));
  const nearFailure = fd.test.reduce((a, e) => (e.trueRul < a.trueRul ? e : a));
  const mid = fd.test.find((e) => e.trueRul >= 50 && e.trueRul <= 70 && e.rows.length >= W) ?? fd.test[1];
  const picks = [
    { e: shortest, why: `shortest test engine (${shortest.rows.length} cycles < window ${W}: exercises front padding)` },
    { e: mid, why: "mid-life test engine" },
    { e: nearFailure, why: "test engine closest to failure" },
  ];
  // Keep only the fields the model reads, so the fixture doubles as an input-contract example.
  const keep = ["cycle", ...CMAPSS_SENSORS];
  const windows = picks.map(({ e }) => e.rows.slice(-W).map((r) => Object.fromEntries(keep.map((k) => [k, r[k]]))));
  const scores = scoreEngineWindows(model, card, windows);
  writeJson(modelsPath("fixtures/cmapss-fd001.json"), {
    description:
      "Last-window inputs of 3 test_FD001 engines and the scores Node computes with the committed quantized artifact via models/load.js scoreEngineWindows().",
    artifact: "models/artifacts/cmapss-fd001",
    cardVersion: card.version,
    tolerance: TOLERANCE,
    cases: picks.map(({ e, why }, i) => ({
      id: `test unit ${e.unit}`,
      why,
      trueRul: e.trueRul,
      window: windows[i],
      features: Array.from(engineFeatures(windows[i], card.preprocessing)),
      expected: scores[i],
    })),
  });
}

/**
 * @param {import('@tensorflow/tfjs-layers').LayersModel} model @param {import('./load').Ai4iCard} card
 * @param {{ test: import('./data/ai4i.js').Ai4iRow[] }} split
 */
async function readings(model, card, split) {
  const col = (/** @type {string} */ name) => AI4I_FEATURES.indexOf(name);
  const raw = split.test.map((r) => ai4iRawFeatures(r, card.preprocessing));
  const first = (/** @type {(i: number) => boolean} */ pred) => split.test.findIndex((_, i) => pred(i));
  const noRegion = (/** @type {number} */ i) => !raw[i][col("hdfRegion")] && !raw[i][col("pwfRegion")] && !raw[i][col("osfRegion")];
  const picks = [
    { i: first((i) => split.test[i].label === 0 && noRegion(i)), why: "normal process" },
    { i: first((i) => raw[i][col("hdfRegion")] === 1), why: "inside the heat-dissipation region" },
    { i: first((i) => raw[i][col("pwfRegion")] === 1), why: "outside the power band" },
    { i: first((i) => raw[i][col("osfRegion")] === 1), why: "over the overstrain limit" },
    {
      i: first((i) => split.test[i].label === 1 && noRegion(i) && split.test[i].toolWearMin >= 200),
      why: "failure with high tool wear and no rule region (tool-wear failure)",
    },
  ];
  const rows = picks.map(({ i }) => {
    const { udi, label, ...reading } = split.test[i];
    return { udi, label, reading };
  });
  const scores = scoreReadings(
    model,
    card,
    rows.map((r) => r.reading),
  );
  writeJson(modelsPath("fixtures/ai4i.json"), {
    description:
      "Five AI4I test rows and the scores Node computes with the committed quantized artifact via models/load.js scoreReadings().",
    artifact: "models/artifacts/ai4i",
    cardVersion: card.version,
    tolerance: TOLERANCE,
    alertThreshold: card.thresholds.alert,
    cases: rows.map((r, k) => ({
      id: `UDI ${r.udi}`,
      why: picks[k].why,
      label: r.label,
      reading: r.reading,
      features: Array.from(ai4iFeatures(r.reading, card.preprocessing)),
      expected: { score: scores[k], alert: scores[k] >= card.thresholds.alert },
    })),
  });
}

export const writeFixtures = { engine, readings };
