/**
 * What a new tenant object rebuilds from the stored batches past the settle cursor instead of
 * reading it from the journal (vehicle-states.ts): each vehicle's latest readings, its driving
 * baselines, and the clocks of the rules that only moved them. All three are functions of the
 * batch's events and the state before it, so replaying the batches in order over the settled
 * pages gives what the instance that took them held; the journal keeps only what they cannot give
 * (episode changes, the models' state) and the two facts the replay needs (`ReplayHints`).
 */
import type { TelemetryEvent } from "../worker/domain/telemetry";
import { ANOMALY_RULES, carriesDriving, currentDriverKey, type DrivingProfiles, drivingSignals } from "./driving-anomalies";
import { withFullDtcList } from "./dtc-changes";

/** What a replay moves: the vehicle states (vehicle-states.ts), named here by what it uses. */
export interface ReplayedStates {
  latest(vehicleId: string): { dtc: string[] } | null;
  observe(event: TelemetryEvent): { fresh: boolean };
  driving(vehicleId: string): DrivingProfiles | undefined;
  setDriving(vehicleId: string, profiles: DrivingProfiles): void;
  replayClock(ruleId: string, vehicleId: string, ts: number): void;
}

/** What a batch's journal tells its replay (its `"@"` entry). */
export interface ReplayHints {
  /** The tenant's rules that applied to every vehicle of the batch (id → metric): each event carrying the metric moved its clock. */
  rules?: Record<string, string>;
  /** Whose baselines a vehicle's driving stepped, where the replay could not tell it from them (the driver changed). */
  drivers?: Record<string, string>;
}

/** The key of a batch journal's hints: no vehicle id begins with "@". */
export const HINTS = "@";

const ANOMALY_METRICS = Object.fromEntries(ANOMALY_RULES.map((rule) => [rule.id, rule.metric]));

/**
 * Takes a batch's events into the latest readings as the rule pass did (event-time order, a fault-code
 * change made the full list), calling `fresh` with each event newer than its vehicle's newest.
 * Returns the events as the rules read them, in that order.
 */
export function observeBatch(events: TelemetryEvent[], states: ReplayedStates, fresh?: (event: TelemetryEvent) => void) {
  const ordered = [...events].sort((a, b) => a.ts - b.ts);
  for (let i = 0; i < ordered.length; i++) {
    const event = ordered[i]!.dtcChange
      ? (ordered[i] = withFullDtcList(ordered[i]!, states.latest(ordered[i]!.vehicleId)?.dtc))
      : ordered[i]!;
    if (states.observe(event).fresh) fresh?.(event);
  }
  return ordered;
}

/** Replays one stored batch over the states (see the file's comment). */
export function replayBatch(states: ReplayedStates, events: TelemetryEvent[], hints: ReplayHints) {
  const driving: TelemetryEvent[] = [];
  const ordered = observeBatch(events, states, (event) => {
    if (carriesDriving(event.readings)) driving.push(event);
  });
  const scores = drivingSignals(
    driving,
    (id) => hints.drivers?.[id] ?? currentDriverKey(states.driving(id)),
    (id) => states.driving(id),
    (id, profiles) => states.setDriving(id, profiles),
  );
  moveClocks(states, ordered, hints.rules ?? {});
  moveClocks(states, scores, ANOMALY_METRICS);
}

/** A rule's clock is the newest event time it read: every event carrying its metric moves it forward. */
function moveClocks(states: ReplayedStates, events: TelemetryEvent[], rules: Record<string, string>) {
  for (const event of events)
    for (const ruleId in rules) {
      const metric = rules[ruleId]!;
      if (metric === "dtc" ? event.dtc !== undefined : event.readings[metric] !== undefined)
        states.replayClock(ruleId, event.vehicleId, event.ts);
    }
}
