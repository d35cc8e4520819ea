#!/usr/bin/env node
// Before/after on one machine: `node bench/before-after.mjs <tree> [sequentialPosts]` runs, against the
// tree at <tree> (this checkout, or an older commit's worktree given this bench folder), the hot-path
// figures an alerting change must not make worse: new alert → manager's socket (sequential and 20
// concurrent posters), alert → Web Push at the stand-in, sustained ingest (500-event batches, 8
// posters, vehicles of its own), and the bare floor's ingest in the same run. Prints one JSON line.
// Alternate trees run after run (A, B, A, B) on a quiet machine; BENCHMARKS.md, "Before and after". Requests go to
// the runtime itself (scripts/lib/runtime-url.mjs; an older tree's dev-server must return its wrangler's `pid`), or
// with VIA_PROXY=1 through wrangler's dev proxy. Ingest also
// reports workerd CPU ms per 1,000 events, the figure the host's noise moves least.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runtimeUrl } from "../scripts/lib/runtime-url.mjs";
import { workerdCpuSeconds } from "./lib/workerd-cpu.mjs";
const root = path.resolve(process.argv[2]);
const seqRounds = Number(process.argv[3] ?? 200);
const { startDevServer } = await import(`${root}/scripts/lib/dev-server.mjs`);
const { api } = await import(`${root}/bench/lib/api.mjs`);
const { fmt } = await import(`${root}/bench/lib/stats.mjs`);
const { createBenchVehicles, fleetpulseNewAlertLatency, vehiclesNeeded } = await import(`${root}/bench/latency.mjs`);
const { ingestThroughput } = await import(`${root}/bench/ingest.mjs`);
const { startFloorServer } = await import(`${root}/bench/floor/server.mjs`);
const { pushLatency } = await import(`${root}/bench/push-latency.mjs`);
/** Where requests go: the runtime itself (an older tree's dev-server does not name it), or with VIA_PROXY=1 wrangler's dev proxy. */
const address = (started, probePath) => (process.env.VIA_PROXY ? started.url : (started.runtime ?? runtimeUrl(started.pid, probePath)));
/** `started`'s workerd CPU ms per 1,000 events since `cpuBefore` (a `workerdCpuSeconds(started.pid)` reading). */
const cpuMsPer1000 = (started, cpuBefore, events) => +((1e6 * (workerdCpuSeconds(started.pid) - cpuBefore)) / events).toFixed(1);
const persistDir = mkdtempSync(path.join(os.tmpdir(), "fp-ab-"));
const out = { tree: root, via: process.env.VIA_PROXY ? "proxy" : "runtime", load: os.loadavg()[0] };
const server = await startDevServer({ persistDir });
try {
  const { demo } = server;
  const url = await address(server, "/api/openapi.json");
  const login = async (c) => (await api(url, "POST", "/api/auth/login", null, { tenant: "demo", ...c })).token;
  const manager = await login({ email: demo.users.manager.email, password: demo.users.manager.password });
  const sessions = [];
  for (let i = 0; i < 4; i++) sessions.push(await login({ email: demo.users.admin.email, password: demo.users.admin.password }));
  const vehicles = (await api(url, "GET", "/api/vehicles?limit=100", manager)).items;
  const seqRun = { posters: 1, rounds: seqRounds, warmup: 20 };
  const concRun = { posters: 20, rounds: 10, warmup: 3 };
  const fresh = new Map([
    ...(await createBenchVehicles({ url, tokens: sessions, prefix: "SEQ", count: vehiclesNeeded(seqRun) })),
    ...(await createBenchVehicles({ url, tokens: sessions, prefix: "CONC", count: vehiclesNeeded(concRun) })),
  ]);
  const ing = [...(await createBenchVehicles({ url, tokens: sessions, prefix: "ING", count: vehicles.length }))].map(
    ([externalId, id]) => ({ externalId, id }),
  );
  const ctx = { url, secret: demo.webhookSecret, slug: "demo", token: manager };
  out.push = fmt(await pushLatency({ ...ctx, vehicles, vapidPublicKey: server.vars.VAPID_PUBLIC_KEY, rounds: 20 }));
  console.log("push", out.push);
  // workerd CPU per new alert over the sequential phase and the settling after it (its notification work included).
  const seqCpuBefore = workerdCpuSeconds(server.pid);
  out.seq = fmt(await fleetpulseNewAlertLatency({ ...ctx, vehiclesByExternal: fresh, ...seqRun, prefix: "SEQ" }));
  await new Promise((r) => setTimeout(r, 35_000)); // grouped pushes are due 30 s after their alert
  out.seqCpuMsPerAlert = cpuMsPer1000(server, seqCpuBefore, seqRun.rounds + seqRun.warmup) / 1000;
  console.log("seq", out.seq, `${out.seqCpuMsPerAlert} ms workerd CPU per alert`);
  out.conc = fmt(await fleetpulseNewAlertLatency({ ...ctx, vehiclesByExternal: fresh, ...concRun, prefix: "CONC" }));
  console.log("conc", out.conc);
  await new Promise((r) => setTimeout(r, 20_000)); // the alerts' notification work drains first
  const cpuBefore = workerdCpuSeconds(server.pid);
  const ingest = await ingestThroughput({ ...ctx, vehicles: ing, concurrency: 8, batchSize: 500, seconds: 15 });
  out.ingest = ingest.eventsPerSecond;
  out.ingestCpuMsPer1000 = cpuMsPer1000(server, cpuBefore, ingest.events);
  console.log("ingest", out.ingest, fmt(ingest.batchLatency), `${out.ingestCpuMsPer1000} ms workerd CPU per 1,000 events`);
} finally {
  await server.stop();
  rmSync(persistDir, { recursive: true, force: true });
}
const floor = await startFloorServer();
try {
  const vehicles = Array.from({ length: 25 }, (_, i) => ({ externalId: `F-${i}`, id: `F-${i}` }));
  const cpuBefore = workerdCpuSeconds(floor.pid);
  const r = await ingestThroughput({
    ...floor,
    url: await address(floor, "/health"),
    vehicles,
    concurrency: 8,
    batchSize: 500,
    seconds: 15,
  });
  out.floorIngest = r.eventsPerSecond;
  out.floorCpuMsPer1000 = cpuMsPer1000(floor, cpuBefore, r.events);
  console.log("floor ingest", out.floorIngest);
} finally {
  await floor.stop();
}
out.loadEnd = os.loadavg()[0];
console.log(JSON.stringify(out));
