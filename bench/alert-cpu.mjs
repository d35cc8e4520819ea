#!/usr/bin/env node
// workerd CPU per new alert (sequential posts, each raising a new alert with the default fan-out,
// its notification work settled), and the latency to the manager's socket, for one tree:
// `node bench/alert-cpu.mjs [tree] [posts]`. The figure the host's noise moves least, for
// attributing the cost of an alert to its parts (BENCHMARKS.md).
import path from "node:path";
import { workerdCpuSeconds } from "./lib/workerd-cpu.mjs";

const root = path.resolve(process.argv[2] ?? ".");
const rounds = Number(process.argv[3] ?? 200);
const { startDevServer } = await import(`${root}/scripts/lib/dev-server.mjs`);
const { api } = await import(`${root}/bench/lib/api.mjs`);
const { fmt } = await import(`${root}/bench/lib/stats.mjs`);
const { createBenchVehicles, fleetpulseNewAlertLatency, vehiclesNeeded } = await import(`${root}/bench/latency.mjs`);
const server = await startDevServer();
try {
  const { url, demo } = server;
  const manager = (await api(url, "POST", "/api/auth/login", null, { tenant: "demo", ...demo.users.manager })).token;
  const run = { posters: 1, rounds, warmup: 20 };
  const fresh = await createBenchVehicles({ url, tokens: [manager], prefix: "CPU", count: vehiclesNeeded(run) });
  const before = workerdCpuSeconds();
  const latency = await fleetpulseNewAlertLatency({
    url,
    secret: demo.webhookSecret,
    slug: "demo",
    token: manager,
    vehiclesByExternal: fresh,
    prefix: "CPU",
    ...run,
  });
  await new Promise((r) => setTimeout(r, 35_000)); // grouped pushes are due 30 s after their alert
  const cpu = (1000 * (workerdCpuSeconds() - before)) / (rounds + run.warmup);
  console.log(JSON.stringify({ tree: root, seq: fmt(latency), cpuMsPerAlert: +cpu.toFixed(1) }));
} finally {
  await server.stop();
}
