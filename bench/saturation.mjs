// Saturation of one TenantHub (`npm run bench -- --only saturation`): how many events a second one
// tenant's object takes with batches of 10, 100 and 1,000 events, 8 posters, every default rule.
// The machine is shared and client and server run on it, so each figure comes with the load
// average it was measured under. Then the same tenant with its ingest over 1 and 4 shards (issue #18 point 6).
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { postTelemetry } from "../scripts/lib/telemetry-client.mjs";
import { SimVehicle } from "../scripts/sim/vehicle-model.mjs";
import { summarize } from "./lib/stats.mjs";

const ROOT = path.resolve(import.meta.dirname, "..");
const WEBHOOK_LIMIT = /(name = "WEBHOOK_RATE_LIMIT"\n[^\n]*\nsimple = \{ limit = )\d+/;

/**
 * wrangler.toml with the per-tenant webhook limit (6,000 calls a minute) raised, in the project
 * root as wrangler wants it: these runs measure the objects, and the limit capped them at
 * 100 requests a second. Returns the file's path and how to remove it.
 */
export function raisedLimitConfig() {
  const text = readFileSync(path.join(ROOT, "wrangler.toml"), "utf8");
  if (!WEBHOOK_LIMIT.test(text)) throw new Error("wrangler.toml: WEBHOOK_RATE_LIMIT not found");
  const file = path.join(ROOT, ".wrangler-bench.toml");
  writeFileSync(file, text.replace(WEBHOOK_LIMIT, "$110000000"));
  return { file, remove: () => rmSync(file, { force: true }) };
}

/**
 * Posts batches of `batchSize` from `concurrency` posters for `seconds`. A 429 (the tenant's
 * webhook rate limit, 6,000 calls a minute) is counted, not fatal: it says the limit, not the
 * object, capped the run.
 */
export async function saturate({ url, secret, slug, vehicles, batchSize, concurrency = 8, seconds }) {
  const fleet = vehicles.map((v, i) => new SimVehicle(v.externalId, i));
  let ts = Date.now() - 6 * 24 * 3600_000;
  const nextBatch = () => Array.from({ length: batchSize }, (_, i) => fleet[i % fleet.length].step((ts += 5)));
  const latencies = [];
  let events = 0;
  let limited = 0;
  const loadBefore = os.loadavg()[0];
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const batch = nextBatch();
        const t0 = performance.now();
        const res = await postTelemetry(url, slug, secret, batch);
        if (res.status === 429) {
          limited++;
          continue;
        }
        if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${res.body.slice(0, 300)}`);
        latencies.push(performance.now() - t0);
        events += batch.length;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return {
    batchSize,
    eventsPerSecond: Math.round(events / elapsed),
    requestsPerSecond: +(latencies.length / elapsed).toFixed(1),
    events,
    limited,
    seconds: +elapsed.toFixed(1),
    batchLatency: summarize(latencies),
    loadAverage: +((loadBefore + os.loadavg()[0]) / 2).toFixed(2),
  };
}

/** Least-squares line through (batch size, ms per accepted request): fixed cost per request and per event. */
function fitCosts(runs) {
  const points = runs.map((r) => [r.batchSize, 1000 / r.requestsPerSecond]);
  const mx = points.reduce((a, [x]) => a + x, 0) / points.length;
  const my = points.reduce((a, [, y]) => a + y, 0) / points.length;
  const slope = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0) / points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  const perEventMs = Math.max(slope, 1e-6);
  return { perEventMs, perRequestMs: Math.max(0, my - slope * mx), ceiling: Math.round(1000 / perEventMs) };
}

export function saturationSection(runs, { command, machine, fmt }) {
  const fit = fitCosts(runs);
  const rows = runs
    .map(
      (r) =>
        `| ${r.batchSize.toLocaleString("en")} | **${r.eventsPerSecond.toLocaleString("en")}** | ${r.requestsPerSecond} | ${fmt(r.batchLatency)} | ${r.limited ? `${r.limited} (rate limit)` : "0"} | ${r.loadAverage} |`,
    )
    .join("\n");
  return `Command: \`${command}\` · Machine: ${machine}, wrangler dev (workerd, local D1/DO) · client and server share the machine, which other work shared too: the load average (1 min, mean of start and end) is given per run.

One tenant, one \`TenantHub\`, 8 concurrent posters of signed batches, demo fleet, every default rule and the edge models, the per-tenant webhook rate limit (6,000 calls a minute) raised for the run (\`raisedLimitConfig\`: it capped these runs at 100 requests a second); each run ${runs[0]?.seconds ?? "?"} s on the same server, in this order.

| batch size | events/s | requests/s | batch latency p50 / p95 / p99 / max | 429 answers | load average |
|---|---|---|---|---|---|
${rows}

Seconds per accepted request against batch size, fitted by least squares: **${fit.perRequestMs.toFixed(1)} ms per request + ${fit.perEventMs.toFixed(3)} ms per event** (the Worker, the one object and the client all run on this machine under the load above, so this is the whole path's cost, an upper bound of the object's own): the ceiling for one tenant on this machine at this load is about ${fit.ceiling.toLocaleString("en")} events/s with large batches and ${Math.round(1000 / (fit.perRequestMs + fit.perEventMs)).toLocaleString("en")} single-event requests/s. Ingest sharded by vehicle: "Ingest shards: 1 against 4" below.`;
}

/** 1 shard against 4, alternated: events/s and batch latency per run, and the mean per shard count and batch size. */
export function shardsSection(runs, balance, switches, { command, machine, fmt }) {
  const rows = runs
    .map(
      (r) =>
        `| ${r.shards} | ${r.batchSize.toLocaleString("en")} | **${r.eventsPerSecond.toLocaleString("en")}** | ${fmt(r.batchLatency)} | ${r.limited} | ${r.loadAverage} |`,
    )
    .join("\n");
  const mean = (shards, batchSize) => {
    const of = runs.filter((r) => r.shards === shards && r.batchSize === batchSize);
    return Math.round(of.reduce((n, r) => n + r.eventsPerSecond, 0) / of.length);
  };
  const sizes = [...new Set(runs.map((r) => r.batchSize))];
  const summary = sizes
    .map(
      (size) =>
        `batches of ${size.toLocaleString("en")}: ${mean(1, size).toLocaleString("en")} events/s on 1 shard, ${mean(4, size).toLocaleString("en")} on 4 (${(mean(4, size) / mean(1, size)).toFixed(2)}×)`,
    )
    .join("; ");
  return `Command: \`${command}\` · Machine: ${machine}, wrangler dev (workerd, local D1/DO) · client and server share the machine.

The demo tenant's \`ingestShards\` set to 1 and 4 in turn (\`PUT /api/settings\`), 8 concurrent posters, every default rule and the edge models, the webhook rate limit raised as above, each run ${runs[0]?.seconds ?? "?"} s after a 2 s warm-up; runs in this order.

| shards | batch size | events/s | batch latency p50 / p95 / p99 / max | 429 answers | load average |
|---|---|---|---|---|---|
${rows}

Means: ${summary}.

Each change of the count (\`PUT /api/settings\`, which hands every moving vehicle's rolling state and open alerts to its new shard before it answers; the demo's ${balance.reduce((a, b) => a + b, 0)} vehicles, after the previous runs' telemetry): ${switches.map((s) => `to ${s.shards} in ${s.ms} ms`).join(", ")} (the first one is from the unsharded start, when nothing moves).

Under \`wrangler dev\` every object of the tenant runs in the one local workerd process on this 2-core machine, so 4 shards add a request per shard per batch and no parallelism: this says what sharding costs here, not what it gains on Cloudflare, where each object runs on its own. What it gains there follows from the split: the demo's ${balance.reduce((a, b) => a + b, 0)} vehicles fall ${balance.join(" / ")} over the 4 shards, so the busiest object takes ${Math.round((100 * Math.max(...balance)) / balance.reduce((a, b) => a + b, 0))} % of the events and the tenant's ceiling is about ${(balance.reduce((a, b) => a + b, 0) / Math.max(...balance)).toFixed(1)}× one object's ("Saturation of one TenantHub"), if the room keeps up with the alert events (a small share: one relay per batch that raised an alert).`;
}
