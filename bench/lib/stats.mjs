/** Latency summary in milliseconds: p50/p95/p99/max over recorded samples. */
export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const round = (v) => Math.round(v * 100) / 100;
  return { n: sorted.length, p50: round(at(0.5)), p95: round(at(0.95)), p99: round(at(0.99)), max: round(sorted.at(-1)) };
}

export const fmt = (s) => `${s.p50} / ${s.p95} / ${s.p99} / ${s.max} ms (n=${s.n})`;
