/**
 * The health models' part of an ingest: one updateVehicleHealth call for every vehicle the batch
 * touched and the model states stored (journaled with the next batch, or by the alarm); for the
 * vehicles whose risk is due (`riskDue`: a new minute of event time, new trouble codes) the
 * engine/DTC component added, the risks stored, new trouble codes recorded as outcomes, and a component
 * at or over the high-risk threshold turned into a `predictive_failure` alert through the normal
 * rule path (one built-in rule per component).
 */
import {
  type HealthReading,
  initialHealthState,
  loadVehicleHealth,
  updateVehicleHealth,
  VEHICLE_HEALTH_VERSION,
} from "../models/vehicle/index.js";
import type { AlertEvent } from "../worker/domain/alert";
import type { RuleDef } from "../worker/domain/rule-engine";
import { componentOfCode, engineRisk } from "./engine-risk";
import { evaluateRules, type BatchContext } from "./evaluate-batch";
import type { PredictiveOutcomes } from "./predictive-outcomes";
import type { VehicleStates } from "./vehicle-states";
import { calibrated, HIGH_RISK, RISK_COMPONENTS, type RiskComponent, type StoredRisk, trimmed } from "./vehicle-risk";

/** The rule metric carrying a component's calibrated 30-day probability. */
export const riskMetric = (component: RiskComponent) => `${component}Risk30d`;
export const PREDICTIVE_RULE_PREFIX = "builtin:predictive_failure:";

/** The component a predictive alert is about (from its rule id), or null for another alert. */
export function componentOfRule(ruleId: string | null | undefined): RiskComponent | null {
  if (!ruleId?.startsWith(PREDICTIVE_RULE_PREFIX)) return null;
  const component = ruleId.slice(PREDICTIVE_RULE_PREFIX.length) as RiskComponent;
  return RISK_COMPONENTS.includes(component) ? component : null;
}

/**
 * Built-in rules over the model components (not the engine: its risk comes from fault codes, whose
 * own rule already alerts): P(workshop within 30 days) at or over HIGH_RISK raises a
 * `predictive_failure` alert (severity high, cooldown one day, so a risk that stays high counts
 * occurrences, not new alerts).
 */
export const PREDICTIVE_RULES: RuleDef[] = RISK_COMPONENTS.filter((c) => c !== "engine").map((component) => ({
  id: `${PREDICTIVE_RULE_PREFIX}${component}`,
  name: `Predicted ${component} failure`,
  type: "predictive_failure",
  metric: riskMetric(component),
  op: "gte",
  threshold: HIGH_RISK,
  forSeconds: null,
  window: null,
  cooldownSeconds: 86_400,
  severity: "high",
  enabled: true,
  vehicleIds: null,
}));

const round = (x: number) => Math.round(x * 1000) / 1000;

export async function scoreTouchedVehicles(
  storage: DurableObjectStorage,
  states: VehicleStates,
  outcomes: PredictiveOutcomes,
  context: BatchContext,
  touched: Map<string, HealthReading[]>,
): Promise<AlertEvent[]> {
  const vehicleIds = [...touched.keys()];
  if (!vehicleIds.length) return [];
  await loadVehicleHealth();
  const results = await updateVehicleHealth(
    vehicleIds.map((id) => ({ state: states.health(id) ?? initialHealthState(), readings: touched.get(id)! })),
    context.now,
  );
  return storage.transactionSync(() => {
    const signals = vehicleIds.flatMap((id, i) => {
      const latest = states.latest(id);
      const dtc = latest?.dtc ?? [];
      const previous = states.risk(id);
      const readingTs = latest?.ts ?? context.now;
      if (!riskDue(previous, readingTs, dtc)) {
        states.setHealth(id, results[i]!.state);
        return [];
      }
      const components = [...results[i]!.components.map(trimmed), engineRisk(dtc, latest?.dtcTs !== undefined)];
      recordNewCodes(outcomes, id, previous, dtc, latest?.dtcTs ?? context.now);
      const risk = { at: context.now, readingTs, modelVersion: VEHICLE_HEALTH_VERSION, components, dtc: [...dtc] };
      states.setHealth(id, results[i]!.state, risk);
      const readings = Object.fromEntries(calibrated(components, outcomes.calibration).map((c) => [riskMetric(c.component), round(c.p30)]));
      return [{ vehicleId: id, ts: readingTs, readings }];
    });
    const raised = evaluateRules(signals, { ...context, rules: PREDICTIVE_RULES });
    // The model state waits for the next batch's journal; a predictive alert's rule state commits
    // with it (a journal row), as the rule pass's does with its batch.
    if (raised.length) states.flush();
    return raised;
  });
}

/** Event time's minute: the models read closed minutes of readings (models/vehicle/signals.js). */
const minuteOf = (ts: number) => Math.floor(ts / 60_000);

/**
 * Whether a vehicle's risk is scored again: once its readings reach a new minute of event time
 * (the minute before closed, which is what the models learn from), at once when its trouble codes
 * change, and whenever it has no risk of this model version. Between those the models' state
 * still takes every reading; only the risk, its predictive rules and the fleet list's copy wait,
 * which at one reading every 10 s saves five scorings in six.
 */
function riskDue(previous: StoredRisk | undefined, readingTs: number, dtc: string[]): boolean {
  if (previous?.readingTs === undefined || previous.modelVersion !== VEHICLE_HEALTH_VERSION) return true;
  if (previous.dtc.length !== dtc.length || dtc.some((code) => !previous.dtc.includes(code))) return true;
  return minuteOf(readingTs) !== minuteOf(previous.readingTs);
}

/**
 * A code the vehicle did not report at its previous scoring is a failure the models should have
 * seen coming: an outcome (confirmed) for the component it belongs to, against that component's
 * raw probability before the code arrived.
 */
function recordNewCodes(outcomes: PredictiveOutcomes, vehicleId: string, previous: StoredRisk | undefined, dtc: string[], at: number) {
  if (!previous) return;
  for (const code of dtc) {
    if (previous.dtc.includes(code)) continue;
    const component = componentOfCode(code);
    const before = previous.components.find((c) => c.component === component);
    if (!component || !before) continue;
    outcomes.record({
      ref: `dtc:${vehicleId}:${code}:${at}`,
      vehicleId,
      component,
      predicted: before.p30,
      confirmed: true,
      source: "dtc",
      at,
    });
  }
}
