// AI4I evaluation on the fixed test split; the alert threshold comes from TRAINING scores only.
import { scoreReadings } from "./load.js";
import { averagePrecision, rocAuc, thresholdAtFpr, atThreshold } from "./metrics.js";

/** @param {number} v */
const r4 = (v) => Math.round(v * 1e4) / 1e4;

/**
 * Lowest threshold whose FPR on the training rows is <= maxFpr (so max recall there).
 * @param {import('@tensorflow/tfjs-layers').LayersModel} model @param {import('./load').Ai4iCard} card
 * @param {import('./data/ai4i.js').Ai4iRow[]} trainRows @param {number} maxFpr
 */
export function chooseThreshold(model, card, trainRows, maxFpr) {
  const s = scoreReadings(model, card, trainRows);
  return thresholdAtFpr(
    trainRows.map((r) => r.label),
    s,
    maxFpr,
  );
}

/**
 * @param {import('@tensorflow/tfjs-layers').LayersModel} model @param {import('./load').Ai4iCard} card
 * @param {{ train: import('./data/ai4i.js').Ai4iRow[], test: import('./data/ai4i.js').Ai4iRow[] }} split
 */
export function evaluateReadingModel(model, card, split) {
  const y = split.test.map((r) => r.label);
  const s = scoreReadings(model, card, split.test);
  const t = card.thresholds.alert;
  const at = atThreshold(y, s, t);
  // Reference only (uses test labels): best recall any threshold reaches at test FPR <= 2%.
  const oracle = atThreshold(y, s, thresholdAtFpr(y, s, card.thresholds.maxTrainFpr));
  const ytr = split.train.map((r) => r.label);
  const str = scoreReadings(model, card, split.train);
  const atTrain = atThreshold(ytr, str, t);
  const metrics = {
    rows: y.length,
    failures: y.reduce((a, b) => a + b, 0),
    prAuc: r4(averagePrecision(y, s)),
    rocAuc: r4(rocAuc(y, s)),
    threshold: t,
    thresholdRule: `lowest threshold with FPR <= ${card.thresholds.maxTrainFpr} on the ${ytr.length} TRAINING rows`,
    recall: r4(at.recall),
    fpr: r4(at.fpr),
    precision: r4(at.precision),
    accuracy: r4(at.accuracy),
    confusion: { tp: at.tp, fp: at.fp, tn: at.tn, fn: at.fn },
    train: { prAuc: r4(averagePrecision(ytr, str)), recall: r4(atTrain.recall), fpr: r4(atTrain.fpr) },
    referenceOnly_testOracleRecallAtFpr2pct: r4(oracle.recall),
  };
  const predictions = split.test.map((r, i) => ({ udi: r.udi, score: s[i] }));
  return { metrics, predictions };
}
