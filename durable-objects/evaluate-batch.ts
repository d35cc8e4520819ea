import { ALERT_ID_PREFIX, type Alert, type AlertEvent } from "../worker/domain/alert";
import type { GeofenceShape } from "../worker/domain/geo";
import {
  alertMessage,
  appliesTo,
  clockOnly,
  isGeofenceKind,
  peakOf,
  reopens,
  stepRule,
  type RuleDef,
  type Signal,
} from "../worker/domain/rule-engine";
import type { TelemetryEvent } from "../worker/domain/telemetry";
import { newId } from "../worker/lib/ids";
import { iso } from "../worker/lib/time";
import type { HealthReading } from "../models/vehicle/index.js";
import type { AlertBook } from "./alert-book";
import { carriesDriving } from "./driving-anomalies";
import { observeBatch } from "./batch-replay";
import { evaluateGeofences } from "./geofence-rules";
import { isTimedKind, type OfflineWatch } from "./offline-watch";
import type { PairRecord } from "./vehicle-state-shape";
import type { VehicleStates } from "./vehicle-states";

export interface BatchContext {
  rules: RuleDef[];
  vehicleName: (vehicleId: string) => string;
  states: VehicleStates;
  book: AlertBook;
  now: number;
  /** Whether a new alert matches an active silence (recorded and streamed, but notifies nobody). */
  silenced: (alert: { vehicleId: string; ruleId: string; type: string; severity: RuleDef["severity"] }) => boolean;
  /** The tenant's geofence shapes by id (loaded only when a geofence rule exists). */
  geofences?: ReadonlyMap<string, GeofenceShape>;
  /** Due times of offline rules: reports clear silences and re-arm them. */
  offline?: OfflineWatch;
}

/** What a batch did: the alert events raised, and what the models and anomaly detectors score next. */
export interface BatchOutcome {
  raised: AlertEvent[];
  /** Vehicles with fresh events and their readings, oldest first (the health models score them after the batch). */
  toScore: Map<string, HealthReading[]>;
  /** Fresh events carrying speed or acceleration (for driver-behaviour anomalies). */
  driving: TelemetryEvent[];
}

/**
 * Applies the events in event-time order to the vehicles' latest readings and then to every rule;
 * collects each vehicle's fresh readings for scoring.
 */
export function evaluateBatch(events: TelemetryEvent[], ctx: BatchContext): BatchOutcome {
  const toScore = new Map<string, HealthReading[]>();
  const driving: TelemetryEvent[] = [];
  const ordered = observeBatch(events, ctx.states, (event) => {
    // A vehicle whose event carries only trouble codes is scored too (its engine component).
    const readings = toScore.get(event.vehicleId) ?? [];
    if (Object.keys(event.readings).length) readings.push({ ts: event.ts, readings: event.readings });
    toScore.set(event.vehicleId, readings);
    if (carriesDriving(event.readings)) driving.push(event);
  });
  const raised = evaluateRules(ordered, ctx);
  evaluateOtherKinds(ordered, ctx, raised);
  return { raised, toScore, driving };
}

/** Offline and geofence rules (offline-watch.ts, geofence-rules.ts) on the same episode machinery. */
function evaluateOtherKinds(ordered: TelemetryEvent[], ctx: BatchContext, raised: AlertEvent[]) {
  const record = (rule: RuleDef, vehicleId: string, signal: Signal, pair: PairRecord) => {
    const event = recordSignal(rule, vehicleId, signal, pair, ctx);
    if (event) raised.push(event);
  };
  const geofenceRules = ctx.rules.filter((rule) => isGeofenceKind(rule.kind));
  if (geofenceRules.length && ctx.geofences) evaluateGeofences(ordered, geofenceRules, ctx.geofences, ctx.states, record);
  ctx.offline?.reported(ordered, ctx.rules.filter(isTimedKind), ctx.states, record);
}

/** Turns a signal of a rule on a vehicle into its alert event (if any) and stores the pair with the alert it belongs to. */
export function recordSignal(
  rule: RuleDef,
  vehicleId: string,
  signal: Signal,
  pair: PairRecord,
  ctx: BatchContext,
): AlertEvent | undefined {
  let next = pair;
  const alertEvent = applySignal(rule, vehicleId, signal, next, ctx);
  if (alertEvent?.kind === "alert")
    next = { ...next, alertId: alertEvent.alert.id, cooldownUntil: signal.ts + rule.cooldownSeconds * 1000 };
  ctx.states.setPair(rule.id, vehicleId, next);
  return alertEvent;
}

/** Runs already-ordered events through the context's rules (no change to the vehicles' latest readings). */
export function evaluateRules(ordered: TelemetryEvent[], ctx: BatchContext): AlertEvent[] {
  const raised: AlertEvent[] = [];
  for (const event of ordered) {
    for (const rule of ctx.rules) {
      if ((rule.kind && rule.kind !== "threshold") || !appliesTo(rule, event.vehicleId)) continue;
      const pair = ctx.states.pair(rule.id, event.vehicleId);
      const step = stepRule(rule, pair, event);
      if (step.state === pair) continue; // not this rule's metric, or older than its clock: nothing moved
      if (clockOnly(step, pair)) {
        ctx.states.moveClock(rule.id, event.vehicleId, step.state);
        continue;
      }
      let next = step.state; // a copy of the pair with the rule clock moved
      if (step.signal) {
        next.held = undefined; // logged by this signal, or held again below
        const alertEvent = applySignal(rule, event.vehicleId, step.signal, next, ctx);
        if (alertEvent) {
          raised.push(alertEvent);
          if (alertEvent.kind === "alert")
            next = { ...next, alertId: alertEvent.alert.id, cooldownUntil: step.signal.ts + rule.cooldownSeconds * 1000 };
        }
      }
      ctx.states.setPair(rule.id, event.vehicleId, next);
    }
  }
  return raised;
}

/** Turns an episode signal into the alert event it makes (none when the episode's alert is gone or resolved). */
function applySignal(rule: RuleDef, vehicleId: string, signal: Signal, pair: PairRecord, ctx: BatchContext): AlertEvent | undefined {
  const latest = pair.alertId ? ctx.book.get(pair.alertId) : undefined;
  if (signal.kind === "open") {
    if (latest && reopens(latest, rule, signal.ts)) return ctx.book.record("alert.updated", reopened(rule, latest, signal, ctx), ctx.now);
    return ctx.book.record("alert", created(rule, vehicleId, signal, ctx), ctx.now);
  }
  // An episode whose alert was resolved by hand has been reset (resetPair), so this is its own alert.
  if (!latest || latest.status === "resolved") return undefined;
  const lastSeenAt = signal.ts > Date.parse(latest.lastSeenAt) ? iso(signal.ts) : latest.lastSeenAt;
  if (signal.kind === "clear") {
    const clearedAt = iso(signal.ts);
    const resolved = rule.autoResolve ? { status: "resolved" as const, resolvedAt: clearedAt, resolvedBy: null } : {};
    return ctx.book.record("alert.updated", { ...latest, clearedAt, ...resolved }, ctx.now);
  }
  const value = signal.value;
  const changes = { value, peakValue: peakOf(rule, latest.peakValue, value), lastSeenAt };
  if (signal.kind === "newCodes") {
    const message = alertMessage(rule, ctx.vehicleName(vehicleId), signal);
    return ctx.book.record("alert.updated", { ...latest, ...changes, message, occurrences: latest.occurrences + 1 }, ctx.now);
  }
  // A continuing episode: logged at the live stream's cadence, held in between (the pair keeps the values durably).
  const logged = ctx.book.continueEpisode({ ...latest, ...changes }, ctx.now);
  if (!logged) pair.held = changes;
  return logged ?? undefined;
}

/** A new episode inside the cooldown: same alert, one more occurrence, status kept, nobody notified again. */
function reopened(rule: RuleDef, latest: Alert, signal: Signal, ctx: BatchContext): Omit<Alert, "seq"> {
  return {
    ...latest,
    occurrences: latest.occurrences + 1,
    clearedAt: null,
    lastSeenAt: signal.ts > Date.parse(latest.lastSeenAt) ? iso(signal.ts) : latest.lastSeenAt,
    value: signal.value,
    peakValue: peakOf(rule, latest.peakValue, signal.value),
    message: alertMessage(rule, ctx.vehicleName(latest.vehicleId), signal),
  };
}

function created(rule: RuleDef, vehicleId: string, signal: Signal, ctx: BatchContext): Omit<Alert, "seq"> {
  return {
    id: newId(ALERT_ID_PREFIX, ctx.now),
    vehicleId,
    ruleId: rule.id,
    type: rule.type,
    severity: rule.severity,
    status: "open",
    message: alertMessage(rule, ctx.vehicleName(vehicleId), signal),
    value: signal.value,
    peakValue: peakOf(rule, null, signal.value),
    occurrences: 1,
    createdAt: iso(signal.ts),
    lastSeenAt: iso(signal.ts),
    clearedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    resolvedBy: null,
    snoozedUntil: null,
    silenced: ctx.silenced({ vehicleId, ruleId: rule.id, type: rule.type, severity: rule.severity }),
    note: null,
    assignee: null,
    commentCount: 0,
  };
}
