import type { Severity } from "./alert";

export interface SilenceMatchers {
  vehicleId?: string;
  ruleId?: string;
  type?: string;
  severity?: Severity;
}

/** A silence as the matcher needs it: what it matches and when it is active ([startsAt, endsAt)). */
export interface ActiveSilence {
  matchers: SilenceMatchers;
  startsAt: number;
  endsAt: number;
}

/** An alert is silenced by a silence that is active at `at` and whose every given matcher equals the alert's field. */
export function isSilenced(
  alert: { vehicleId: string; ruleId: string | null; type: string; severity: Severity },
  silences: ActiveSilence[],
  at: number,
): boolean {
  return silences.some(
    (s) =>
      s.startsAt <= at &&
      at < s.endsAt &&
      Object.entries(s.matchers).every(([field, value]) => value === undefined || alert[field as keyof SilenceMatchers] === value),
  );
}

/**
 * A group-scoped silence as plain matchers: one per vehicle of its groups (with its other
 * matchers kept), so every matcher above stays an equality. A silence without groups is itself.
 */
export function expandGroupSilence<S extends ActiveSilence & { groups?: string[] | null }>(
  silence: S,
  vehiclesIn: (group: string) => readonly string[],
): ActiveSilence[] {
  if (!silence.groups?.length) return [silence];
  const ids = new Set(silence.groups.flatMap((g) => vehiclesIn(g)));
  const only = silence.matchers.vehicleId;
  return [...ids]
    .filter((id) => only === undefined || only === id)
    .map((vehicleId) => ({ matchers: { ...silence.matchers, vehicleId }, startsAt: silence.startsAt, endsAt: silence.endsAt }));
}
