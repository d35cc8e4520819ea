/**
 * Occlusion attribution shared by the edge models: the drop in log-odds of failure when a
 * group of standardized inputs is set to the training mean (0). Log-odds, because a saturated
 * probability hides every difference.
 */
const logit = (p: number) => {
  const q = Math.min(1 - 1e-7, Math.max(1e-7, p));
  return Math.log(q / (1 - q));
};

/** `probabilities[0]` is the unoccluded score, `probabilities[i + 1]` the score with `names[i]` occluded. */
export function topContributions(
  names: readonly string[],
  probabilities: number[],
  limit: number,
): { name: string; contribution: number }[] {
  const [p0, ...occluded] = probabilities.map(logit);
  return names
    .map((name, i) => ({ name, contribution: +(p0! - occluded[i]!).toFixed(3) }))
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
    .slice(0, limit);
}
