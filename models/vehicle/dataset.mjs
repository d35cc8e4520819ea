// Node-only: minute rows of the carOBD drives of one side of the fixed split (split.json), built
// through the same signal code the runtime uses. Missing-input variants (no engine load, no
// intake air temperature, neither) teach the virtual sensors to degrade gracefully.
import { readFileSync } from "node:fs";
import { loadCarObdDrives } from "../data/carobd.js";
import { minuteRows } from "./signals.js";
import { driveStream, engineHours } from "./streams.js";

/** @typedef {'train' | 'validation' | 'test'} Side */

export const SPLIT = JSON.parse(readFileSync(new URL("split.json", import.meta.url), "utf8"));

/** Engine starts are a day apart so every drive starts a new engine run. */
export const DRIVE_GAP_MS = 86_400_000;

export const VARIANTS = [[], ["engineLoadPct"], ["intakeAirTempC"], ["engineLoadPct", "intakeAirTempC"]];

/**
 * @param {Side} side
 * @returns {{ name: string, kind: string, base: number, hours: number, rows: Record<string, number>[] }[]}
 */
export function drivesOf(side) {
  return loadCarObdDrives(SPLIT[side])
    .filter((d) => d.rows.length > 0)
    .map((d, i) => ({ ...d, base: (i + 1) * DRIVE_GAP_MS, hours: engineHours(d.rows) }));
}

/**
 * @param {ReturnType<typeof drivesOf>} drives
 * @param {{ variants?: readonly (readonly string[])[] }} [opts]
 * @returns {(import('./signals.js').MinuteRow & { drive: string, variant: number })[]}
 */
export function rowsOf(drives, opts = {}) {
  const variants = opts.variants ?? [[]];
  const out = [];
  for (const d of drives) {
    variants.forEach((drop, variant) => {
      for (const r of minuteRows(driveStream(d.rows, d.base, { drop }))) out.push({ ...r, drive: d.name, variant });
    });
  }
  return out;
}
