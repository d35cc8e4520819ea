/**
 * Recalibration from the fleet's own outcomes: Platt scaling per component,
 * p' = σ(a · logit(p) + b), fitted by Newton's method on the recorded (predicted p, outcome)
 * pairs once a component has MIN_OUTCOMES of them. Platt's smoothed targets
 * ((n₊ + 1)/(n₊ + 2) and 1/(n₋ + 2)) keep the fit finite when every outcome agrees. Until then
 * the models' own probabilities are used unchanged (a = 1, b = 0).
 */
export const MIN_OUTCOMES = 20;

export interface PlattScale {
  a: number;
  b: number;
  /** How many outcomes the fit used. */
  n: number;
}
export type Calibration = Record<string, PlattScale>;

const EPS = 1e-6;
const logit = (p: number) => {
  const q = Math.min(1 - EPS, Math.max(EPS, p));
  return Math.log(q / (1 - q));
};
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function calibrate(calibration: Calibration, component: string, p: number): number {
  const scale = calibration[component];
  return scale ? sigmoid(scale.a * logit(p) + scale.b) : p;
}

/** Fits a and b (a kept ≥ 0, so a higher model score never means a lower risk); null below MIN_OUTCOMES. */
export function fitPlatt(outcomes: { predicted: number; confirmed: boolean }[]): PlattScale | null {
  if (outcomes.length < MIN_OUTCOMES) return null;
  const positives = outcomes.filter((o) => o.confirmed).length;
  const negatives = outcomes.length - positives;
  const hi = (positives + 1) / (positives + 2);
  const lo = 1 / (negatives + 2);
  const xs = outcomes.map((o) => logit(o.predicted));
  const ts = outcomes.map((o) => (o.confirmed ? hi : lo));
  let a = 1;
  let b = 0;
  for (let iteration = 0; iteration < 50; iteration++) {
    // Gradient and Hessian of the cross-entropy, with a small ridge so a constant x stays solvable.
    let ga = 0;
    let gb = 0;
    let haa = 1e-3;
    let hab = 0;
    let hbb = 1e-3;
    xs.forEach((x, i) => {
      const p = sigmoid(a * x + b);
      const d = p - ts[i]!;
      const w = p * (1 - p);
      ga += d * x;
      gb += d;
      haa += w * x * x;
      hab += w * x;
      hbb += w;
    });
    const det = haa * hbb - hab * hab;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a = Math.max(0, a - da);
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  return { a, b, n: outcomes.length };
}
