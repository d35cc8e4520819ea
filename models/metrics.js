// Evaluation metrics, written out so that they match sklearn's definitions exactly.

/** @typedef {ArrayLike<number>} Nums */

/** Indices sorted by score, highest first. @param {Nums} s */
function orderDesc(s) {
  return Array.from({ length: s.length }, (_, i) => i).sort((a, b) => s[b] - s[a]);
}

/**
 * Average precision, step-wise like sklearn.metrics.average_precision_score:
 * AP = sum_n (R_n - R_{n-1}) * P_n over distinct score thresholds (ties form one step).
 * @param {Nums} y 0/1 labels @param {Nums} s scores
 */
export function averagePrecision(y, s) {
  const idx = orderDesc(s);
  const pos = Array.from(y).reduce((a, b) => a + b, 0);
  if (pos === 0) return NaN;
  let tp = 0;
  let fp = 0;
  let prevRecall = 0;
  let ap = 0;
  for (let k = 0; k < idx.length; k++) {
    if (y[idx[k]] === 1) tp++;
    else fp++;
    const last = k === idx.length - 1 || s[idx[k + 1]] !== s[idx[k]];
    if (!last) continue;
    const recall = tp / pos;
    ap += (recall - prevRecall) * (tp / (tp + fp));
    prevRecall = recall;
  }
  return ap;
}

/**
 * ROC-AUC via the Mann-Whitney U statistic with average ranks for ties (exact, no trapezoids).
 * @param {Nums} y @param {Nums} s
 */
export function rocAuc(y, s) {
  const idx = Array.from({ length: s.length }, (_, i) => i).sort((a, b) => s[a] - s[b]);
  const ranks = new Float64Array(s.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && s[idx[j + 1]] === s[idx[i]]) j++;
    const r = (i + j) / 2 + 1; // average 1-based rank of the tie group
    for (let k = i; k <= j; k++) ranks[idx[k]] = r;
    i = j + 1;
  }
  let nPos = 0;
  let rankSum = 0;
  for (let i = 0; i < y.length; i++)
    if (y[i] === 1) {
      nPos++;
      rankSum += ranks[i];
    }
  const nNeg = y.length - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/**
 * Lowest threshold t (an observed score) with FPR(score >= t) <= maxFpr. Used on TRAINING
 * scores only; the same t is then applied to test.
 * @param {Nums} y @param {Nums} s @param {number} maxFpr
 */
export function thresholdAtFpr(y, s, maxFpr) {
  const idx = orderDesc(s);
  const neg = y.length - Array.from(y).reduce((a, b) => a + b, 0);
  let fp = 0;
  let best = Infinity;
  for (let k = 0; k < idx.length; k++) {
    if (y[idx[k]] !== 1) fp++;
    const last = k === idx.length - 1 || s[idx[k + 1]] !== s[idx[k]];
    if (!last) continue;
    if (fp / neg > maxFpr) break;
    best = s[idx[k]];
  }
  return best;
}

/** Confusion-matrix metrics for "positive when score >= t". @param {Nums} y @param {Nums} s @param {number} t */
export function atThreshold(y, s, t) {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < y.length; i++) {
    const p = s[i] >= t;
    if (y[i] === 1) {
      if (p) tp++;
      else fn++;
    } else if (p) fp++;
    else tn++;
  }
  return {
    threshold: t,
    tp,
    fp,
    tn,
    fn,
    recall: tp / (tp + fn),
    fpr: fp / (fp + tn),
    precision: tp + fp > 0 ? tp / (tp + fp) : 0,
    accuracy: (tp + tn) / y.length,
  };
}

/** @param {Nums} pred @param {Nums} truth */
export function regression(pred, truth) {
  let se = 0;
  let ae = 0;
  let phm = 0;
  for (let i = 0; i < pred.length; i++) {
    const d = pred[i] - truth[i];
    se += d * d;
    ae += Math.abs(d);
    // PHM08: late predictions (d >= 0) are penalised harder than early ones.
    phm += d < 0 ? Math.exp(-d / 13) - 1 : Math.exp(d / 10) - 1;
  }
  return { rmse: Math.sqrt(se / pred.length), mae: ae / pred.length, phm08Score: phm };
}
