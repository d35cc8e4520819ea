#!/usr/bin/env node
// `npm run bench [-- --quick]`: starts the real server under wrangler dev (fresh local state),
// drives it from this separate process and writes BENCHMARKS.md.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startDevServer } from "../scripts/lib/dev-server.mjs";
import { alertsListLatency, listFloorLatency, overviewLatency, seedAlerts } from "./alerts-list.mjs";
import { analyticsSection, runAnalyticsBench } from "./analytics.mjs";
import { ingestThroughput } from "./ingest.mjs";
import { startFloorServer } from "./floor/server.mjs";
import {
  createBenchVehicles,
  fleetpulseNewAlertLatency,
  floorLatency,
  importBenchVehicles,
  referenceLatency,
  vehiclesNeeded,
} from "./latency.mjs";
import { loadTs } from "./lib/load-ts.mjs";
import { machine, writeSection } from "./lib/report.mjs";
import { fmt } from "./lib/stats.mjs";
import { runSchedulerBench } from "./scheduler.mjs";
import { edgeModelSection, runEdgeModelBench } from "./edge-model.mjs";
import { firstRender, firstRenderSection } from "./first-render.mjs";
import { pushLatency } from "./push-latency.mjs";
import { startReferenceServer } from "./reference-server.mjs";
import { api } from "./lib/api.mjs";
import { readingsSection, storagePerVehicleDay, weekEndpointLatency } from "./readings.mjs";
import { costModel, costSection, countedUnits, measuredCpu } from "./cost.mjs";
import { raisedLimitConfig, saturate, saturationSection, shardsSection } from "./saturation.mjs";

const { values: args } = parseArgs({
  options: { quick: { type: "boolean", default: false }, only: { type: "string" } },
});
const wants = (part) => !args.only || args.only === part;
const extra = [args.quick ? "--quick" : "", args.only ? `--only ${args.only}` : ""].filter(Boolean).join(" ");
const command = `npm run bench${extra ? ` -- ${extra}` : ""}`;
const scale = args.quick ? 0.2 : 1;
const ALERTS = args.quick ? 20_000 : 100_000;
/** The floor's ingest posts for as many vehicles as FleetPulse's (the demo fleet's 100). */
const FLOOR_VEHICLES = 100;
/** Events per ingest batch: large enough that one tenant's webhook rate limit does not cap throughput. */
const INGEST_BATCH = 500;
/** A real fleet's batch: as many vehicles as events, one reading each (the demo fleet's 20 give each 25). */
const INGEST_FLEET = INGEST_BATCH;

const login = async (url, user) => (await api(url, "POST", "/api/auth/login", null, { tenant: "demo", ...user })).token;
const log = (line) => console.log(`[bench] ${line}`);

if (wants("hotpath")) await hotPath();
if (wants("scheduler")) await scheduler();
if (wants("model")) await edgeModel();
if (wants("analytics")) await analytics();
if (wants("pwa")) await pwa();
if (wants("readings")) await readings();
if (wants("cost")) await cost();
if (wants("saturation")) await saturation();

async function cost() {
  log("cost: billed units counted in workerd (test/workers/cost-counters.test.ts)");
  const counted = countedUnits();
  log(`  ${JSON.stringify(counted)}`);
  log("cost: CPU under wrangler dev");
  const cpu = await measuredCpu({ quick: args.quick, log: (line) => log(`  ${line}`) });
  const model = costModel(counted, cpu);
  log(`  $${model.batchedVehicleMonth.toFixed(4)} per vehicle-month batched, $${model.singleVehicleMonth.toFixed(4)} single-event`);
  log(`wrote ${writeSection("Cost model", costSection(counted, cpu, model, { command, machine: machine() }))}`);
}

async function saturation() {
  log("saturation: one TenantHub, batches of 10, 100 and 1,000");
  const config = raisedLimitConfig();
  const server = await startDevServer({ config: config.file });
  try {
    const { url, demo } = server;
    const manager = await login(url, { email: demo.users.manager.email, password: demo.users.manager.password });
    const vehicles = (await api(url, "GET", "/api/vehicles?limit=100", manager)).items;
    const ctx = { url, secret: demo.webhookSecret, slug: "demo", vehicles, seconds: args.quick ? 8 : 20 };
    await saturate({ ...ctx, batchSize: 100, seconds: 2 }); // warm-up: models loaded, state rows created
    const runs = [];
    for (const batchSize of [10, 100, 1000]) {
      const run = await saturate({ ...ctx, batchSize });
      log(
        `  batch ${batchSize}: ${run.eventsPerSecond} events/s, ${run.requestsPerSecond} requests/s, ${run.limited} limited, load ${run.loadAverage}`,
      );
      runs.push(run);
    }
    log(`wrote ${writeSection("Saturation of one TenantHub", saturationSection(runs, { command, machine: machine(), fmt }))}`);

    // Issue 18 point 6: the same tenant with its ingest over 1 and 4 shards, alternated so drift in the machine's load hits both.
    const admin = await login(url, { email: demo.users.admin.email, password: demo.users.admin.password });
    const sharded = [];
    const switches = [];
    for (const shards of [1, 4, 1, 4]) {
      // The change hands every moving vehicle's state to its new shard before it answers.
      const t0 = performance.now();
      await api(url, "PUT", "/api/settings", admin, { ingestShards: shards });
      switches.push({ shards, ms: +(performance.now() - t0).toFixed(1) });
      await saturate({ ...ctx, batchSize: 100, seconds: 2 }); // warm-up: re-homed vehicles' state and models
      for (const batchSize of [100, 1000]) {
        const run = await saturate({ ...ctx, batchSize });
        log(`  ${shards} shard(s), batch ${batchSize}: ${run.eventsPerSecond} events/s, load ${run.loadAverage}`);
        sharded.push({ shards, ...run });
      }
    }
    const { shardOf } = await loadTs("durable-objects/shards.ts");
    const balance = [0, 1, 2, 3].map((shard) => vehicles.filter((v) => shardOf(v.externalId, 4) === shard).length);
    log(`  vehicles per shard of 4: ${balance.join(", ")}`);
    log(
      `wrote ${writeSection("Ingest shards: 1 against 4", shardsSection(sharded, balance, switches, { command, machine: machine(), fmt }))}`,
    );
  } finally {
    await server.stop();
    config.remove();
  }
}

async function readings() {
  log("readings: DO storage per vehicle-day (workerd test), then the readings endpoint over a week of data");
  const storage = storagePerVehicleDay();
  log(`  steady ${storage.steadyBytesPerVehicleDay} bytes per vehicle-day`);
  const latency = await weekEndpointLatency({
    vehicleCount: args.quick ? 3 : 10,
    sequential: args.quick ? 100 : 300,
    concurrent: args.quick ? 10 : 30,
    clients: 10,
    log: (line) => log(`  ${line}`),
  });
  log(`  week p99 sequential ${latency.sequential.p99} ms, concurrent ${latency.concurrent.p99} ms`);
  log(`wrote ${writeSection("Readings store", readingsSection(storage, latency, { command, machine: machine(), fmt }))}`);
}

async function pwa() {
  log("pwa: first render of the Live alerts feed in Chromium");
  const persistDir = mkdtempSync(path.join(os.tmpdir(), "fleetpulse-bench-pwa-"));
  const server = await startDevServer({ persistDir });
  try {
    const result = await firstRender({
      url: server.url,
      tenant: server.demo.tenant,
      user: server.demo.users.manager,
      runs: args.quick ? 5 : 15,
      log: (line) => log(`  ${line}`),
    });
    log(`  cold median ${result.cold.p50} ms, warm median ${result.warm.p50} ms`);
    log(`wrote ${writeSection("PWA first render", firstRenderSection(result, { command, machine: machine() }))}`);
  } finally {
    await server.stop();
    rmSync(persistDir, { recursive: true, force: true });
  }
}

async function analytics() {
  log("analytics: endpoints over 1 M generated alerts");
  const result = await runAnalyticsBench({ quick: args.quick, log: (line) => log(`  ${line}`) });
  log(`wrote ${writeSection("Analytics", analyticsSection(result, { command, machine: machine() }))}`);
}

async function edgeModel() {
  log("edge model: scoring inside workerd, load time, bundle size with and without tfjs");
  const result = await runEdgeModelBench({ quick: args.quick, log: (line) => log(`  ${line}`) });
  log(`wrote ${writeSection("Edge model", edgeModelSection(result, { command, machine: machine() }))}`);
}

/**
 * The bare floor and the Socket.IO reference, each measured alone, before FleetPulse starts: a
 * FleetPulse runtime still draining its alerts' notification work would take their CPU (the floor's
 * ingest read half of what it reads alone when it ran after FleetPulse's latency runs).
 */
async function floorsAndReference(results, seqRun, concRun) {
  const floorServer = await startFloorServer();
  try {
    const floor = { ...floorServer, url: floorServer.runtime };
    results.floorSeq = await floorLatency({ ...floor, ...seqRun, prefix: "SEQ" });
    log(`  floor sequential ${fmt(results.floorSeq)}`);
    results.floorSeqProxy = await floorLatency({ ...floorServer, ...seqRun, prefix: "PROXY" });
    log(`  floor sequential through the dev proxy ${fmt(results.floorSeqProxy)}`);
    results.floorConc = await floorLatency({ ...floor, ...concRun, prefix: "CONC" });
    log(`  floor concurrent ${fmt(results.floorConc)}`);
    results.floorIngest = await ingestThroughput({
      ...floor,
      vehicles: Array.from({ length: FLOOR_VEHICLES }, (_, i) => ({ externalId: `F-${i}`, id: `F-${i}` })),
      concurrency: 8,
      batchSize: INGEST_BATCH,
      seconds: Math.max(5, Math.round(20 * scale)),
    });
    log(`  floor ingest ${results.floorIngest.eventsPerSecond} events/s`);
    // The list's bare floor: a same-size alert page from memory at the list's concurrency.
    results.listBareFloor = await listFloorLatency({
      url: floor.url,
      clients: 100,
      requestsPerClient: Math.round(30 * scale),
      kind: "bare",
    });
    log(`  floor list page ${fmt(results.listBareFloor)}`);
  } finally {
    await floorServer.stop();
  }

  const reference = await startReferenceServer();
  try {
    results.refSeq = await referenceLatency({ url: reference.url, ...seqRun, prefix: "SEQ" });
    log(`  reference sequential ${fmt(results.refSeq)}`);
    results.refConc = await referenceLatency({ url: reference.url, ...concRun, prefix: "CONC" });
    log(`  reference concurrent ${fmt(results.refConc)}`);
  } finally {
    await reference.close();
  }
}

/**
 * Sustained ingest as a real fleet's batches look (one event per vehicle), on a server of its own:
 * its vehicles would otherwise join the Overview's fleet list below, and its webhook calls the
 * demo tenant's limit (6,000 a minute, raised here as in the saturation runs).
 */
async function fleetIngest(results) {
  const config = raisedLimitConfig();
  const server = await startDevServer({ config: config.file });
  try {
    const url = server.runtime;
    const admin = await login(url, { email: server.demo.users.admin.email, password: server.demo.users.admin.password });
    log(`sustained ingest over ${INGEST_FLEET} vehicles, one event each per batch`);
    results.ingestFleet = await ingestThroughput({
      url,
      secret: server.demo.webhookSecret,
      slug: "demo",
      vehicles: await importBenchVehicles({ url, token: admin, prefix: "FLEET", count: INGEST_FLEET }),
      concurrency: 8,
      batchSize: INGEST_BATCH,
      seconds: Math.max(5, Math.round(20 * scale)),
    });
    log(`  ${results.ingestFleet.eventsPerSecond} events/s; batch latency ${fmt(results.ingestFleet.batchLatency)}`);
  } finally {
    await server.stop();
    config.remove();
  }
}

async function hotPath() {
  const persistDir = mkdtempSync(path.join(os.tmpdir(), "fleetpulse-bench-"));
  const results = {};
  // Every POST raises a NEW alert (a vehicle used once, DTC P0217, the default rules and
  // notification fan-out), measured beside the bare floor and the reference in this same run.
  const seqRun = { posters: 1, rounds: Math.round(300 * scale), warmup: 20 };
  const concRun = { posters: 20, rounds: Math.round(40 * scale), warmup: 5 };
  await floorsAndReference(results, seqRun, concRun);
  await fleetIngest(results);
  let server = await startDevServer({ persistDir });
  try {
    const { demo } = server;
    // Measured at the runtime itself, FleetPulse and the floor alike: wrangler's dev proxy in front of
    // it stalls on its own (scripts/lib/runtime-url.mjs); one sequential run each also goes through it.
    const url = server.runtime;
    const manager = await login(url, { email: demo.users.manager.email, password: demo.users.manager.password });
    const vehicles = (await api(url, "GET", "/api/vehicles?limit=100", manager)).items;
    const ctx = { url, secret: demo.webhookSecret, slug: "demo", token: manager, vehicles };

    const sessions = [];
    for (let i = 0; i < 8; i++) sessions.push(await login(url, { email: demo.users.admin.email, password: demo.users.admin.password }));
    log(`creating ${vehiclesNeeded(seqRun) + vehiclesNeeded(concRun)} vehicles for new alerts`);
    const fresh = new Map([
      ...(await createBenchVehicles({ url, tokens: sessions, prefix: "SEQ", count: vehiclesNeeded(seqRun) })),
      ...(await createBenchVehicles({ url, tokens: sessions, prefix: "CONC", count: vehiclesNeeded(concRun) })),
      ...(await createBenchVehicles({ url, tokens: sessions, prefix: "PROXY", count: vehiclesNeeded(seqRun) })),
    ]);
    // Sustained ingest gets vehicles of its own that nothing else has reported for, so its older
    // (6-day-old) event times are new to every rule clock on any version of the engine.
    const ingestVehicles = [...(await createBenchVehicles({ url, tokens: sessions, prefix: "ING", count: vehicles.length }))].map(
      ([externalId, id]) => ({ externalId, id }),
    );
    const fp = { ...ctx, vehiclesByExternal: fresh };
    log("new alert → socket: sequential");
    results.seq = await fleetpulseNewAlertLatency({ ...fp, ...seqRun, prefix: "SEQ" });
    log(`  ${fmt(results.seq)}`);
    log("new alert → socket: 20 concurrent posters");
    results.conc = await fleetpulseNewAlertLatency({ ...fp, ...concRun, prefix: "CONC" });
    log(`  ${fmt(results.conc)}`);
    log("new alert → socket: sequential, through wrangler's dev proxy");
    results.seqProxy = await fleetpulseNewAlertLatency({ ...fp, ...seqRun, url: server.url, prefix: "PROXY" });
    log(`  ${fmt(results.seqProxy)}`);

    log("alert raised → push received by the stand-in");
    results.push = await pushLatency({ ...ctx, vapidPublicKey: server.vars.VAPID_PUBLIC_KEY, rounds: Math.round(30 * scale) });
    log(`  ${fmt(results.push)}`);

    log(`sustained ingest, batches of ${INGEST_BATCH}`);
    results.ingestVehicles = ingestVehicles.length;
    results.ingest = await ingestThroughput({
      ...ctx,
      vehicles: ingestVehicles,
      concurrency: 8,
      batchSize: INGEST_BATCH,
      seconds: Math.max(5, Math.round(20 * scale)),
    });
    log(`  ${results.ingest.eventsPerSecond} events/s; batch latency ${fmt(results.ingest.batchLatency)}`);

    log(`seeding ${ALERTS} alerts`);
    const tenantId = (await api(url, "GET", "/api/me", manager)).tenantId;
    const vars = server.vars;
    await server.stop();
    seedAlerts({ persistDir, tenantId, vehicles, count: ALERTS });
    server = await startDevServer({ persistDir, vars, seed: false });
    const listUrl = server.runtime;
    // One session per simulated manager: the API limits requests per token (600 a minute).
    const credentials = { email: demo.users.manager.email, password: demo.users.manager.password };
    const tokens = [];
    for (let i = 0; i < 100; i++) tokens.push(await login(listUrl, credentials));
    await alertsListLatency({ url: listUrl, tokens, vehicles, clients: 10, requestsPerClient: 5 }); // warm-up
    results.list = await alertsListLatency({ url: listUrl, tokens, vehicles, clients: 100, requestsPerClient: Math.round(30 * scale) });
    log(`  GET /api/alerts at 100 concurrent over ${ALERTS}: ${fmt(results.list)}`);
    results.overview = await overviewLatency({ url: listUrl, tokens, clients: 100, requestsPerClient: Math.round(30 * scale) });
    log(`  the Overview's fleet list and open counts at 100 concurrent: ${fmt(results.overview)}`);
    results.fleetPage = (await api(listUrl, "GET", "/api/vehicles?limit=500", tokens[0])).items.length;
    results.listAppFloor = await listFloorLatency({
      url: listUrl,
      tokens,
      clients: 100,
      requestsPerClient: Math.round(30 * scale),
      kind: "app",
    });
    log(`  FleetPulse unknown /api path ${fmt(results.listAppFloor)}`);
  } finally {
    await server.stop();
    rmSync(persistDir, { recursive: true, force: true });
  }

  const ratio = (a, b) => (a / b).toFixed(2);
  const file = writeSection(
    "Hot path",
    `Command: \`${command}\` · Machine: ${machine()}, wrangler dev (workerd, local D1/DO) · client and server share the machine.

Every request below goes to the runtime that runs the Worker (FleetPulse's and the floor's alike), not through the reload proxy \`wrangler dev\` puts in front of it (a second workerd and wrangler's Node process, which stall on their own now and then: \`node bench/stall-probe.mjs\`); one sequential run each also goes through the proxy, the address \`npm start\` serves.

Latency: signed webhook POST raising a **new** alert (a vehicle used once, DTC P0217, default rules and notification fan-out) → that alert on a manager's WebSocket (p50 / p95 / p99 / max). Floor: a bare Worker + Durable Object under the same wrangler (\`bench/floor\`: HMAC check, RPC, broadcast on a hibernated WebSocket; no auth, storage or rules). Reference: the seed design's Fastify + Socket.IO (no auth, storage or rules).

| scenario | FleetPulse | bare floor | reference | p99 FleetPulse / floor (goal ≤ 1.5) |
|---|---|---|---|---|
| sequential | ${fmt(results.seq)} | ${fmt(results.floorSeq)} | ${fmt(results.refSeq)} | ${ratio(results.seq.p99, results.floorSeq.p99)} |
| 20 concurrent posters | ${fmt(results.conc)} | ${fmt(results.floorConc)} | ${fmt(results.refConc)} | ${ratio(results.conc.p99, results.floorConc.p99)} |
| sequential, through wrangler's dev proxy | ${fmt(results.seqProxy)} | ${fmt(results.floorSeqProxy)} | — | ${ratio(results.seqProxy.p99, results.floorSeqProxy.p99)} |

Notification: signed webhook POST raising a critical alert → the Web Push request received (and decrypted) by the local push-service stand-in: ${fmt(results.push)}. Path: rules in the object → its alarm syncs D1 and queues the job → local queue (\`max_batch_timeout = 0\`) → the consumer plans and sends inline.

Sustained ingest, one tenant, batches of ${INGEST_BATCH} events (one tenant may post 6,000 webhook calls a minute, so 100-event batches would cap it at 10 k events/s), all default rules, 8 concurrent posters: **${results.ingest.eventsPerSecond} events/s** (${results.ingest.events} events in ${results.ingest.seconds} s); batch latency ${fmt(results.ingest.batchLatency)}. The bare floor in the same run: ${results.floorIngest.eventsPerSecond} events/s, so FleetPulse keeps **${Math.round((100 * results.ingest.eventsPerSecond) / results.floorIngest.eventsPerSecond)} %** of the ceiling (goal ≥ 85 %). Those batches spread over ${results.ingestVehicles} vehicles (the demo fleet's count), ${Math.round(INGEST_BATCH / results.ingestVehicles)} events each; a real fleet's batch has one event per vehicle, so each vehicle's per-batch work (its risk, its journal) is paid per event: the same run over ${INGEST_FLEET} vehicles, one event each per batch: **${results.ingestFleet.eventsPerSecond} events/s** (${Math.round((100 * results.ingestFleet.eventsPerSecond) / results.floorIngest.eventsPerSecond)} % of the floor); batch latency ${fmt(results.ingestFleet.batchLatency)}.

\`GET /api/alerts\` with filters (status, severity+status, vehicle, type, full-text q, from) at 100 concurrent clients over ${ALERTS.toLocaleString("en")} alerts: ${fmt(results.list)} (goal p99 ≤ 25 ms). Floors at the same concurrency: bench/floor answering a same-size page from memory ${fmt(results.listBareFloor)}; FleetPulse answering an unknown /api path (middleware, no auth or storage) ${fmt(results.listAppFloor)}; p99 list / bare floor ${ratio(results.list.p99, results.listBareFloor.p99)}. Each client's first request (100 at once, tokens and pages new to the isolate) ${fmt(results.list.firsts)}; the rest ${fmt(results.list.rest)}. Per filter (p50 / p99): ${Object.entries(
      results.list.byKind,
    )
      .map(([kind, k]) => `${kind} ${k.p50} / ${k.p99}`)
      .join("; ")} ms.

The Overview's other reads at the same concurrency over the same data, turn by turn: the fleet list with each vehicle's risk (\`GET /api/vehicles?limit=500\`, ${results.fleetPage} vehicles a page: a D1 page and one call to the tenant's object) ${fmt(results.overview.byKind.vehicles)}; the open-alert counts (\`GET /api/alerts?status=open&limit=1\`) ${fmt(results.overview.byKind["open counts"])}.`,
  );
  log(`wrote ${file}`);
}

async function scheduler() {
  log("auto-scheduler: generated shops, and glpk.js optimum on small instances");
  const f = await runSchedulerBench({ quick: args.quick, log: (line) => log(`  ${line}`) });
  const speedRows = f.speed
    .map(
      (r) =>
        `| ${r.technicians} | ${r.bays} | ${r.workOrders} | ${r.wallMs} | ${r.cpuMs} | ${r.scheduled} | ${r.unscheduled} | ${r.violations} |`,
    )
    .join("\n");
  const q = f.quality;
  const quality = q.skipped
    ? `Quality: skipped (${q.skipped}).`
    : `Quality against glpk.js's exact optimum on ${q.instances.length} instances of ≤ 30 work orders: ${q.provenOptimal} proven optimal within the solver's time limit; on those the gap in priority-weighted lateness is mean ${q.meanGapPct} %, max ${q.maxGapPct} %, aggregate ${q.aggregateGapPct} % (goal ≤ 5 %: ${q.withinGoal}/${q.provenOptimal} within).`;
  const file = writeSection(
    "Auto-scheduler",
    `Command: \`${command}\` (or \`node bench/scheduler.mjs\`) · Machine: ${machine()} · the scheduler module the API uses, bundled with esbuild, run in Node.

| technicians | bays | work orders | wall ms (median) | CPU ms | scheduled | unscheduled | rule violations |
|---|---|---|---|---|---|---|---|
${speedRows}

Goal 2,000 work orders in < 1 s: ${f.goals.schedule2000UnderOneSecond}. ${quality}`,
  );
  log(`wrote ${file}`);
}
