import type { Alert } from "../worker/domain/alert";
import type { RuleDef } from "../worker/domain/rule-engine";
import { componentOfRule } from "./model-scoring";
import type { PredictiveOutcomes } from "./predictive-outcomes";
import { componentForecast, HIGH_RISK, type RiskView, vehicleRisk } from "./vehicle-risk";
import type { VehicleStates } from "./vehicle-states";

/** A completed work order's verdict on a fault (docs/api.md "Predictive"). */
export interface WorkOrderOutcome {
  workOrderId: string;
  vehicleId: string;
  alertId: string | null;
  component: string | null;
  confirmed: boolean;
}

/**
 * What one tenant object (or shard) predicts about the vehicles it holds: their risk from the
 * models' components, calibrated by the work-order outcomes it has kept, the forecast a new alert
 * proposes a work order with, and those outcomes as they come back.
 */
export class HubPredictions {
  readonly #states: VehicleStates;
  readonly #outcomes: PredictiveOutcomes;
  readonly #instance = crypto.randomUUID();

  constructor(states: VehicleStates, outcomes: PredictiveOutcomes) {
    this.#states = states;
    this.#outcomes = outcomes;
  }

  /**
   * Changes whenever any vehicle's risk here may have: a new instance (a random id), a vehicle
   * scored, adopted or forgotten, a calibration refitted. Equal revisions, equal risks.
   */
  riskRevision(): string {
    return `${this.#instance}.${this.#states.riskChanges}.${this.#outcomes.refits}`;
  }

  /** The vehicle's risk: one score from its components, calibrated by the outcomes held here. */
  risk(vehicleId: string): RiskView {
    return vehicleRisk(this.#states.risk(vehicleId), this.#outcomes.calibration);
  }

  /**
   * The forecast a new alert proposes a work order with: a predictive alert's component, or the
   * engine for a fault-code alert when the codes make that component's risk high (the fault-code
   * rule is the alert, so the engine component raises none of its own). Remembers the raw
   * probability behind it for the outcome. `rules` are the tenant's, to find the alert's rule.
   */
  async forecast(alert: Alert, rules: () => Promise<RuleDef[] | undefined>) {
    const predicted = componentOfRule(alert.ruleId);
    const rule = predicted ? undefined : (await rules())?.find((r) => r.id === alert.ruleId);
    const component = predicted ?? (rule?.metric === "dtc" ? "engine" : null);
    if (!component) return null;
    const now = Date.now();
    const forecast = componentForecast(this.#states.risk(alert.vehicleId), this.#outcomes.calibration, component, now);
    if (!forecast || (!predicted && forecast.score < HIGH_RISK)) return null;
    const { raw, ...proposal } = forecast;
    this.#outcomes.rememberPrediction(alert.id, alert.vehicleId, component, raw, now);
    return proposal;
  }

  /**
   * Keeps a work order's outcome against the prediction behind its alert (or, for other work
   * orders, the component's newest raw probability) and refits that component's calibration.
   * Idempotent by work order id.
   */
  recordOutcome(outcome: WorkOrderOutcome): { recorded: boolean } {
    const predicted = outcome.alertId ? this.#outcomes.prediction(outcome.alertId) : undefined;
    const component = predicted?.component ?? outcome.component;
    if (!component) return { recorded: false };
    const raw = predicted?.predicted ?? this.#states.risk(outcome.vehicleId)?.components.find((c) => c.component === component)?.p30;
    if (raw === undefined) return { recorded: false };
    const recorded = this.#outcomes.record({
      ref: outcome.workOrderId,
      vehicleId: outcome.vehicleId,
      component,
      predicted: raw,
      confirmed: outcome.confirmed,
      source: "work_order",
      at: Date.now(),
    });
    return { recorded };
  }

  /** Outcomes recorded per component and the calibration in use. */
  summary() {
    return this.#outcomes.summary();
  }
}
