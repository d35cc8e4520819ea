/**
 * Group scoping: rules, silences, escalation steps and users may name groups (depot, region,
 * vehicle type). An empty list means "all"; otherwise the vehicle must be in one of them.
 */
export const inScope = (scope: readonly string[] | null | undefined, vehicleGroups: readonly string[]) =>
  !scope?.length || scope.some((g) => vehicleGroups.includes(g));
