// Writes models/vehicle/split.json: which whole carOBD drive files are train / validation / test.
// Fixed by a rule, before any model was trained: within each kind of drive (idle, drive, live,
// ufpe, long), in file-number order, position i goes to validation if i % 5 == 1, to test if
// i % 5 == 3, else to train (about 60 / 20 / 20 % of the files of every kind). Whole files are
// held out so no minute of a held-out drive is seen in training.
import { writeFileSync } from "node:fs";
import { listCarObdDrives, splitName } from "../data/carobd.js";

const byKind = new Map();
for (const name of listCarObdDrives()) {
  const [kind] = splitName(name);
  if (!byKind.has(kind)) byKind.set(kind, []);
  byKind.get(kind).push(name);
}
const split = {
  rule: "per kind, in file-number order: i % 5 == 1 -> validation, i % 5 == 3 -> test, else train",
  train: [],
  validation: [],
  test: [],
};
for (const names of byKind.values()) {
  names.forEach((n, i) => {
    (i % 5 === 1 ? split.validation : i % 5 === 3 ? split.test : split.train).push(n);
  });
}
writeFileSync(new URL("split.json", import.meta.url), `${JSON.stringify(split, null, 2)}\n`);
console.log(`train ${split.train.length}, validation ${split.validation.length}, test ${split.test.length} files`);
