// AI4I 2020 loader + the fixed stratified split from models/data/README.md.
import { readDataText } from "./paths.js";

/**
 * @typedef {import('../features.js').Ai4iReading & { udi: number, label: 0|1 }} Ai4iRow
 */

/** @param {string} text raw CSV (BOM + CRLF tolerated) @returns {Ai4iRow[]} */
export function parseAi4i(text) {
  const lines = text
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .filter((l) => l.length > 0);
  const header = lines[0].split(",");
  const col = (/** @type {string} */ name) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`ai4i2020.csv: missing column ${name}`);
    return i;
  };
  const c = {
    udi: col("UDI"),
    type: col("Type"),
    air: col("Air temperature [K]"),
    proc: col("Process temperature [K]"),
    rpm: col("Rotational speed [rpm]"),
    torque: col("Torque [Nm]"),
    wear: col("Tool wear [min]"),
    label: col("Machine failure"),
  };
  /** @type {Ai4iRow[]} */
  const rows = lines.slice(1).map((line) => {
    const f = line.split(",");
    const type = /** @type {'L'|'M'|'H'} */ (f[c.type]);
    return {
      udi: Number(f[c.udi]),
      type,
      airTempK: Number(f[c.air]),
      processTempK: Number(f[c.proc]),
      rpm: Number(f[c.rpm]),
      torqueNm: Number(f[c.torque]),
      toolWearMin: Number(f[c.wear]),
      label: /** @type {0|1} */ (Number(f[c.label])),
    };
  });
  rows.sort((a, b) => a.udi - b.udi);
  return rows;
}

/**
 * Fixed split (no RNG): in UDI order, count rows per label; k % 5 == 4 goes to test.
 * @param {Ai4iRow[]} rows sorted by UDI
 */
export function splitAi4i(rows) {
  const counter = [0, 0];
  /** @type {Ai4iRow[]} */ const train = [];
  /** @type {Ai4iRow[]} */ const test = [];
  for (const r of rows) (counter[r.label]++ % 5 === 4 ? test : train).push(r);
  return { train, test };
}

export function loadAi4i() {
  const rows = parseAi4i(readDataText("ai4i2020.csv", "dc6630cd9b1f0f853922fad78a1b6436570d3f1ec863f1dd5c4340ac56bc8a8e"));
  if (rows.length !== 10000) throw new Error(`ai4i2020.csv: expected 10000 rows, got ${rows.length}`);
  const split = splitAi4i(rows);
  const tf = split.test.filter((r) => r.label === 1).length;
  // Guard against a changed file or split rule: models/data/README.md pins these counts.
  if (split.train.length !== 8001 || split.test.length !== 1999 || tf !== 67) {
    throw new Error(`ai4i split mismatch: train ${split.train.length}, test ${split.test.length}, test failures ${tf}`);
  }
  return split;
}
