#!/usr/bin/env node
// Where the sequential tail comes from: `node bench/stall-probe.mjs [posts]` posts one new alert at a
// time through wrangler's dev proxy (bench/latency.mjs's sequential run) while two loops ask an unknown
// /api path (the Worker's middleware only: no object, no storage) every 15 ms, one through the proxy and
// one at the runtime itself (scripts/lib/runtime-url.mjs). Each slow post is printed
// with the slowest of those asks that overlapped it: a stall both show is the runtime's, one only the
// proxy shows is the dev proxy's (BENCHMARKS.md, "The sequential tail is the dev proxy's").
// PUSH=1 runs the push scenario first, as bench/before-after.mjs does.
import { startDevServer } from "../scripts/lib/dev-server.mjs";
import { api } from "./lib/api.mjs";
import { createBenchVehicles, fleetpulseNewAlertLatency } from "./latency.mjs";
import { pushLatency } from "./push-latency.mjs";

const posts = Number(process.argv[2] ?? 300);
const server = await startDevServer({});

/** Asks `path` at each base every 15 ms, each base in a loop of its own, until `stop()`; returns every ask. */
function askLoop(bases, path) {
  const asks = [];
  let running = true;
  const loops = bases.map(async (base) => {
    while (running) {
      const start = performance.now();
      await (await fetch(`${base}${path}`)).arrayBuffer();
      asks.push({ base, start, ms: performance.now() - start });
      await new Promise((r) => setTimeout(r, 15));
    }
  });
  return async () => {
    running = false;
    await Promise.all(loops);
    return asks;
  };
}

try {
  const { url, runtime, demo } = server;
  const token = (await api(url, "POST", "/api/auth/login", null, { tenant: "demo", ...demo.users.manager })).token;
  // Vehicles are created over several sessions: one session's writes are rate-limited.
  const tokens = [];
  for (let i = 0; i < Math.ceil(posts / 250); i++)
    tokens.push((await api(url, "POST", "/api/auth/login", null, { tenant: "demo", ...demo.users.admin })).token);
  const fresh = await createBenchVehicles({ url, tokens, prefix: "STL", count: posts });
  if (process.env.PUSH) {
    const vehicles = (await api(url, "GET", "/api/vehicles?limit=100", token)).items;
    await pushLatency({
      url,
      secret: demo.webhookSecret,
      slug: "demo",
      token,
      vehicles,
      vapidPublicKey: server.vars.VAPID_PUBLIC_KEY,
      rounds: 20,
    });
  }
  const stopAsking = askLoop([url, runtime], "/api/stall-probe");
  const trace = [];
  const run = { posters: 1, rounds: posts, warmup: 0, prefix: "STL", trace };
  await fleetpulseNewAlertLatency({ url, secret: demo.webhookSecret, slug: "demo", token, vehiclesByExternal: fresh, ...run });
  const asks = await stopAsking();
  const slowest = (base, from, to) =>
    Math.max(0, ...asks.filter((a) => a.base === base && a.start < to && a.start + a.ms > from).map((a) => a.ms));
  for (const r of trace.sort((a, b) => b.socket - a.socket).slice(0, 12)) {
    const [from, to] = [r.start, r.start + r.socket];
    console.log(
      `${r.key} at ${(r.at / 1000).toFixed(1)} s: response ${r.response.toFixed(0)} ms, socket ${r.socket.toFixed(0)} ms;` +
        ` slowest overlapping ask through the proxy ${slowest(url, from, to).toFixed(0)} ms, at the runtime ${slowest(runtime, from, to).toFixed(0)} ms`,
    );
  }
} finally {
  await server.stop();
}
