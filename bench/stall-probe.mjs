#!/usr/bin/env node
// Where the sequential tail comes from: `node bench/stall-probe.mjs [posts]` posts one new alert at a
// time (as bench/latency.mjs does) and prints each slow post's time since the run began, its POST
// response time and its socket time, so stalls can be matched to the periodic work behind them.
import WebSocket from "ws";
import { startDevServer } from "../scripts/lib/dev-server.mjs";
import { postTelemetry } from "../scripts/lib/telemetry-client.mjs";
import { api } from "./lib/api.mjs";
import { createBenchVehicles } from "./latency.mjs";
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
  const ws = new WebSocket(`${url.replace("http", "ws")}/api/live`, [`bearer.${token}`]);
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  const externalOf = new Map([...fresh].map(([externalId, id]) => [id, externalId]));
  const waiting = new Map();
  ws.on("message", (data) => {
    const message = JSON.parse(data.toString());
    if (message.type === "alert") waiting.get(externalOf.get(message.alert.vehicleId))?.(performance.now());
  });
  const t0 = performance.now();
  const rows = [];
  for (let i = 0; i < posts; i++) {
    const key = `STL-${i}`;
    const arrived = new Promise((resolve) => waiting.set(key, resolve));
    const started = performance.now();
    const event = { vehicleId: key, ts: new Date().toISOString(), readings: { speedKph: 50 }, dtc: ["P0217"] };
    const responded = postTelemetry(url, demo.slug ?? "demo", demo.webhookSecret, [event]).then(() => performance.now());
    const [answer, socket] = await Promise.all([responded, arrived]);
    rows.push({ i, at: (started - t0) / 1000, post: answer - started, socket: socket - started });
  }
  const sorted = [...rows].sort((a, b) => b.socket - a.socket);
  for (const r of sorted.slice(0, 12))
    console.log(`post ${r.i} at ${r.at.toFixed(1)} s: response ${r.post.toFixed(0)} ms, socket ${r.socket.toFixed(0)} ms`);
  ws.close();
} finally {
  await server.stop();
}
