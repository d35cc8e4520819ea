// Node-only: records the committed health engine's outputs on the golden replay
// (golden-scenario.mjs) into golden/health-outputs.json.gz, for golden.test.ts. Run it only to
// accept a deliberate change of outputs (and say why in the commit):
//   node models/vehicle/write-golden.mjs
import "../node-env.js";
import { mkdirSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { createVehicleHealth } from "./index.js";
import { SERVED_MODELS } from "./served-models.js";
import { goldenRecord, replayGolden } from "./golden-scenario.mjs";

const calls = await replayGolden(createVehicleHealth(SERVED_MODELS));
const record = goldenRecord(calls);
mkdirSync(new URL("golden/", import.meta.url), { recursive: true });
const json = JSON.stringify(record);
writeFileSync(new URL("golden/health-outputs.json.gz", import.meta.url), gzipSync(json, { level: 9 }));
const alarms = calls.at(-1).out.map((o) => o.components.map((c) => `${c.component}:${c.p30}`).join(" "));
console.log(`${calls.length} calls, ${json.length} bytes of JSON; last call per vehicle:\n${alarms.join("\n")}`);
