#!/usr/bin/env node
// `npm run simulate [-- --url http://127.0.0.1:8787 --tenant demo --secret whsec_… --vehicles 20 --minutes 10]`
// (`--minutes 0` runs until stopped; `--quiet` prints only the injected faults and errors: `npm start` runs it so).
// Signs and posts realistic telemetry for the demo tenant once a second: vehicles replay real
// carOBD operating patterns (scripts/sim/obd-vehicle.mjs) with the readings vendor mappings
// produce; TRUCK-001..004 carry developing faults (cooling creeping up over an hour, charging
// voltage declining, worn pads, a slow tyre leak) so vehicle risk rises before any threshold
// rule fires; plus a one-shot fault every `--fault-every` seconds (overheating, oil pressure
// drop, harsh braking, battery sag, DTCs, speeding), so someone watching the PWA sees alerts arrive.
// `--simple` uses the older synthetic vehicle model (scripts/sim/vehicle-model.mjs) instead.
// `--cmapss` instead replays real C-MAPSS engines run to failure (see scripts/sim/cmapss-replay.mjs)
// so the vehicles' risk climbs and predictive alerts fire; `--cycle-ms` sets the pace.
// `--ai4i` replays the AI4I 2020 test split as per-reading machine data (scripts/sim/ai4i-replay.mjs).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { FAULTS, SimVehicle } from "./sim/vehicle-model.mjs";
import { postTelemetry } from "./lib/telemetry-client.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values: args } = parseArgs({
  options: {
    url: { type: "string", default: "http://127.0.0.1:8787" },
    tenant: { type: "string", default: "demo" },
    secret: { type: "string" },
    vehicles: { type: "string", default: "20" },
    minutes: { type: "string", default: "10" },
    "fault-every": { type: "string", default: "20" },
    cmapss: { type: "boolean", default: false },
    ai4i: { type: "boolean", default: false },
    "cycle-ms": { type: "string", default: "1000" },
    quiet: { type: "boolean", default: false },
    simple: { type: "boolean", default: false },
  },
});

const credentialsFile = path.join(root, ".wrangler/state/demo-credentials.json");
const secret = args.secret ?? (existsSync(credentialsFile) ? JSON.parse(readFileSync(credentialsFile, "utf8")).webhookSecret : undefined);
if (!secret) {
  console.error("No webhook secret: run `npm start` first (it saves the demo credentials) or pass --secret whsec_…");
  process.exit(1);
}

if (args.ai4i) {
  const { machineReplays, nextReading } = await import("./sim/ai4i-replay.mjs");
  const ids = Array.from({ length: Number(args.vehicles) }, (_, i) => `TRUCK-${String(i + 1).padStart(3, "0")}`);
  const replays = machineReplays(ids);
  console.log(
    `Replaying the AI4I 2020 test split (1,999 processes, 67 failures) over ${ids.length} vehicles, one reading every ${args["cycle-ms"]} ms.`,
  );
  for (let events = nextReading(replays, Date.now()); events.length; events = nextReading(replays, Date.now())) {
    const res = await postTelemetry(args.url, args.tenant, secret, events);
    if (res.status !== 202) {
      console.error(`  POST answered ${res.status}: ${res.body}`);
      process.exit(1);
    }
    await new Promise((r) => setTimeout(r, Number(args["cycle-ms"])));
  }
  console.log("Every row was replayed.");
  process.exit(0);
}

if (args.cmapss) {
  const { engineReplays, nextCycle } = await import("./sim/cmapss-replay.mjs");
  const ids = Array.from({ length: Number(args.vehicles) }, (_, i) => `TRUCK-${String(i + 1).padStart(3, "0")}`);
  const replays = engineReplays(ids);
  console.log(`Replaying ${replays.length} C-MAPSS FD001 engines (run to failure) as ${ids[0]}…, one cycle every ${args["cycle-ms"]} ms.`);
  for (let events = nextCycle(replays, Date.now()); events.length; events = nextCycle(replays, Date.now())) {
    const res = await postTelemetry(args.url, args.tenant, secret, events);
    if (res.status !== 202) {
      console.error(`  POST answered ${res.status}: ${res.body}`);
      process.exit(1);
    }
    await new Promise((r) => setTimeout(r, Number(args["cycle-ms"])));
  }
  console.log("Every engine reached its last recorded cycle.");
  process.exit(0);
}

const { ObdVehicle, DEVELOPING } = await import("./sim/obd-vehicle.mjs");
const Vehicle = args.simple ? SimVehicle : ObdVehicle;
const fleet = Array.from({ length: Number(args.vehicles) }, (_, i) => new Vehicle(`TRUCK-${String(i + 1).padStart(3, "0")}`, i));
if (!args.simple) {
  DEVELOPING.slice(0, fleet.length).forEach((what, i) => console.log(`  developing ${what} fault on ${fleet[i].externalId}`));
}
const FAULT_TICKS = { overheating: 90, oilPressureDrop: 20, harshBraking: 3, batterySag: 330, dtc: 5, speeding: 45 };
const endAt = Number(args.minutes) > 0 ? Date.now() + Number(args.minutes) * 60_000 : Number.POSITIVE_INFINITY;
const progress = (text) => args.quiet || console.log(text);
let tick = 0;
let posted = 0;

const duration = Number.isFinite(endAt) ? `for ${args.minutes} min` : "until stopped";
progress(`Simulating ${fleet.length} vehicles → ${args.url}/webhooks/${args.tenant}/telemetry ${duration} (Ctrl-C stops).`);
while (Date.now() < endAt) {
  const started = Date.now();
  if (tick % Number(args["fault-every"]) === 5) {
    const vehicle = fleet[Math.floor(Math.random() * fleet.length)];
    const fault = FAULTS[Math.floor(tick / Number(args["fault-every"])) % FAULTS.length];
    vehicle.inject(fault, FAULT_TICKS[fault]);
    console.log(`  ${args.quiet ? "demo: " : ""}${new Date().toISOString()} injecting ${fault} on ${vehicle.externalId}`);
  }
  const events = fleet.map((v) => v.step(started));
  const res = await postTelemetry(args.url, args.tenant, secret, events);
  if (res.status !== 202) {
    console.error(`  POST answered ${res.status}: ${res.body}`);
    if (res.status === 401 || res.status === 400) process.exit(1);
  }
  posted += events.length;
  if (++tick % 30 === 0) progress(`  ${posted} events posted`);
  await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - started))));
}
console.log(`Done: ${posted} events.`);
