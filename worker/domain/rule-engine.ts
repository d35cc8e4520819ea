/**
 * Pure alert-rule evaluation on event time. One `PairState` per (rule, vehicle); docs/telemetry-and-alerts.md
 * has worked examples.
 *
 * - Per-rule, per-metric clock: only events that carry the rule's metric (for `dtc` rules: a `dtc`
 *   field) are evaluated, and only they move the pair's `lastTs`. So a fault event that arrives after
 *   a newer location-only event is still evaluated. An event older than the pair's `lastTs` is not
 *   evaluated (the state never moves backwards in time); equal timestamps are evaluated.
 * - held (`forSeconds`, default 0): the condition must hold on every reading for that long; a
 *   reading that breaks it resets the timer. Opens an episode at the first reading whose ts is
 *   ≥ start + forSeconds (so exactly at `forSeconds` opens).
 * - window (`{count, seconds}`): opens when the condition was met at least `count` times within
 *   the half-open window (ts − seconds, ts]; a hit exactly `seconds` old has left the window.
 *   The episode lasts while the window still holds ≥ count hits.
 * - Episodes: while open, every further matching reading is a `continue` signal (a `dtc` event
 *   with codes not yet seen in the episode is `newCodes`); the first reading that breaks it
 *   (window: leaves fewer than `count` hits) is `clear`.
 */
import type { Severity } from "./alert";
import type { GeoState } from "./geofence-state";
import type { TelemetryEvent } from "./telemetry";

export const RULE_OPS = ["gt", "gte", "lt", "lte", "eq", "neq", "present"] as const;
export type RuleOp = (typeof RULE_OPS)[number];

/**
 * `threshold` rules read a metric (this module); `offline` rules fire on silence, from the tenant
 * object's alarm (durable-objects/offline-watch.ts); `enter`, `exit` and `dwell` follow a vehicle
 * against a geofence (durable-objects/geofence-rules.ts). All of them share the episode machinery.
 */
export const RULE_KINDS = ["threshold", "offline", "enter", "exit", "dwell"] as const;
export type RuleKind = (typeof RULE_KINDS)[number];
export const GEOFENCE_KINDS = ["enter", "exit", "dwell"] as const satisfies readonly RuleKind[];
export const isGeofenceKind = (kind: RuleKind | undefined) => kind === "enter" || kind === "exit" || kind === "dwell";

/** Defaults of the per-kind settings (docs/geofences-and-offline.md). */
export const RULE_KIND_DEFAULTS = { graceMinutes: 2, bufferM: 20, fixes: 2 } as const;

export interface RuleDef {
  id: string;
  name: string;
  type: string;
  metric: string;
  op: RuleOp;
  threshold: number | null;
  forSeconds: number | null;
  window: { count: number; seconds: number } | null;
  cooldownSeconds: number;
  severity: Severity;
  enabled: boolean;
  vehicleIds: string[] | null;
  /** Resolve the alert when its episode clears (default false; built-in rules leave it out). */
  autoResolve?: boolean;
  /** Absent on rules built before kinds existed: `threshold`. */
  kind?: RuleKind;
  /** `offline`: silence that counts; `dwell`: time inside that counts. */
  minutes?: number | null;
  /** `offline`: how much longer the silence must last before the alert is raised. */
  graceMinutes?: number | null;
  geofenceId?: string | null;
  /** Geofence kinds: hysteresis band either side of the boundary, and consecutive fixes to change side. */
  bufferM?: number | null;
  fixes?: number | null;
}

export interface PairState {
  /** Event time the condition began holding, or null when it is not holding. */
  since: number | null;
  /** Whether an episode is open (the rule fired and the condition has not broken since). */
  fired: boolean;
  /** Window hits (event times), oldest first. */
  hits: number[];
  /** Newest event time evaluated for this rule (only events carrying its metric move it). */
  lastTs: number;
  /** `dtc` rules: every code seen in the open episode. */
  codes?: string[];
  /** Geofence rules: which side of the fence the vehicle is on. */
  geo?: GeoState;
}

export type SignalKind = "open" | "continue" | "newCodes" | "clear";

/** What one evaluated reading does to the pair's episode. */
export interface Signal {
  kind: SignalKind;
  ts: number;
  /** The reading (null for `dtc` rules). */
  value: number | null;
  /** `dtc` rules: every code seen in the episode so far. */
  dtc?: string[];
}

/** A step's new state is a copy of the one given, so fields a caller keeps beside the rule clock (S) carry over. */
export interface Step<S extends PairState = PairState> {
  state: S;
  signal?: Signal;
}

export const emptyState = (): PairState => ({ since: null, fired: false, hits: [], lastTs: -Infinity });

const COMPARE: Record<Exclude<RuleOp, "present">, (a: number, b: number) => boolean> = {
  gt: (a, b) => a > b,
  gte: (a, b) => a >= b,
  lt: (a, b) => a < b,
  lte: (a, b) => a <= b,
  eq: (a, b) => a === b,
  neq: (a, b) => a !== b,
};

export const appliesTo = (rule: RuleDef, vehicleId: string) =>
  rule.enabled && (rule.vehicleIds === null || rule.vehicleIds.includes(vehicleId));

/** true / false, or undefined when the event does not report the rule's metric. */
export function conditionMet(rule: RuleDef, event: TelemetryEvent): boolean | undefined {
  if (rule.metric === "dtc") return event.dtc === undefined ? undefined : event.dtc.length > 0;
  const value = event.readings[rule.metric];
  if (value === undefined) return undefined;
  return rule.op === "present" || COMPARE[rule.op](value, rule.threshold ?? 0);
}

/**
 * Advances one pair's state by one event. Returns the same state object (no allocation) when the
 * event does not carry the rule's metric or is older than the pair's newest evaluated reading.
 */
export function stepRule<S extends PairState>(rule: RuleDef, state: S, event: TelemetryEvent): Step<S> {
  const met = conditionMet(rule, event);
  if (met === undefined || event.ts < state.lastTs) return { state };
  const ts = event.ts;
  const value = rule.metric === "dtc" ? null : event.readings[rule.metric]!;
  const next: S = { ...state, lastTs: ts };
  if (rule.window) return stepWindow(rule.window, next, ts, met, value);

  if (!met) {
    next.since = null;
    if (!state.fired) return { state: next };
    next.fired = false;
    next.codes = undefined;
    return { state: next, signal: { kind: "clear", ts, value } };
  }
  if (state.fired) {
    const fresh = rule.metric === "dtc" ? newCodes(state.codes, event.dtc!) : null;
    if (!fresh) return { state: next, signal: { kind: "continue", ts, value } };
    next.codes = fresh;
    return { state: next, signal: { kind: "newCodes", ts, value, dtc: fresh } };
  }
  const since = state.since ?? ts;
  next.since = since;
  if (ts - since < (rule.forSeconds ?? 0) * 1000) return { state: next };
  next.fired = true;
  if (rule.metric !== "dtc") return { state: next, signal: { kind: "open", ts, value } };
  next.codes = [...new Set(event.dtc!)];
  return { state: next, signal: { kind: "open", ts, value, dtc: next.codes } };
}

/** Whether a step moved only the pair's clock: no signal, and its episode fields are the ones it was given (a step copies them). */
export const clockOnly = (step: Step, state: PairState) =>
  !step.signal &&
  step.state.since === state.since &&
  step.state.fired === state.fired &&
  step.state.hits === state.hits &&
  step.state.codes === state.codes;

function stepWindow<S extends PairState>(
  window: { count: number; seconds: number },
  next: S,
  ts: number,
  met: boolean,
  value: number | null,
): Step<S> {
  const horizon = ts - window.seconds * 1000;
  let from = 0;
  while (from < next.hits.length && next.hits[from]! <= horizon) from++;
  if (from > 0 || met) next.hits = met ? [...next.hits.slice(from), ts] : next.hits.slice(from);
  const holds = next.hits.length >= window.count;
  if (next.fired) {
    if (!holds) {
      next.fired = false;
      return { state: next, signal: { kind: "clear", ts, value } };
    }
    return met ? { state: next, signal: { kind: "continue", ts, value } } : { state: next };
  }
  if (!holds) return { state: next };
  next.fired = true;
  return { state: next, signal: { kind: "open", ts, value } };
}

/** Every code of the episode when `codes` brings one not seen before, else null. */
function newCodes(seen: string[] | undefined, codes: string[]): string[] | null {
  let all: string[] | null = null;
  for (const code of codes) {
    if (seen?.includes(code) || all?.includes(code)) continue;
    all ??= [...(seen ?? [])];
    all.push(code);
  }
  return all;
}

/** A new episode reopens the pair's latest alert when it is unresolved and the episode fires within the cooldown of its opening reading. */
export function reopens(
  latest: { status: string; createdAt: string } | undefined,
  rule: Pick<RuleDef, "cooldownSeconds">,
  ts: number,
): boolean {
  return latest !== undefined && latest.status !== "resolved" && ts < Date.parse(latest.createdAt) + rule.cooldownSeconds * 1000;
}

/** The most extreme matching value: max for gt/gte, min for lt/lte, the latest otherwise; null for dtc. */
export function peakOf(rule: Pick<RuleDef, "op" | "metric">, peak: number | null, value: number | null): number | null {
  if (rule.metric === "dtc" || value === null) return null;
  if (peak === null) return value;
  if (rule.op === "gt" || rule.op === "gte") return Math.max(peak, value);
  if (rule.op === "lt" || rule.op === "lte") return Math.min(peak, value);
  return value;
}

const OP_WORDS: Record<RuleOp, string> = { gt: ">", gte: "≥", lt: "<", lte: "≤", eq: "=", neq: "≠", present: "present" };

const KIND_WORDS: Record<Exclude<RuleKind, "threshold">, (rule: RuleDef) => string> = {
  offline: (rule) => `no report for ${rule.minutes} min`,
  enter: () => "entered the geofence",
  exit: () => "left the geofence",
  dwell: (rule) => `inside the geofence for ${rule.minutes} min`,
};

export function alertMessage(rule: RuleDef, vehicleName: string, signal: Pick<Signal, "value" | "dtc">): string {
  if (rule.kind && rule.kind !== "threshold") return `${rule.name} on ${vehicleName}: ${KIND_WORDS[rule.kind](rule)}`;
  if (rule.metric === "dtc") return `${rule.name} on ${vehicleName}: ${signal.dtc?.join(", ") || "DTC present"}`;
  return `${rule.name} on ${vehicleName}: ${rule.metric} ${signal.value} ${OP_WORDS[rule.op]} ${rule.threshold}`;
}
