/**
 * Pure alert-rule evaluation on event time. One `PairState` per (rule, vehicle).
 *
 * - held (`forSeconds`, default 0): the condition must hold on every reading for that long; a
 *   reading that breaks it resets the timer. Fires once per episode, at the first reading whose
 *   ts is ≥ start + forSeconds (so exactly at `forSeconds` fires).
 * - window (`{count, seconds}`): fires when the condition was met at least `count` times within
 *   the half-open window (ts − seconds, ts]; a hit exactly `seconds` old has left the window.
 *   Firing empties the window, so the next trigger needs `count` fresh hits.
 * - a reading without the rule's metric neither meets nor breaks the condition.
 * - late events: an event older than the newest one already evaluated for the pair is not
 *   evaluated (the state never moves backwards in time); equal timestamps are evaluated.
 */
import type { Severity } from "./alert";
import type { TelemetryEvent } from "./telemetry";

export const RULE_OPS = ["gt", "gte", "lt", "lte", "eq", "neq", "present"] as const;
export type RuleOp = (typeof RULE_OPS)[number];

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
}

export interface PairState {
  /** Event time the current held episode began, or null when the condition is not holding. */
  since: number | null;
  /** Whether the current held episode already fired. */
  fired: boolean;
  /** Window hits (event times), oldest first. */
  hits: number[];
  /** Newest event time evaluated. */
  lastTs: number;
}

export interface Trigger {
  ts: number;
  /** The reading that met the condition (null for `dtc present`). */
  value: number | null;
  dtc?: string[];
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

/** Advances one pair's state by one event; returns the new state and a trigger if the rule fired. */
export function stepRule(rule: RuleDef, state: PairState, event: TelemetryEvent): { state: PairState; trigger?: Trigger } {
  if (event.ts < state.lastTs) return { state };
  const met = conditionMet(rule, event);
  const next: PairState = { ...state, lastTs: event.ts };
  if (met === undefined) return { state: next };
  const trigger: Trigger = {
    ts: event.ts,
    value: rule.metric === "dtc" ? null : (event.readings[rule.metric] ?? null),
    ...(event.dtc?.length ? { dtc: event.dtc } : {}),
  };

  if (rule.window) {
    if (!met) return { state: next };
    const horizon = event.ts - rule.window.seconds * 1000;
    next.hits = [...state.hits.filter((t) => t > horizon), event.ts];
    if (next.hits.length < rule.window.count) return { state: next };
    next.hits = [];
    return { state: next, trigger };
  }

  if (!met) return { state: { ...next, since: null, fired: false } };
  next.since = state.since ?? event.ts;
  if (next.fired || event.ts - next.since < (rule.forSeconds ?? 0) * 1000) return { state: next };
  next.fired = true;
  return { state: next, trigger };
}

/** What a trigger does to the pair's latest alert: repeat within cooldown, else a new alert. */
export function triggerOutcome(latest: { status: string; cooldownUntil: number } | undefined, triggerTs: number): "create" | "repeat" {
  return latest && latest.status !== "resolved" && triggerTs < latest.cooldownUntil ? "repeat" : "create";
}

const OP_WORDS: Record<RuleOp, string> = { gt: ">", gte: "≥", lt: "<", lte: "≤", eq: "=", neq: "≠", present: "present" };

export function alertMessage(rule: RuleDef, vehicleName: string, trigger: Trigger): string {
  if (rule.metric === "dtc") return `${rule.name} on ${vehicleName}: ${trigger.dtc?.join(", ") ?? "DTC present"}`;
  return `${rule.name} on ${vehicleName}: ${rule.metric} ${trigger.value} ${OP_WORDS[rule.op]} ${rule.threshold}`;
}
