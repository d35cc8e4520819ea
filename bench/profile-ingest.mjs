#!/usr/bin/env node
// Profiles the Worker + Durable Object under sustained ingest through workerd's inspector
// (Chrome DevTools protocol) and prints the functions with the most self time.
// Usage: node bench/profile-ingest.mjs [seconds] [batchSize] (100 by default; the hot-path bench posts 500)
// WARM=<seconds> ingests that long before profiling, so the profile shows optimised code.
// FLEET=<n> spreads the events over n vehicles of their own (500: one event per vehicle per batch,
// as a real fleet's batches look; the demo fleet's 20 otherwise).
import { startDevServer } from "../scripts/lib/dev-server.mjs";
import { startProfilers } from "./lib/inspector.mjs";
import { ingestThroughput } from "./ingest.mjs";
import { createBenchVehicles, importBenchVehicles } from "./latency.mjs";
import { raisedLimitConfig } from "./saturation.mjs";

const seconds = Number(process.argv[2] ?? 10);
const batchSize = Number(process.argv[3] ?? 100);
// The tenant's webhook limit (6,000 calls a minute) would cap a long run.
const config = raisedLimitConfig();
const server = await startDevServer({ inspect: true, config: config.file });
try {
  const manager = await (
    await fetch(`${server.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ tenant: "demo", ...server.demo.users.manager }),
    })
  ).json();
  const vehicles = (
    await (await fetch(`${server.url}/api/vehicles?limit=100`, { headers: { authorization: `Bearer ${manager.token}` } })).json()
  ).items;
  const fleet = (prefix) => importBenchVehicles({ url: server.url, token: manager.token, prefix, count: Number(process.env.FLEET) });
  const run = { url: server.url, secret: server.demo.webhookSecret, slug: "demo", vehicles, concurrency: 8, batchSize };
  if (process.env.FLEET) run.vehicles = await fleet("FLEET");
  if (process.env.WARM) {
    console.log(`${(await ingestThroughput({ ...run, seconds: Number(process.env.WARM) })).eventsPerSecond} events/s warming`);
    // Vehicles of their own for the profiled run: the warm-up's would get late events (event time starts 6 days back again).
    if (process.env.FLEET) run.vehicles = await fleet("PROF");
    else {
      const fresh = await createBenchVehicles({ url: server.url, tokens: [manager.token], prefix: "PROF", count: 20 });
      run.vehicles = [...fresh].map(([externalId, id]) => ({ externalId, id }));
    }
  }
  const sessions = await startProfilers(server.inspectorPort);
  const result = await ingestThroughput({ ...run, seconds });
  console.log(`${result.eventsPerSecond} events/s while profiling`);
  const totals = new Map();
  /** Each key's frame, so an anonymous function can be shown by its source line (the dev bundle is gone once wrangler stops). */
  const frames = new Map();
  for (const s of sessions) {
    const { profile } = await s.send("Profiler.stop");
    const dt = profile.timeDeltas.reduce((a, b) => a + b, 0) / Math.max(1, profile.samples.length);
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    for (const id of profile.samples) {
      const frame = byId.get(id).callFrame;
      const key = `${frame.functionName || "(anonymous)"} ${frame.url.split("/").slice(-2).join("/")}:${frame.lineNumber + 1}`;
      totals.set(key, (totals.get(key) ?? 0) + dt / 1000);
      frames.set(key, { ...frame, session: s });
    }
  }
  const all = [...totals.values()].reduce((a, b) => a + b, 0);
  const sources = new Map();
  for (const s of sessions) await s.send("Debugger.enable");
  for (const [name, ms] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
    console.log(
      `${((ms / all) * 100).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(6)} ms  ${name}${await sourceLine(frames.get(name), sources)}`,
    );
  }
} finally {
  await server.stop();
  config.remove();
}

/** The frame's source line, trimmed (the scripts' sources through the inspector: the dev bundle is gone once wrangler stops). */
async function sourceLine(frame, sources) {
  if (!frame?.scriptId || frame.scriptId === "0") return "";
  const ofSession = sources.get(frame.session) ?? new Map();
  sources.set(frame.session, ofSession);
  if (!ofSession.has(frame.scriptId)) {
    const { scriptSource } = (await frame.session.send("Debugger.getScriptSource", { scriptId: frame.scriptId })) ?? {};
    ofSession.set(frame.scriptId, scriptSource?.split("\n") ?? []);
  }
  return `  | ${(ofSession.get(frame.scriptId)[frame.lineNumber] ?? "").trim().slice(0, 110)}`;
}
