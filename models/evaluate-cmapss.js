// Standard FD001 protocol: score the LAST window of each test engine, compare with RUL_FD001.
import { scoreEngineWindows } from "./load.js";
import { regression, rocAuc, averagePrecision, atThreshold } from "./metrics.js";

/** @param {number} v */
const r4 = (v) => Math.round(v * 1e4) / 1e4;

/**
 * @param {import('@tensorflow/tfjs-layers').LayersModel} model
 * @param {import('./load').EngineCard} card
 * @param {ReturnType<typeof import('./data/cmapss.js').loadFd001>} fd
 */
export function evaluateEngineModel(model, card, fd) {
  const W = card.preprocessing.windowLength;
  // Engines shorter than W are passed as-is; features.js pads them (repeats the first reading).
  const scores = scoreEngineWindows(
    model,
    card,
    fd.test.map((e) => e.rows.slice(-W)),
  );
  const rul = scores.map((s) => s.rul);
  const p = scores.map((s) => s.pFail30);
  const truth = fd.test.map((e) => e.trueRul);
  const cap = card.output.rulCap;
  const reg = regression(rul, truth);
  const regCapped = regression(
    rul,
    truth.map((v) => Math.min(v, cap)),
  );
  const y30 = truth.map((v) => (v <= 30 ? 1 : 0));
  const at = atThreshold(y30, p, card.thresholds.pFail30);
  const metrics = {
    engines: truth.length,
    rmse: r4(reg.rmse),
    mae: r4(reg.mae),
    phm08Score: r4(reg.phm08Score),
    // Secondary: truth clipped at the training cap too, as many papers report it.
    rmseVsCappedTruth: r4(regCapped.rmse),
    shortEnginesPadded: fd.test.filter((e) => e.rows.length < W).length,
    pFail30: {
      positives: y30.reduce((a, b) => a + b, 0),
      threshold: card.thresholds.pFail30,
      precision: r4(at.precision),
      recall: r4(at.recall),
      rocAuc: r4(rocAuc(y30, p)),
      prAuc: r4(averagePrecision(y30, p)),
    },
  };
  const predictions = fd.test.map((e, i) => ({ unit: e.unit, rul: rul[i], pFail30: p[i], trueRul: truth[i] }));
  return { metrics, predictions };
}
