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
const { fmt } = await import(`${root}/bench/lib/stats.mjs`);
const { sequentialNewAlerts } = await import(`${root}/bench/latency.mjs`);
const server = await startDevServer();
try {
  const warmup = 20;
  const { latency, context: before } = await sequentialNewAlerts(server, {
    rounds,
    warmup,
    prefix: "CPU",
    beforeRun: async () => workerdCpuSeconds(server.pid),
  });
  await new Promise((r) => setTimeout(r, 35_000)); // grouped pushes are due 30 s after their alert
  const cpu = (1000 * (workerdCpuSeconds(server.pid) - before)) / (rounds + warmup);
  console.log(JSON.stringify({ tree: root, seq: fmt(latency), cpuMsPerAlert: +cpu.toFixed(1) }));
} finally {
  await server.stop();
}
