#!/usr/bin/env node
// `node bench/fleet-list-solo.mjs [tree] [vehicles]`: the Overview's fleet list (`GET
// /api/vehicles?limit=500`, each vehicle with its risk) against the tree at `tree` (this checkout
// by default, or an older commit's worktree), on the demo tenant grown to `vehicles` vehicles
// (540 by default) through the API: one client 200 times in a row, then 100 concurrent clients
// alternating it with the open-alert counts as the Overview does (bench/alerts-list.mjs
// `overviewLatency`). For before/after comparisons of the fleet list without the whole bench.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(process.argv[2] ?? path.join(here, ".."));
const fleetSize = Number(process.argv[3] ?? 540);
const { startDevServer } = await import(`${root}/scripts/lib/dev-server.mjs`);
const { api } = await import(`${root}/bench/lib/api.mjs`);
const { createBenchVehicles } = await import(`${root}/bench/latency.mjs`);
const { overviewLatency } = await import(`${root}/bench/alerts-list.mjs`);
const { fmt, summarize } = await import(`${root}/bench/lib/stats.mjs`);

const result = { tree: root, loadStart: os.loadavg()[0] };
const persistDir = mkdtempSync(path.join(os.tmpdir(), "fp-fleet-"));
const server = await startDevServer({ persistDir });
try {
  const url = server.runtime;
  const credentials = { tenant: "demo", email: server.demo.users.manager.email, password: server.demo.users.manager.password };
  const tokens = [];
  for (let i = 0; i < 100; i++) tokens.push((await api(url, "POST", "/api/auth/login", null, credentials)).token);
  const have = (await api(url, "GET", "/api/vehicles?limit=500", tokens[0])).items.length;
  const admin = (await api(url, "POST", "/api/auth/login", null, { tenant: "demo", ...server.demo.users.admin })).token;
  await createBenchVehicles({ url, tokens: [admin], prefix: "FLEET", count: Math.max(0, fleetSize - have) });
  const seq = [];
  for (let i = 0; i < 220; i++) {
    const t0 = performance.now();
    const res = await fetch(`${url}/api/vehicles?limit=500`, { headers: { authorization: `Bearer ${tokens[i % 100]}` } });
    const body = await res.json();
    if (res.status !== 200 || body.items.length !== 500) throw new Error(`fleet list answered ${res.status}`);
    if (i >= 20) seq.push(performance.now() - t0); // the first 20 warm the isolate
  }
  result.oneClient = fmt(summarize(seq));
  const overview = await overviewLatency({ url, tokens, clients: 100, requestsPerClient: 10 });
  result.concurrent = fmt(overview.byKind.vehicles);
} finally {
  await server.stop();
  rmSync(persistDir, { recursive: true, force: true });
}
result.loadEnd = os.loadavg()[0];
console.log(JSON.stringify(result));
