#!/usr/bin/env node
// Profiles the Worker under the alert-list load (bench/alerts-list.mjs) through workerd's
// inspector and prints the functions with the most self time, like bench/profile-ingest.mjs.
// Usage: node bench/profile-list.mjs [--alerts 20000] [--clients 100] [--requests 10]
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startDevServer } from "../scripts/lib/dev-server.mjs";
import { startProfilers } from "./lib/inspector.mjs";
import { alertsListLatency, seedAlerts } from "./alerts-list.mjs";
import { api } from "./lib/api.mjs";
import { fmt } from "./lib/stats.mjs";

const { values: args } = parseArgs({
  options: {
    alerts: { type: "string", default: "20000" },
    clients: { type: "string", default: "100" },
    requests: { type: "string", default: "10" },
  },
});
const persistDir = mkdtempSync(path.join(os.tmpdir(), "fleetpulse-list-profile-"));
let server = await startDevServer({ persistDir });
try {
  const { url, demo } = server;
  const credentials = { tenant: "demo", email: demo.users.manager.email, password: demo.users.manager.password };
  const manager = (await api(url, "POST", "/api/auth/login", null, credentials)).token;
  const vehicles = (await api(url, "GET", "/api/vehicles?limit=100", manager)).items;
  const tenantId = (await api(url, "GET", "/api/me", manager)).tenantId;
  const vars = server.vars;
  await server.stop();
  seedAlerts({ persistDir, tenantId, vehicles, count: Number(args.alerts) });
  server = await startDevServer({ persistDir, vars, seed: false });
  const tokens = [];
  for (let i = 0; i < Number(args.clients); i++) tokens.push((await api(server.url, "POST", "/api/auth/login", null, credentials)).token);
  await alertsListLatency({ url: server.url, tokens, vehicles, clients: 10, requestsPerClient: 5 }); // warm-up
  const sessions = await startProfilers(server.inspectorPort);
  const t0 = performance.now();
  const result = await alertsListLatency({
    url: server.url,
    tokens,
    vehicles,
    clients: Number(args.clients),
    requestsPerClient: Number(args.requests),
  });
  const wallMs = performance.now() - t0;
  console.log(`list while profiling: ${fmt(result)}; ${result.n} requests in ${(wallMs / 1000).toFixed(1)} s`);
  const totals = new Map();
  for (const s of sessions) {
    const { profile } = await s.send("Profiler.stop");
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    profile.samples.forEach((id, i) => {
      const frame = byId.get(id).callFrame;
      const key = `${frame.functionName || "(anonymous)"} ${frame.url.split("/").slice(-2).join("/")}:${frame.lineNumber + 1}`;
      totals.set(key, (totals.get(key) ?? 0) + profile.timeDeltas[i] / 1000);
    });
  }
  const busy = [...totals].filter(([k]) => !k.startsWith("(idle)"));
  const busyMs = busy.reduce((a, [, ms]) => a + ms, 0);
  console.log(
    `Worker isolate busy ${busyMs.toFixed(0)} ms = ${(busyMs / result.n).toFixed(2)} ms per request (idle ${(totals.get("(idle) :0") ?? 0).toFixed(0)} ms)`,
  );
  for (const [name, ms] of busy.sort((a, b) => b[1] - a[1]).slice(0, 40)) {
    console.log(`${((ms / busyMs) * 100).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(6)} ms  ${name}`);
  }
} finally {
  await server.stop();
  rmSync(persistDir, { recursive: true, force: true });
}
