// Edge-model benchmark (`npm run bench -- --only model`, or `node bench/edge-model.mjs`): the
// vehicle health models' scoring time per vehicle-minute window inside workerd (one
// updateVehicleHealth call for a batch of 256 vehicles, each sending one minute of 1 Hz
// readings, detectors warm), first-call time, served model size, and the Worker bundle's gzip
// size with and without the tfjs code.
//
// workerd's clock does not advance while the isolate computes, so every time here is taken by
// this process around calls to the development-only endpoint POST /api/dev/bench/model. That
// endpoint starts its vehicles fresh on every call, so the time of one vehicle-minute is the
// DIFFERENCE between a call scoring WARM + TIMED minutes and one scoring WARM minutes (same
// request otherwise): HTTP, isolate and warm-up costs cancel, and the timed minutes are scored
// with every virtual sensor past its gate (10 engine minutes) like a vehicle already driving.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { builtinModules } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { ROOT, startDevServer, WRANGLER } from "../scripts/lib/dev-server.mjs";
import { wranglerAliases } from "./lib/wrangler-aliases.mjs";

const BATCH = 256;
/** One minute of readings at 1 Hz per vehicle (the endpoint spaces readings one second apart). */
const MINUTE_READINGS = 60;

async function timed(url, token, body) {
  const started = performance.now();
  const res = await fetch(`${url}/api/dev/bench/model`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`bench endpoint → ${res.status} ${JSON.stringify(json)}`);
  return { ms, json };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Times vehicle-minute scoring inside a fresh `wrangler dev` (development environment). */
export async function scoringTimes({ quick = false, log = () => {} } = {}) {
  const server = await startDevServer({ seed: false });
  try {
    const { url, platformToken: token } = server;
    const minutes = (batches) => ({ batches, batchSize: BATCH, windowLength: MINUTE_READINGS });
    // The first call in a fresh isolate: isolate start, module evaluation, model load and one batch.
    const cold = await timed(url, token, minutes(1));
    log(`first call (cold isolate, load + one batch of ${BATCH} vehicle-minutes): ${cold.ms.toFixed(1)} ms`);
    const rounds = quick ? 7 : 21;
    const warm = quick ? 12 : 40; // past the coolant gate (10 min); 40 also calibrates every detector (30 scored min)
    const measured = quick ? 8 : 20;
    for (let i = 0; i < 3; i++) await timed(url, token, minutes(0)); // warm the HTTP path
    const empties = [];
    for (let i = 0; i < 5; i++) empties.push((await timed(url, token, minutes(0))).ms);
    const empty = median(empties);
    // Interleaved so both sides of the difference see the same machine load.
    const base = [];
    const full = [];
    for (let r = 0; r < rounds; r++) {
      base.push((await timed(url, token, minutes(warm))).ms);
      full.push((await timed(url, token, minutes(warm + measured))).ms);
    }
    const perMinuteUs = ((median(full) - median(base)) * 1000) / (measured * BATCH);
    const pairs = full.map((f, i) => ((f - base[i]) * 1000) / (measured * BATCH));
    const bestUs = Math.min(...pairs);
    const warmUpUs = ((median(base) - empty) * 1000) / (warm * BATCH);
    log(
      `empty call ${empty.toFixed(2)} ms; ${perMinuteUs.toFixed(1)} µs per vehicle-minute (best pair ${bestUs.toFixed(1)}); ` +
        `first ${warm} minutes from a fresh state ${warmUpUs.toFixed(1)} µs per vehicle-minute`,
    );
    // The machine may be shared: the load average says how much the figures may be inflated.
    return {
      coldFirstCallMs: cold.ms,
      emptyCallMs: empty,
      perMinuteUs,
      bestPairUs: bestUs,
      warmUpPerMinuteUs: warmUpUs,
      warmMinutes: warm,
      measuredMinutes: measured,
      rounds,
      loadAverage: os.loadavg()[0],
      loadAverageAfter: null,
    };
  } finally {
    await server.stop();
  }
}

const gzipDir = (dir) =>
  readdirSync(dir)
    .filter((f) => /\.(m?js|wasm|bin)$/.test(f))
    .reduce((sum, f) => sum + gzipSync(readFileSync(path.join(dir, f)), { level: 9 }).length, 0);

/** gzip size of the bundle `wrangler deploy --dry-run` would upload (JS plus the weight files). */
function wranglerBundleGzip() {
  const work = mkdtempSync(path.join(os.tmpdir(), "fleetpulse-bundle-"));
  try {
    const result = spawnSync(WRANGLER, ["deploy", "--dry-run", "--outdir", work], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, CI: "true" },
    });
    if (result.status !== 0) throw new Error(`wrangler deploy --dry-run failed:\n${result.stdout}\n${result.stderr}`);
    return gzipDir(work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The Worker bundled by esbuild twice with the same options, once as is and once with every
 * `@tensorflow/*` import replaced by an empty module (wrangler's own `--alias` did not take
 * effect for these packages), so the difference is the model code.
 */
async function esbuildGzip(withoutModelCode) {
  const { build } = await import("esbuild");
  const noTfjs = {
    name: "no-tfjs",
    setup(b) {
      b.onResolve({ filter: /^@tensorflow\// }, (args) => ({ path: args.path, namespace: "no-tfjs" }));
      b.onLoad({ filter: /.*/, namespace: "no-tfjs" }, () => ({
        contents: "export const loadLayersModel = undefined; export default {};",
        loader: "js",
      }));
    },
  };
  const nodeBuiltins = builtinModules.flatMap((m) => [m, `node:${m}`]);
  const result = await build({
    entryPoints: [path.join(ROOT, "worker/index.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker", "browser"],
    external: ["cloudflare:*", ...nodeBuiltins],
    loader: { ".bin": "binary" },
    alias: wranglerAliases(),
    logLevel: "silent",
    write: false,
    plugins: withoutModelCode ? [noTfjs] : [],
  });
  return result.outputFiles.reduce((sum, f) => sum + gzipSync(f.contents, { level: 9 }).length, 0);
}

export async function bundleSizes() {
  return {
    wrangler: wranglerBundleGzip(),
    withModel: await esbuildGzip(false),
    withoutModel: await esbuildGzip(true),
    artifacts: { "carobd-coolant": servedSize("carobd-coolant"), "carobd-voltage": servedSize("carobd-voltage") },
  };
}

/** model.json + weights.bin of a served artifact, in bytes. */
const servedSize = (name) => {
  const dir = path.join(ROOT, `models/artifacts/${name}`);
  return readdirSync(dir)
    .filter((f) => f === "model.json" || f === "weights.bin")
    .reduce((sum, f) => sum + readFileSync(path.join(dir, f)).length, 0);
};

/**
 * The same call in this Node process (models/vehicle/timing.mjs: 256 vehicles, one minute of real
 * carOBD operating patterns each, after 40 warm minutes), in process CPU time, which waiting for a
 * core does not inflate: a second opinion when the machine is busy.
 */
export async function vehicleHealthNode() {
  await import("../models/node-env.js");
  const { createVehicleHealth } = await import("../models/vehicle/index.js");
  const { SERVED_MODELS } = await import("../models/vehicle/served-models.js");
  const { timeScoring } = await import("../models/vehicle/timing.mjs");
  const timing = await timeScoring(createVehicleHealth(SERVED_MODELS));
  return { ...timing, servedBytes: servedSize("carobd-coolant") + servedSize("carobd-voltage") };
}

export async function runEdgeModelBench(options = {}) {
  const times = await scoringTimes(options);
  times.vehicle = await vehicleHealthNode();
  times.loadAverageAfter = os.loadavg()[0];
  const sizes = await bundleSizes();
  return { times, sizes };
}

export function edgeModelSection({ times, sizes }, { command, machine }) {
  const kib = (b) => `${(b / 1024).toFixed(1)} KiB`;
  const v = times.vehicle;
  return `Command: \`${command}\` · Machine: ${machine} · \`wrangler dev\` (local workerd), timed by the client around the development-only \`POST /api/dev/bench/model\` (workerd's clock stands still while the isolate computes). 1-minute load average: ${times.loadAverage.toFixed(2)} at the start, ${times.loadAverageAfter.toFixed(2)} at the end, on ${os.cpus().length} cores (other work on the machine inflates every time here).

| measure | result | goal |
|---|---|---|
| vehicle-minute window scored inside workerd: one \`updateVehicleHealth\` call per batch of ${BATCH} vehicles, each with one minute of 1 Hz readings (${MINUTE_READINGS}), both virtual sensors past their gate; (median call of ${times.warmMinutes + times.measuredMinutes} batches − median call of ${times.warmMinutes}) / (${times.measuredMinutes} × ${BATCH}), ${times.rounds} interleaved rounds | **${times.perMinuteUs.toFixed(1)} µs per vehicle-minute** (best pair ${times.bestPairUs.toFixed(1)} µs) | ≤ 20 µs |
| the first ${times.warmMinutes} minutes of fresh vehicles (before the coolant gate), per vehicle-minute | ${times.warmUpPerMinuteUs.toFixed(1)} µs | — |
| the same call in Node (models/vehicle/timing.mjs, real carOBD minutes, batch ${v.batch}), per vehicle: wall / CPU | 1 Hz (${v.readingsPerVehicle.oneMinuteAt1Hz} readings): ${v.usPerVehicle.oneMinuteAt1Hz} / ${v.cpuUsPerVehicle.oneMinuteAt1Hz} µs; every 10 s (${v.readingsPerVehicle.oneMinuteEvery10s}): ${v.usPerVehicle.oneMinuteEvery10s} / ${v.cpuUsPerVehicle.oneMinuteEvery10s} µs | — |
| first call into a fresh isolate (isolate start, module load, model load, one batch of ${BATCH} vehicle-minutes) | ${times.coldFirstCallMs.toFixed(1)} ms | — |
| served models (model.json + uint8 weights.bin) | carobd-coolant ${kib(sizes.artifacts["carobd-coolant"])} + carobd-voltage ${kib(sizes.artifacts["carobd-voltage"])} = ${kib(sizes.artifacts["carobd-coolant"] + sizes.artifacts["carobd-voltage"])} | ≤ 64 KB together |
| Worker bundle gzip as \`wrangler deploy --dry-run\` builds it | ${kib(sizes.wrangler)} | ≤ 874 KiB |
| Worker bundle gzip (esbuild, same sources), with the model code | ${kib(sizes.withModel)} | — |
| … with every \`@tensorflow/*\` import replaced by an empty module | ${kib(sizes.withoutModel)} — **tfjs costs ${kib(sizes.withModel - sizes.withoutModel)} gzip** | — |

The window's cost is per-reading work (minute rows, smoothed load/speed/rpm, wear trends; one
pass over plain numbers per vehicle, docs/vehicle-health.md) and the state copy and rounding once
per call, not the networks: both virtual sensors are 12→16→8→1 dense nets evaluated
for the whole batch in plain JS. A vehicle reporting every 10 s sends 6 readings a minute instead
of 60 (the Node row above shows what that saves).
`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { machine, writeSection } = await import("./lib/report.mjs");
  const result = await runEdgeModelBench({ quick: process.argv.includes("--quick"), log: (l) => console.log(`[bench] ${l}`) });
  console.log(JSON.stringify(result, null, 2));
  writeSection("Edge model", edgeModelSection(result, { command: "node bench/edge-model.mjs", machine: machine() }));
}
