// Node-only: per-minute virtual-sensor residual traces of drives, clean and with injected faults.
// The features never contain the coolant temperature, so a sensor fault changes only the
// measured minute mean, not the expected value: one forward pass serves every fault case.
// Used by select.mjs to compare detector settings quickly; eval.mjs checks the end-to-end engine.
import { minuteRows } from "./signals.js";
import { driveStream } from "./streams.js";
import { predictExpected } from "./predict.js";
import { injectFault } from "./evaluate-faults.mjs";

/**
 * @param {any} sensor loaded served sensor (model + preprocessing + output)
 * @param {'coolant' | 'voltage'} target
 * @param {{ name: string, base: number, rows: Record<string, number>[] }[]} drives
 */
export function cleanTraces(sensor, target, drives) {
  return drives.map((d) => {
    const stream = driveStream(d.rows, d.base);
    const rows = minuteRows(stream).filter((r) => r[target] !== null && r.runMin >= sensor.preprocessing.gateMin);
    const expected = predictExpected(
      sensor,
      rows.map((r) => r.features),
    );
    return {
      drive: d.name,
      stream,
      rows,
      expected,
      measured: rows.map((r) => /** @type {number} */ (r[target])),
      roughness: rows.map((r) => r.coolantRoughness),
    };
  });
}

/**
 * Measured coolant minute means and roughness of a drive with a fault injected (aligned to the clean rows by minute end).
 * @param {ReturnType<typeof cleanTraces>[number]} trace @param {import('./evaluate-faults.mjs').Fault} fault @param {number} onset @param {number} seed
 */
export function faultedMeasured(trace, fault, onset, seed) {
  const rows = minuteRows(injectFault(trace.stream, fault, onset, seed));
  const byEnd = new Map(rows.map((r) => [r.end, r]));
  return {
    measured: trace.rows.map((r) => /** @type {number} */ (byEnd.get(r.end)?.coolant ?? r.coolant)),
    roughness: trace.rows.map((r) => (byEnd.has(r.end) ? /** @type {any} */ (byEnd.get(r.end)).coolantRoughness : r.coolantRoughness)),
  };
}
