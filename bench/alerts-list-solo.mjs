#!/usr/bin/env node
// `node bench/alerts-list-solo.mjs [--alerts 20000] [--clients 100] [--requests 10]`: the alert-list
// part of the hot-path bench alone (fresh wrangler dev, demo tenant, alerts seeded straight into
// local D1), for before/after comparisons of list changes without running the whole bench.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startDevServer } from "../scripts/lib/dev-server.mjs";
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
const persistDir = mkdtempSync(path.join(os.tmpdir(), "fleetpulse-list-"));
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
  const result = await alertsListLatency({
    url: server.url,
    tokens,
    vehicles,
    clients: Number(args.clients),
    requestsPerClient: Number(args.requests),
  });
  console.log(`GET /api/alerts at ${args.clients} concurrent over ${args.alerts} alerts: ${fmt(result)}`);
} finally {
  await server.stop();
  rmSync(persistDir, { recursive: true, force: true });
}
