#!/usr/bin/env node
// `node bench/ingest-solo.mjs [tree] [seconds] [rounds] [vehicles]`: the sustained-ingest part of
// the hot-path bench alone (500-event batches, 8 posters, vehicles of its own, every default rule
// and the edge models), `rounds` runs of `seconds` each against the tree at `tree` (this checkout by
// default, or an older commit's worktree), then the bare floor for the same time in the same run.
// Prints events/s and workerd CPU ms per 1,000 events (the figure the host's noise moves least) per
// run. `vehicles` (20 by default, as the hot-path bench) sets the fleet the events are spread over:
// 500 gives each vehicle one event per batch, 25 s apart, as a real fleet's batches look.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runtimeUrl } from "../scripts/lib/runtime-url.mjs";
import { workerdCpuSeconds } from "./lib/workerd-cpu.mjs";
import { importBenchVehicles } from "./latency.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(process.argv[2] ?? path.join(here, ".."));
const seconds = Number(process.argv[3] ?? 15);
const rounds = Number(process.argv[4] ?? 2);
const fleetSize = Number(process.argv[5] ?? 20);
const { startDevServer } = await import(`${root}/scripts/lib/dev-server.mjs`);
const { api } = await import(`${root}/bench/lib/api.mjs`);
const { ingestThroughput } = await import(`${root}/bench/ingest.mjs`);
const { startFloorServer } = await import(`${root}/bench/floor/server.mjs`);
const { raisedLimitConfig } = await import(`${root}/bench/saturation.mjs`);
const address = (started, probePath) => started.runtime ?? runtimeUrl(started.pid, probePath);

/**
 * Runs ingest `rounds` times against `started`, each on vehicles of its own (`vehiclesFor(round)`)
 * as the hot-path bench does: every run starts its event time 6 days back, so a second run on the
 * same vehicles would post late events, a cheaper path. Events/s and workerd CPU ms per 1,000 events per run.
 */
async function runs(started, ctx, vehiclesFor) {
  const out = [];
  for (let i = 0; i < rounds; i++) {
    const vehicles = await vehiclesFor(i);
    const cpuBefore = workerdCpuSeconds(started.pid);
    const r = await ingestThroughput({ ...ctx, vehicles, concurrency: 8, batchSize: 500, seconds });
    out.push({
      eventsPerSecond: r.eventsPerSecond,
      cpuMsPer1000: +((1e6 * (workerdCpuSeconds(started.pid) - cpuBefore)) / r.events).toFixed(1),
    });
  }
  return out;
}

const result = { tree: root, vehicles: fleetSize, loadStart: os.loadavg()[0] };
const persistDir = mkdtempSync(path.join(os.tmpdir(), "fp-ingest-"));
// The tenant's webhook limit (6,000 calls a minute) would cap rounds after the first.
const config = raisedLimitConfig();
const server = await startDevServer({ persistDir, config: config.file });
try {
  const url = await address(server, "/api/openapi.json");
  const { demo } = server;
  const admin = (await api(url, "POST", "/api/auth/login", null, { tenant: "demo", ...demo.users.admin })).token;
  const vehiclesFor = (round) => importBenchVehicles({ url, token: admin, prefix: `ING${round}`, count: fleetSize });
  result.fleetpulse = await runs(server, { url, secret: demo.webhookSecret, slug: "demo" }, vehiclesFor);
} finally {
  await server.stop();
  config.remove();
  rmSync(persistDir, { recursive: true, force: true });
}
const floor = await startFloorServer();
try {
  const vehiclesFor = async (round) =>
    Array.from({ length: fleetSize }, (_, i) => ({ externalId: `F${round}-${i}`, id: `F${round}-${i}` }));
  result.floor = await runs(floor, { ...floor, url: await address(floor, "/health") }, vehiclesFor);
} finally {
  await floor.stop();
}
result.loadEnd = os.loadavg()[0];
console.log(JSON.stringify(result));
