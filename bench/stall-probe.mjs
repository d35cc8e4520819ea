#!/usr/bin/env node
// Where the sequential tail comes from: `node bench/stall-probe.mjs [posts]` posts one new alert at a
// time (bench/latency.mjs's sequential run) and prints each slow post's time since the run began, its POST
// response time and its socket time, so stalls can be matched to the periodic work behind them.
import { startDevServer } from "../scripts/lib/dev-server.mjs";
import { api } from "./lib/api.mjs";
import { createBenchVehicles, fleetpulseNewAlertLatency } from "./latency.mjs";
import { pushLatency } from "./push-latency.mjs";

const posts = Number(process.argv[2] ?? 300);
const server = await startDevServer({});
try {
  const { url, demo } = server;
  const token = (await api(url, "POST", "/api/auth/login", null, { tenant: "demo", ...demo.users.manager })).token;
  // Vehicles are created over several sessions: one session's writes are rate-limited.
  const tokens = [];
  for (let i = 0; i < Math.ceil(posts / 250); i++)
    tokens.push((await api(url, "POST", "/api/auth/login", null, { tenant: "demo", ...demo.users.admin })).token);
  const fresh = await createBenchVehicles({ url, tokens, prefix: "STL", count: posts });
  // As bench/before-after.mjs runs it: the push scenario first, its grouped pushes due behind it.
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
  const trace = [];
  const run = { posters: 1, rounds: posts, warmup: 0, prefix: "STL", trace };
  await fleetpulseNewAlertLatency({ url, secret: demo.webhookSecret, slug: "demo", token, vehiclesByExternal: fresh, ...run });
  for (const r of trace.sort((a, b) => b.socket - a.socket).slice(0, 12))
    console.log(`${r.key} at ${(r.at / 1000).toFixed(1)} s: response ${r.response.toFixed(0)} ms, socket ${r.socket.toFixed(0)} ms`);
} finally {
  await server.stop();
}
