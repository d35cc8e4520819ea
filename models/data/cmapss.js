// C-MAPSS FD001 loader: whitespace-separated, 26 columns (unit, cycle, 3 settings, s1..s21).
import { readDataText } from "./paths.js";

/** @typedef {Record<string, number> & { unit: number, cycle: number }} CmapssRow */

const COLUMNS = ["unit", "cycle", "op1", "op2", "op3", ...Array.from({ length: 21 }, (_, i) => `s${i + 1}`)];

/** @param {string} text @returns {CmapssRow[]} */
export function parseCmapss(text) {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const f = line.split(/\s+/).map(Number);
      if (f.length !== 26) throw new Error(`C-MAPSS row has ${f.length} columns, expected 26`);
      /** @type {Record<string, number>} */ const row = {};
      COLUMNS.forEach((name, i) => {
        row[name] = f[i];
      });
      return /** @type {CmapssRow} */ (row);
    });
}

/** Groups rows into per-engine trajectories ordered by cycle. @param {CmapssRow[]} rows */
export function byUnit(rows) {
  /** @type {Map<number, CmapssRow[]>} */ const m = new Map();
  for (const r of rows) {
    const list = m.get(r.unit) ?? [];
    list.push(r);
    m.set(r.unit, list);
  }
  return [...m.entries()].sort((a, b) => a[0] - b[0]).map(([unit, list]) => ({ unit, rows: list.sort((a, b) => a.cycle - b.cycle) }));
}

export function loadFd001() {
  const train = byUnit(
    parseCmapss(readDataText("cmapss/train_FD001.txt", "963b5e22825b34d8b21c69e1aeb4af3e647050eb672ee8834ba4b5d91d2de0f8")),
  );
  const test = byUnit(
    parseCmapss(readDataText("cmapss/test_FD001.txt", "3cda7109ce17bafb5443f2ac926cfcf88154b941b8c4cf95eb55d1ddd6f52851")),
  );
  const rul = readDataText("cmapss/RUL_FD001.txt", "a19c8ec94931949d0485bdc35118206e9c81c4547b422efb9cf86f4ceddbceca")
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
  if (train.length !== 100 || test.length !== 100 || rul.length !== 100) {
    throw new Error("FD001: expected 100 train engines, 100 test engines, 100 RUL values");
  }
  // RUL_FD001 is in unit order: line i belongs to test unit i+1.
  return { train, test: test.map((e, i) => ({ ...e, trueRul: /** @type {number} */ (rul[i]) })) };
}
