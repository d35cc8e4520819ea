/**
 * One risk per vehicle from its components (cooling, charging, brakes, tyres from the vehicle
 * health models; engine from the trouble codes): treating component failures as independent,
 * P(any failure needing the workshop within the horizon) = 1 − Π(1 − p_component).
 */
import type { Component } from "../models/vehicle/index.js";
import { iso } from "../worker/lib/time";
import { calibrate, type Calibration } from "./risk-calibration";

export type RiskComponent = Component | "engine";
export const RISK_COMPONENTS: readonly RiskComponent[] = ["cooling", "charging", "brakes", "tyres", "engine"];

export interface ComponentRisk {
  component: RiskComponent;
  /** P(needing the workshop within 7 / 30 days), as the model gave it (calibration is applied on use). */
  p7: number;
  p30: number;
  confidence: number;
  /** Expected date (ms) of reaching the service limit, for wear; null otherwise. */
  dueAt: number | null;
  evidence: { feature: string; text: string; contribution: number }[];
}

/** What the vehicle's state keeps after each scoring: small (evidence trimmed to three per component). */
export interface StoredRisk {
  at: number;
  /** The event time of the newest reading scored (absent on risks stored before it was kept). */
  readingTs?: number;
  modelVersion: string;
  components: ComponentRisk[];
  /** The codes active when scored: a code not in this list next time is new (an outcome). */
  dtc: string[];
}

export type Label = "low" | "elevated" | "high";
export const HORIZON_DAYS = 30;
/** Label thresholds on a 30-day probability (docs/predictive.md). */
export const HIGH_RISK = 0.5;
export const ELEVATED_RISK = 0.2;
export const riskLabel = (p: number): Label => (p >= HIGH_RISK ? "high" : p >= ELEVATED_RISK ? "elevated" : "low");

const EVIDENCE_KEPT = 3;
const round = (x: number) => Math.round(x * 1000) / 1000;

export const trimmed = (c: ComponentRisk): ComponentRisk => ({ ...c, evidence: c.evidence.slice(0, EVIDENCE_KEPT) });

/** The components with the tenant's calibration applied (unchanged until enough outcomes accrued). */
export const calibrated = (components: ComponentRisk[], calibration: Calibration): ComponentRisk[] =>
  components.map((c) => ({ ...c, p7: calibrate(calibration, c.component, c.p7), p30: calibrate(calibration, c.component, c.p30) }));

export function combine(components: ComponentRisk[]) {
  const any = (key: "p7" | "p30") => 1 - components.reduce((q, c) => q * (1 - c[key]), 1);
  const confidence = components.length ? components.reduce((s, c) => s + c.confidence, 0) / components.length : 0;
  return { p30: any("p30"), p7: any("p7"), confidence };
}

interface NamedEvidence {
  name: string;
  contribution: number;
}
/** The API's risk (worker/schemas/vehicles.ts RiskSchema). */
export interface RiskView {
  score: number | null;
  score7d: number | null;
  label: Label | null;
  horizon: string | null;
  horizonDays: number | null;
  confidence: number | null;
  modelVersion: string | null;
  at: string | null;
  topFeatures: NamedEvidence[] | null;
  components: {
    component: RiskComponent;
    score: number;
    score7d: number;
    label: Label;
    confidence: number;
    dueDate: string | null;
    evidence: NamedEvidence[];
  }[];
}

const EMPTY: RiskView = {
  score: null,
  score7d: null,
  label: null,
  horizon: null,
  horizonDays: null,
  confidence: null,
  modelVersion: null,
  at: null,
  topFeatures: null,
  components: [],
};

/** The risk endpoint's answer (docs/api.md "Predictive"); null fields before the vehicle was scored. */
export function vehicleRisk(stored: StoredRisk | undefined, calibration: Calibration): RiskView {
  if (!stored) return EMPTY;
  const components = calibrated(stored.components, calibration);
  const total = combine(components);
  const topFeatures = components
    .flatMap((c) => c.evidence)
    .sort((a, b) => b.contribution - a.contribution)
    .slice(0, 3)
    .map((e) => ({ name: e.text, contribution: round(e.contribution) }));
  return {
    score: round(total.p30),
    score7d: round(total.p7),
    label: riskLabel(total.p30),
    horizon: `${HORIZON_DAYS} days`,
    horizonDays: HORIZON_DAYS,
    confidence: round(total.confidence),
    modelVersion: stored.modelVersion,
    at: iso(stored.at),
    topFeatures,
    components: components.map((c) => ({
      component: c.component,
      score: round(c.p30),
      score7d: round(c.p7),
      label: riskLabel(c.p30),
      confidence: round(c.confidence),
      dueDate: c.dueAt === null ? null : iso(c.dueAt),
      evidence: c.evidence.map((e) => ({ name: e.text, contribution: round(e.contribution) })),
    })),
  };
}

const DAY_MS = 86_400_000;
/** Without a forecast date: due sooner the higher the 7-day risk (docs/predictive.md). */
export const dueInDays = (p7: number) => (p7 >= HIGH_RISK ? 2 : p7 >= ELEVATED_RISK ? 7 : 21);

/** A component's forecast for a predictive work order: due date, and its calibrated scores. */
export function componentForecast(stored: StoredRisk | undefined, calibration: Calibration, component: string, now: number) {
  const raw = stored?.components.find((c) => c.component === component);
  if (!raw) return null;
  const [c] = calibrated([raw], calibration);
  const dueAt = c!.dueAt !== null ? Math.max(now, c!.dueAt) : now + dueInDays(c!.p7) * DAY_MS;
  return { component, dueAt, score: round(c!.p30), score7d: round(c!.p7), raw: raw.p30 };
}

/**
 * The fleet list's risks and the revision they were read at (null: the vehicles are spread over
 * shards, nothing to remember them by); `risks` is null when the caller's revision still holds.
 */
export type FleetRisks = { revision: string | null; risks: Record<string, RiskView> | null };
