// `npm run model:train`: trains both models one after the other (never in parallel: the
// machine's 2 cores are shared) and writes models/artifacts/*. Run `npm run model:eval` next.
import { trainCmapss } from "./train-cmapss.mjs";
import { trainAi4i } from "./train-ai4i.mjs";
import { trainVehicle } from "./vehicle/train.mjs";

const t0 = Date.now();
console.log("training cmapss-fd001 (engine health) ...");
await trainCmapss();
console.log("training ai4i (per-reading failure) ...");
await trainAi4i();
console.log("training carobd-coolant and carobd-voltage (vehicle virtual sensors) ...");
await trainVehicle();
console.log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
