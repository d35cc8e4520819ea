/**
 * The edge models' part of an ingest: one batched predict per model for what the batch touched
 * (the engine windows that grew, the readings carrying the AI4I inputs), the risks stored, and a
 * risk at or over a model's threshold turned into alerts through the normal rule path.
 */
import type { AlertEvent } from "../worker/domain/alert";
import { PREDICTIVE_RULE, scoreWindows } from "./engine-risk";
import { evaluateRules, type BatchContext, type BatchOutcome } from "./evaluate-batch";
import { MACHINE_MODEL_VERSION, MACHINE_RULE, scoreMachineReadings } from "./machine-risk";
import type { VehicleStates } from "./vehicle-states";

export async function scoreTouchedVehicles(
  storage: DurableObjectStorage,
  states: VehicleStates,
  context: BatchContext,
  touched: Pick<BatchOutcome, "toScore" | "machineReadings">,
): Promise<AlertEvent[]> {
  const vehicleIds = [...touched.toScore];
  const readings = [...touched.machineReadings].sort((a, b) => a.ts - b.ts);
  const [risks, machineScores] = await Promise.all([
    scoreWindows(
      vehicleIds.map((id) => states.engineWindow(id)!),
      context.now,
    ),
    scoreMachineReadings(readings.map((r) => r.reading)),
  ]);
  return storage.transactionSync(() => {
    vehicleIds.forEach((id, i) => states.setRisk(id, risks[i]!));
    readings.forEach((r, i) =>
      states.setMachineRisk(r.vehicleId, { score: machineScores[i]!, at: r.ts, modelVersion: MACHINE_MODEL_VERSION, reading: r.reading }),
    );
    const engineSignals = vehicleIds.map((id, i) => ({
      vehicleId: id,
      ts: states.latest(id)!.ts,
      readings: { enginePFail30: risks[i]!.score },
    }));
    const machineSignals = readings.map((r, i) => ({ vehicleId: r.vehicleId, ts: r.ts, readings: { machinePFail: machineScores[i]! } }));
    const out = [
      ...evaluateRules(engineSignals, { ...context, rules: [PREDICTIVE_RULE] }),
      ...evaluateRules(machineSignals, { ...context, rules: [MACHINE_RULE] }),
    ];
    states.flush();
    return out;
  });
}
