import type { TelemetryEvent } from "../worker/domain/telemetry";

/**
 * Vendors such as Motive report fault codes one at a time ("opened", "closed") instead of the
 * vehicle's full list. The rules read `dtc` as the full active list (`[]` = none active, which
 * ends a DTC episode), so a change is turned into that list from the vehicle's latest codes:
 * closing one code of two leaves the other active and the episode open.
 */
export function withFullDtcList(event: TelemetryEvent, active: string[] | undefined): TelemetryEvent {
  const { dtcChange, dtc = [], ...rest } = event;
  const current = active ?? [];
  const full = dtcChange === "closed" ? current.filter((code) => !dtc.includes(code)) : [...new Set([...current, ...dtc])];
  return { ...rest, dtc: full };
}
