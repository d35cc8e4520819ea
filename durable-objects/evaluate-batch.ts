import type { AlertEvent } from "../worker/domain/alert";
import { alertMessage, appliesTo, stepRule, triggerOutcome, type RuleDef, type Trigger } from "../worker/domain/rule-engine";
import type { TelemetryEvent } from "../worker/domain/telemetry";
import { newId } from "../worker/lib/ids";
import { iso } from "../worker/lib/time";
import type { Ai4iReading } from "../models/features.js";
import type { AlertBook } from "./alert-book";
import { carriesDriving } from "./driving-anomalies";
import { machineReading } from "./machine-risk";
import type { VehicleStates } from "./vehicle-states";

export interface BatchContext {
  rules: RuleDef[];
  vehicleName: (vehicleId: string) => string;
  states: VehicleStates;
  book: AlertBook;
  now: number;
  /** Whether a new alert matches an active silence (recorded and streamed, but notifies nobody). */
  silenced: (alert: { vehicleId: string; ruleId: string; type: string; severity: RuleDef["severity"] }) => boolean;
}

/** A fresh reading carrying the AI4I classifier's inputs. */
export interface MachineReading {
  vehicleId: string;
  ts: number;
  reading: Ai4iReading;
}

/** What a batch did: the alert events raised, and what the models and anomaly detectors score next. */
export interface BatchOutcome {
  raised: AlertEvent[];
  /** Vehicles whose engine-model window grew (scored after the batch). */
  toScore: Set<string>;
  /** Fresh readings that carry the AI4I classifier's inputs (scored after the batch). */
  machineReadings: MachineReading[];
  /** Fresh events carrying speed or acceleration (for driver-behaviour anomalies). */
  driving: TelemetryEvent[];
}

/**
 * Applies the events in event-time order to the vehicles' latest readings (and engine windows)
 * and then to every rule.
 */
export function evaluateBatch(events: TelemetryEvent[], ctx: BatchContext): BatchOutcome {
  const ordered = [...events].sort((a, b) => a.ts - b.ts);
  const toScore = new Set<string>();
  const machineReadings: MachineReading[] = [];
  const driving: TelemetryEvent[] = [];
  for (const event of ordered) {
    const seen = ctx.states.observe(event);
    if (seen.engine) toScore.add(event.vehicleId);
    const reading = seen.fresh ? machineReading(event.readings) : null;
    if (reading) machineReadings.push({ vehicleId: event.vehicleId, ts: event.ts, reading });
    if (seen.fresh && carriesDriving(event.readings)) driving.push(event);
  }
  return { raised: evaluateRules(ordered, ctx), toScore, machineReadings, driving };
}

/** Runs already-ordered events through the context's rules (no change to the vehicles' latest readings). */
export function evaluateRules(ordered: TelemetryEvent[], ctx: BatchContext): AlertEvent[] {
  const raised: AlertEvent[] = [];
  for (const event of ordered) {
    for (const rule of ctx.rules) {
      if (!appliesTo(rule, event.vehicleId)) continue;
      const state = ctx.states.pair(rule.id, event.vehicleId);
      const step = stepRule(rule, state, event);
      let next = { ...state, ...step.state };
      if (step.trigger) {
        const alertEvent = raise(rule, event.vehicleId, step.trigger, next, ctx);
        raised.push(alertEvent);
        if (alertEvent.kind === "alert") {
          next = { ...next, alertId: alertEvent.alert.id, cooldownUntil: step.trigger.ts + rule.cooldownSeconds * 1000 };
        }
      }
      ctx.states.setPair(rule.id, event.vehicleId, next);
    }
  }
  return raised;
}

function raise(
  rule: RuleDef,
  vehicleId: string,
  trigger: Trigger,
  pair: { alertId: string | null; cooldownUntil: number },
  ctx: BatchContext,
): AlertEvent {
  const latest = pair.alertId ? ctx.book.get(pair.alertId) : undefined;
  const message = alertMessage(rule, ctx.vehicleName(vehicleId), trigger);
  if (latest && triggerOutcome({ status: latest.status, cooldownUntil: pair.cooldownUntil }, trigger.ts) === "repeat") {
    return ctx.book.record(
      "alert.updated",
      {
        ...latest,
        occurrences: latest.occurrences + 1,
        lastSeenAt: iso(Math.max(trigger.ts, Date.parse(latest.lastSeenAt))),
        value: trigger.value,
        message,
      },
      ctx.now,
    );
  }
  return ctx.book.record(
    "alert",
    {
      id: newId("alr", ctx.now),
      vehicleId,
      ruleId: rule.id,
      type: rule.type,
      severity: rule.severity,
      status: "open",
      message,
      value: trigger.value,
      occurrences: 1,
      createdAt: iso(trigger.ts),
      lastSeenAt: iso(trigger.ts),
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: null,
      resolvedBy: null,
      snoozedUntil: null,
      silenced: ctx.silenced({ vehicleId, ruleId: rule.id, type: rule.type, severity: rule.severity }),
      note: null,
    },
    ctx.now,
  );
}
