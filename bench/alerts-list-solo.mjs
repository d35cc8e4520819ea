#!/usr/bin/env node
// `node bench/alerts-list-solo.mjs [--alerts 20000] [--clients 100] [--requests 10]`: the alert-list
// part of the hot-path bench alone (fresh wrangler dev, demo tenant, alerts seeded straight into
// local D1), for before/after comparisons of list changes without running the whole bench. The
// same run measures the list's floors at the same concurrency (bench/alerts-list.mjs
// `listFloorLatency`): FleetPulse answering an unknown /api path, and bench/floor's bare Worker
// answering a same-size page, each started only while the other server is stopped.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startDevServer } from "../scripts/lib/dev-server.mjs";
import { alertsListLatency, listFloorLatency, overviewLatency, seedAlerts } from "./alerts-list.mjs";
import { startFloorServer } from "./floor/server.mjs";
import { api } from "./lib/api.mjs";
import { fmt } from "./lib/stats.mjs";

const { values: args } = parseArgs({
  options: {
    alerts: { type: "string", default: "20000" },
    clients: { type: "string", default: "100" },
    requests: { type: "string", default: "10" },
  },
});
const clients = Number(args.clients);
const requestsPerClient = Number(args.requests);
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(", ");
const log = (line) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

const persistDir = mkdtempSync(path.join(os.tmpdir(), "fleetpulse-list-"));
let server = await startDevServer({ persistDir });
const results = {};
try {
  const { url, demo } = server;
  const credentials = { tenant: "demo", email: demo.users.manager.email, password: demo.users.manager.password };
  const manager = (await api(url, "POST", "/api/auth/login", null, credentials)).token;
  const vehicles = (await api(url, "GET", "/api/vehicles?limit=100", manager)).items;
  const tenantId = (await api(url, "GET", "/api/me", manager)).tenantId;
  const vars = server.vars;
  await server.stop();
  const seedStart = performance.now();
  seedAlerts({ persistDir, tenantId, vehicles, count: Number(args.alerts) });
  log(`seeded ${args.alerts} alerts in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
  server = await startDevServer({ persistDir, vars, seed: false });
  // At the runtime, as npm run bench measures the list: wrangler's dev proxy stalls on its own (BENCHMARKS.md).
  const listUrl = server.runtime;
  const tokens = [];
  for (let i = 0; i < clients; i++) tokens.push((await api(listUrl, "POST", "/api/auth/login", null, credentials)).token);
  await alertsListLatency({ url: listUrl, tokens, vehicles, clients: 10, requestsPerClient: 5 }); // warm-up
  log(`load before the list: ${load()}`);
  results.list = await alertsListLatency({ url: listUrl, tokens, vehicles, clients, requestsPerClient });
  log(`GET /api/alerts at ${clients} concurrent over ${args.alerts} alerts: ${fmt(results.list)}`);
  log(`  each client's first request: ${fmt(results.list.firsts)}; the rest: ${fmt(results.list.rest)}`);
  for (const [kind, s] of Object.entries(results.list.byKind)) log(`  ${kind}: ${fmt(s)}`);
  // One client at a time: what a request costs without queueing behind the others.
  // Each one-client run with a token of its own: 300 requests on one token would meet the API's rate limit (600 a minute).
  results.listSeq = await alertsListLatency({ url: listUrl, tokens: [tokens[1]], vehicles, clients: 1, requestsPerClient: 300 });
  log(`GET /api/alerts, one client: ${fmt(results.listSeq)}`);
  for (const [kind, s] of Object.entries(results.listSeq.byKind)) log(`  ${kind}: ${fmt(s)}`);
  results.overview = await overviewLatency({ url: listUrl, tokens, clients, requestsPerClient });
  log(`the Overview's fleet list and open counts at ${clients} concurrent (${vehicles.length} vehicles): ${fmt(results.overview)}`);
  for (const [kind, s] of Object.entries(results.overview.byKind)) log(`  ${kind}: ${fmt(s)}`);
  await listFloorLatency({ url: listUrl, tokens, clients: 10, requestsPerClient: 5, kind: "app" }); // warm-up
  results.app = await listFloorLatency({ url: listUrl, tokens, clients, requestsPerClient, kind: "app" });
  log(`floor, FleetPulse unknown /api path (no auth, no storage): ${fmt(results.app)}`);
  results.appSeq = await listFloorLatency({ url: listUrl, tokens: [tokens[2]], clients: 1, requestsPerClient: 300, kind: "app" });
  log(`  one client: ${fmt(results.appSeq)}`);
} finally {
  await server.stop();
  rmSync(persistDir, { recursive: true, force: true });
}
const floor = await startFloorServer();
try {
  await listFloorLatency({ url: floor.runtime, clients: 10, requestsPerClient: 5, kind: "bare" }); // warm-up
  results.bare = await listFloorLatency({ url: floor.runtime, clients, requestsPerClient, kind: "bare" });
  log(`floor, bare Worker same-size page: ${fmt(results.bare)}`);
  results.bareSeq = await listFloorLatency({ url: floor.runtime, clients: 1, requestsPerClient: 300, kind: "bare" });
  log(`  one client: ${fmt(results.bareSeq)}`);
} finally {
  await floor.stop();
}
const ratio = (a, b) => (a / b).toFixed(1);
log(`load after: ${load()}`);
console.log(
  `| request | ${clients} concurrent (p50 / p95 / p99 / max) | one client |\n|---|---|---|\n` +
    `| GET /api/alerts | ${fmt(results.list)} | ${fmt(results.listSeq)} |\n` +
    `| floor: FleetPulse, unknown /api path | ${fmt(results.app)} | ${fmt(results.appSeq)} |\n` +
    `| floor: bare Worker, same-size page | ${fmt(results.bare)} | ${fmt(results.bareSeq)} |\n` +
    `p99 list / bare floor ${ratio(results.list.p99, results.bare.p99)}×, list / app floor ${ratio(results.list.p99, results.app.p99)}×`,
);
