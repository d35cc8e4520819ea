/**
 * One vehicle's state in the tenant object: its shape, the merge of an event into its latest
 * readings, and a journal entry over it. The store that keeps every vehicle's state in memory and
 * makes it durable is vehicle-states.ts.
 */
import type { HealthState } from "../models/vehicle/index.js";
import { emptyState, type PairState } from "../worker/domain/rule-engine";
import type { TelemetryEvent } from "../worker/domain/telemetry";
import type { HeldValues } from "./alert-book";
import type { DrivingProfiles } from "./driving-anomalies";
import type { StoredRisk } from "./vehicle-risk";

/** Rule-engine state plus the pair's latest alert, for cooldown decisions. */
export interface PairRecord extends PairState {
  alertId: string | null;
  cooldownUntil: number;
  /**
   * The open episode's values the alert book holds back from its event log (alert-book.ts): kept
   * here because this row is written with every batch anyway, so an eviction loses none of them.
   */
  held?: Omit<HeldValues, "alertId">;
}

/**
 * A vehicle's readings merged across events: each metric's newest value by event time, with the
 * time of the event that carried it (vendors send locations, engine data and faults separately).
 */
export interface LatestReadings {
  /** The newest event's time. */
  ts: number;
  readings: Record<string, number>;
  /** Per metric, the event time of its value in `readings`. */
  readingTs: Record<string, number>;
  /** The newest `dtc` list reported (events without a `dtc` field leave it). */
  dtc: string[];
  /** When `dtc` was reported (absent before any report). */
  dtcTs?: number;
}

/** Everything the hot path keeps per vehicle: its merged latest readings and each rule's rolling state. */
export interface VehicleState {
  latest: LatestReadings | null;
  rules: Record<string, PairRecord>;
  /** The vehicle health models' own state (baselines, trends; models/vehicle), small. */
  health?: HealthState;
  /** The newest risk by component (vehicle-risk.ts), raw: calibration is applied on use. */
  risk?: StoredRisk;
  /** Driver-behaviour baselines of whoever drove the vehicle (see driving-anomalies.ts). */
  driving?: DrivingProfiles;
}

/** Merges one event into the vehicle's latest readings; true when anything changed. */
export function mergeLatest(state: VehicleState, event: TelemetryEvent): boolean {
  const latest = (state.latest ??= { ts: event.ts, readings: {}, readingTs: {}, dtc: [] });
  let changed = false;
  if (event.ts > latest.ts) {
    latest.ts = event.ts;
    changed = true;
  }
  // for…in, not Object.entries: no array per reading on the ingest path (readings are plain JSON objects).
  for (const metric in event.readings) {
    const at = latest.readingTs[metric];
    if (at !== undefined && at > event.ts) continue;
    latest.readings[metric] = event.readings[metric]!;
    latest.readingTs[metric] = event.ts;
    changed = true;
  }
  if (event.dtc && (latest.dtcTs === undefined || latest.dtcTs <= event.ts)) {
    latest.dtc = event.dtc;
    latest.dtcTs = event.ts;
    changed = true;
  }
  return changed;
}

export const freshPair = (): PairRecord => ({ ...emptyState(), alertId: null, cooldownUntil: 0 });

/**
 * A vehicle's entry in a journal: parts of its state (`latest`, `rules` and `driving` whole when it
 * came from another shard), `pairs`, the rule pairs whose episode state changed, and `clocks`, the
 * pairs whose rule clock alone moved where a replay cannot move it (rule id → newest event time).
 */
export type JournalPart = Partial<VehicleState> & { pairs?: Record<string, PairRecord>; clocks?: Record<string, number> };

/** A journal entry over a vehicle's state: its parts and pairs replace what they name, its clocks move the pairs' clocks forward. */
export function withJournalPart(current: VehicleState, { pairs, clocks, ...parts }: JournalPart): VehicleState {
  const state = revive({ ...current, ...parts, rules: { ...(parts.rules ?? current.rules), ...pairs } });
  for (const ruleId in clocks) {
    const pair = (state.rules[ruleId] ??= freshPair());
    pair.lastTs = Math.max(pair.lastTs, clocks[ruleId]!);
  }
  return state;
}

/** What the journal keeps of a vehicle taken from another shard (health and risk go only for vehicles scored since). */
export const journaled = ({ latest, rules, driving }: VehicleState): Partial<VehicleState> => ({ latest, rules, driving });

/** A stored state as the engine uses it: JSON has no -Infinity, and states from before merged readings lack their times. */
export function revive(state: VehicleState): VehicleState {
  for (const pair of Object.values(state.rules)) pair.lastTs ??= -Infinity;
  // Stored before readings were merged: every reading dates from the one event kept.
  if (state.latest && !state.latest.readingTs) {
    const { ts, readings } = state.latest;
    state.latest.readingTs = Object.fromEntries(Object.keys(readings).map((metric) => [metric, ts]));
    state.latest.dtcTs = ts;
  }
  return state;
}
