// GET /api/alerts with filters at N concurrent clients over a large seeded alert table.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ROOT, WRANGLER } from "../scripts/lib/dev-server.mjs";
import { summarize } from "./lib/stats.mjs";

const SEVERITIES = ["critical", "high", "medium", "low"];
const STATUSES = ["open", "acknowledged", "resolved"];
const TYPES = [
  ["engine_overheating", "Engine overheating"],
  ["low_oil_pressure", "Low oil pressure"],
  ["harsh_braking", "Harsh braking"],
  ["speeding", "Speeding"],
  ["diagnostic_trouble_code", "Diagnostic trouble code"],
];

/** Writes `count` alerts straight into the local D1 file (the FTS triggers index them). */
export function seedAlerts({ persistDir, tenantId, vehicles, count }) {
  const now = Date.now();
  const lines = [];
  for (let start = 0; start < count; start += 200) {
    const rows = [];
    for (let i = start; i < Math.min(count, start + 200); i++) {
      const v = vehicles[i % vehicles.length];
      const [type, name] = TYPES[i % TYPES.length];
      const severity = SEVERITIES[(i * 7) % 4];
      const status = STATUSES[(i * 13) % 3];
      const created = now - (count - i) * 25_000;
      rows.push(
        `('bench_${String(i).padStart(7, "0")}','${tenantId}',${i + 1},'${v.id}',NULL,'${type}','${severity}','${status}','${name} on ${v.name}: value ${i % 997}',${i % 997},1,0,${created},${created},NULL,NULL,NULL,NULL,NULL,NULL)`,
      );
    }
    lines.push(
      `INSERT INTO alerts (id,tenant_id,seq,vehicle_id,rule_id,type,severity,status,message,value,occurrences,silenced,created_at,last_seen_at,acknowledged_at,acknowledged_by,resolved_at,resolved_by,snoozed_until,note) VALUES ${rows.join(",")};`,
    );
  }
  const file = path.join(tmpdir(), `fleetpulse-bench-alerts-${process.pid}.sql`);
  writeFileSync(file, lines.join("\n"));
  const result = spawnSync(WRANGLER, ["d1", "execute", "DB", "--local", "--persist-to", persistDir, "--file", file, "--yes"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, CI: "true" },
  });
  if (result.status !== 0) throw new Error(`seeding alerts failed:\n${result.stdout}\n${result.stderr}`);
}

/** The list's filters as the bench's clients send them, turn by turn, each named for the per-filter figures. */
const listQueries = (vehicles) => [
  ["status", () => "?status=open&limit=50"],
  ["severity+status", () => `?severity=${SEVERITIES[Math.floor(Math.random() * 4)]}&status=open&limit=50`],
  ["vehicle", () => `?vehicleId=${vehicles[Math.floor(Math.random() * vehicles.length)].id}&limit=50`],
  ["type", () => "?type=harsh_braking&limit=50"],
  ["q", () => "?q=overheating&limit=50"],
  ["from", () => `?from=${new Date(Date.now() - 86_400_000).toISOString()}&limit=50`],
];

/**
 * `clients` concurrent loops of `requestsPerClient` GETs each; `pathOf(client, i)` names the
 * request and `check(status, body)` that its answer is the one meant (a bench must not time failures).
 * `kindOf(client, i)`, when given, names the request's kind: the summary then has `byKind` too.
 */
async function concurrentGets({ url, tokens, clients, requestsPerClient, pathOf, check, kindOf }) {
  const samples = [];
  // Each client's first request apart: 100 of them arrive at once on an isolate that has not yet
  // checked those tokens or read those pages, and make most of a run's p99 (BENCHMARKS.md, session 21).
  const firsts = [];
  const rest = [];
  const byKind = {};
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = 0; i < requestsPerClient; i++) {
        const path = pathOf(c, i);
        const t0 = performance.now();
        const headers = tokens ? { authorization: `Bearer ${tokens[c % tokens.length]}` } : {};
        const res = await fetch(`${url}${path}`, { headers });
        const body = await res.json();
        if (!check(res.status, body)) throw new Error(`GET ${path} → ${res.status}`);
        const ms = performance.now() - t0;
        samples.push(ms);
        (i === 0 ? firsts : rest).push(ms);
        if (kindOf) (byKind[kindOf(c, i)] ??= []).push(ms);
      }
    }),
  );
  const summary = summarize(samples);
  summary.firsts = summarize(firsts);
  summary.rest = summarize(rest);
  if (kindOf) summary.byKind = Object.fromEntries(Object.entries(byKind).map(([k, s]) => [k, summarize(s)]));
  return summary;
}

/** `tokens`: one per simulated user (the API limits requests per token, as it would for 100 real people). */
export function alertsListLatency({ url, tokens, vehicles, clients, requestsPerClient }) {
  const queries = listQueries(vehicles);
  return concurrentGets({
    url,
    tokens,
    clients,
    requestsPerClient,
    pathOf: (c, i) => `/api/alerts${queries[(c + i) % queries.length][1]()}`,
    kindOf: (c, i) => queries[(c + i) % queries.length][0],
    check: (status, body) => status === 200 && Array.isArray(body.items),
  });
}

/**
 * The Overview's other reads at the same concurrency (app/src/overview-data.ts): the fleet list
 * with each vehicle's risk (`/api/vehicles?limit=500`: D1 page + one call to the tenant's object)
 * and the open-alert counts (`/api/alerts?status=open&limit=1`), turn by turn.
 */
export function overviewLatency({ url, tokens, clients, requestsPerClient }) {
  const reads = [
    ["vehicles", "/api/vehicles?limit=500"],
    ["open counts", "/api/alerts?status=open&limit=1"],
  ];
  return concurrentGets({
    url,
    tokens,
    clients,
    requestsPerClient,
    pathOf: (c, i) => reads[(c + i) % reads.length][1],
    kindOf: (c, i) => reads[(c + i) % reads.length][0],
    check: (status, body) => status === 200 && Array.isArray(body.items),
  });
}

/**
 * The list's floors at the same concurrency: `bare` is bench/floor's Worker answering a same-size
 * alert page from memory (runtime + wrangler's proxy + JSON, nothing else); `app` is FleetPulse
 * itself answering an unknown /api path with the same tokens (its middleware — request id,
 * security headers, rate limit — and a problem JSON, but no auth check or storage).
 */
export function listFloorLatency({ url, tokens, clients, requestsPerClient, kind }) {
  return concurrentGets({
    url,
    tokens: kind === "app" ? tokens : null,
    clients,
    requestsPerClient,
    pathOf: () => (kind === "app" ? "/api/bench-floor" : "/api/alerts?status=open&limit=50"),
    check: (status, body) => (kind === "app" ? status === 404 && body.status === 404 : status === 200 && body.items.length === 50),
  });
}
