import type { Severity } from "../db/schema";

export interface SilenceMatchers {
  vehicleId?: string;
  ruleId?: string;
  type?: string;
  severity?: Severity;
}

/** An alert is silenced by a silence that is active at `at` and whose every given matcher equals the alert's field. */
export function isSilenced(
  alert: { vehicleId: string; ruleId: string | null; type: string; severity: Severity },
  silences: { matchers: SilenceMatchers; startsAt: number; endsAt: number }[],
  at: number,
): boolean {
  return silences.some(
    (s) =>
      s.startsAt <= at &&
      at < s.endsAt &&
      Object.entries(s.matchers).every(([field, value]) => value === undefined || alert[field as keyof SilenceMatchers] === value),
  );
}
