/** Each vehicle's risk where the edge model says elevated or high: the fleet list carries every vehicle's risk. */
export function riskyVehicles(
  vehicles: { id: string; risk: { label: string | null; score: number | null } }[],
): Map<string, { label: string; score: number }> {
  const risky = new Map<string, { label: string; score: number }>();
  for (const { id, risk } of vehicles)
    if (risk.score !== null && (risk.label === "elevated" || risk.label === "high"))
      risky.set(id, { label: risk.label, score: risk.score });
  return risky;
}
