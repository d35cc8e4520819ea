import type { EngineRow } from "../models/features.js";
import { iso } from "../worker/lib/time";
import { ENGINE_CARD, riskLabel, topFeatures, type EngineRisk } from "./engine-risk";
import { MACHINE_HORIZON, MACHINE_THRESHOLD, machineLabel, machineTopFeatures, type MachineRisk } from "./machine-risk";

type Label = "low" | "elevated" | "high";
export interface ModelRisk {
  score: number;
  label: Label;
  horizon: string;
  modelVersion: string;
  at: string;
  topFeatures: { name: string; contribution: number }[];
  rulCycles?: number;
}

const EMPTY = { score: null, label: null, horizon: null, modelVersion: null, at: null, topFeatures: null, models: [] };

/**
 * The risk endpoint's answer for one vehicle. Each model that has scored the vehicle is one
 * entry of `models`; the contract's main fields repeat the entry with the highest score relative
 * to its own alert threshold (the two models' probabilities sit on very different scales:
 * 0.5 for the engine model, 0.045 for the per-reading classifier).
 */
export async function vehicleRisk(engine: EngineRisk | undefined, window: EngineRow[] | undefined, machine: MachineRisk | undefined) {
  const models: (ModelRisk & { relative: number })[] = [];
  if (engine && window) {
    models.push({
      score: engine.score,
      label: riskLabel(engine.score),
      horizon: "30 cycles",
      rulCycles: Math.round(engine.rul),
      modelVersion: engine.modelVersion,
      at: iso(engine.at),
      topFeatures: await topFeatures(window),
      relative: engine.score / ENGINE_CARD.thresholds.pFail30,
    });
  }
  if (machine) {
    models.push({
      score: machine.score,
      label: machineLabel(machine.score),
      horizon: MACHINE_HORIZON,
      modelVersion: machine.modelVersion,
      at: iso(machine.at),
      topFeatures: await machineTopFeatures(machine.reading),
      relative: machine.score / MACHINE_THRESHOLD,
    });
  }
  if (!models.length) return EMPTY;
  const entries = models.map(({ relative: _relative, ...entry }) => entry);
  const main = entries[models.reduce((best, m, i) => (m.relative > models[best]!.relative ? i : best), 0)]!;
  return { ...main, models: entries };
}
