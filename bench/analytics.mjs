// `npm run bench -- --only analytics`: the analytics endpoints' latency over 1 M generated alerts
// (100 k with --quick) in one tenant, under wrangler dev with local D1. The alerts are generated
// inside SQLite by one recursive-CTE INSERT (no 1 M-row SQL file), with every trigger and index
// of the real schema (FTS, facet counts) firing, so the seeding time is reported too.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT, WRANGLER, startDevServer } from "../scripts/lib/dev-server.mjs";
import { fmt, summarize } from "./lib/stats.mjs";
import { api } from "./lib/api.mjs";

const DAY = 86_400_000;
const SPAN_DAYS = 90;
const TYPES = ["engine_overheating", "low_oil_pressure", "harsh_braking", "speeding", "diagnostic_trouble_code", "low_battery"];
const SEVERITIES = ["critical", "high", "medium", "low"];

/** One INSERT … SELECT over a recursive counter: `count` alerts spread evenly over the last 90 days. */
export function seedSql({ tenantId, vehicleIds, count, now }) {
  const json = (list) => `'${JSON.stringify(list).replaceAll("'", "''")}'`;
  const spacing = Math.floor((SPAN_DAYS * DAY) / count);
  return `INSERT INTO alerts (id, tenant_id, seq, vehicle_id, rule_id, type, severity, status, message, value, occurrences, silenced, created_at, last_seen_at, acknowledged_at, resolved_at)
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${count - 1})
SELECT printf('bench_a_%07d', i), '${tenantId}', i + 1,
  json_extract(${json(vehicleIds)}, '$[' || (i % ${vehicleIds.length}) || ']'),
  NULL,
  json_extract(${json(TYPES)}, '$[' || (i % ${TYPES.length}) || ']'),
  json_extract(${json(SEVERITIES)}, '$[' || ((i * 7) % 4) || ']'),
  CASE (i * 13) % 3 WHEN 0 THEN 'open' WHEN 1 THEN 'acknowledged' ELSE 'resolved' END,
  'Bench alert ' || i, i % 997, 1, 0,
  ${now} - (${count} - i) * ${spacing}, ${now} - (${count} - i) * ${spacing},
  CASE WHEN (i * 13) % 3 > 0 THEN ${now} - (${count} - i) * ${spacing} + ((i * 37) % 3600) * 1000 END,
  CASE WHEN (i * 13) % 3 = 2 THEN ${now} - (${count} - i) * ${spacing} + ((i * 53) % 86400) * 1000 END
FROM n;`;
}

function seedAlerts({ persistDir, ...rest }) {
  const file = path.join(os.tmpdir(), `fleetpulse-bench-analytics-${process.pid}.sql`);
  writeFileSync(file, seedSql(rest));
  const t0 = performance.now();
  const result = spawnSync(WRANGLER, ["d1", "execute", "DB", "--local", "--persist-to", persistDir, "--file", file, "--yes"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, CI: "true" },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`seeding alerts failed:\n${result.stdout}\n${result.stderr}`);
  return Math.round((performance.now() - t0) / 100) / 10;
}

async function latency(url, token, query, rounds) {
  const samples = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const res = await fetch(`${url}${query}`, { headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`GET ${query} → ${res.status}`);
    samples.push(performance.now() - t0);
  }
  return summarize(samples);
}

export async function runAnalyticsBench({ quick = false, log = console.log } = {}) {
  const count = quick ? 100_000 : 1_000_000;
  const rounds = quick ? 10 : 30;
  const persistDir = mkdtempSync(path.join(os.tmpdir(), "fleetpulse-bench-analytics-"));
  let server = await startDevServer({ persistDir });
  try {
    const { demo } = server;
    const credentials = { tenant: "demo", email: demo.users.manager.email, password: demo.users.manager.password };
    let token = (await api(server.url, "POST", "/api/auth/login", null, credentials)).token;
    const vehicles = (await api(server.url, "GET", "/api/vehicles?limit=100", token)).items;
    const tenantId = (await api(server.url, "GET", "/api/me", token)).tenantId;
    const vars = server.vars;
    await server.stop();

    log(`seeding ${count.toLocaleString("en")} alerts over ${SPAN_DAYS} days with one recursive-CTE INSERT`);
    const now = Date.now();
    const seedSeconds = seedAlerts({ persistDir, tenantId, vehicleIds: vehicles.map((v) => v.id), count, now });
    log(`  ${seedSeconds} s`);

    server = await startDevServer({ persistDir, vars, seed: false });
    token = (await api(server.url, "POST", "/api/auth/login", null, credentials)).token;
    const iso = (ms) => new Date(ms).toISOString();
    const perDay = Math.round(count / SPAN_DAYS);
    const cases = [
      ["alerts, 30 days by UTC day", `/api/analytics/alerts?bucket=day&from=${iso(now - 30 * DAY)}&to=${iso(now)}`, 30 * perDay],
      [
        "alerts, 7 days by hour, America/New_York",
        `/api/analytics/alerts?bucket=hour&from=${iso(now - 7 * DAY)}&to=${iso(now)}&timeZone=America/New_York`,
        7 * perDay,
      ],
      [
        "alerts, all 90 days by day, Asia/Kolkata",
        `/api/analytics/alerts?bucket=day&from=${iso(now - 91 * DAY)}&to=${iso(now + 1)}&timeZone=Asia/Kolkata`,
        count,
      ],
      ["maintenance, 30 days", `/api/analytics/maintenance`, 0],
      ["predictive, 90 days", `/api/analytics/predictive`, 0],
      ["alerts.csv, last day (streamed)", `/api/reports/alerts.csv?from=${iso(now - DAY)}&to=${iso(now)}`, perDay],
    ];
    const results = [];
    // The whole table must be counted: a check that the seed and the rollups agree.
    const all = await api(server.url, "GET", cases[2][1], token);
    if (all.totals.all !== count) throw new Error(`analytics counted ${all.totals.all} of ${count} alerts`);
    log(
      `  90-day totals: ${all.totals.all} alerts, ${all.totals.acknowledged} acknowledged, MTTA ${Math.round(all.mttaSeconds)} s, p90 ${all.p90TtaSeconds} s (approximate: ${all.p90Approximate})`,
    );
    for (const [name, query, alerts] of cases) {
      await latency(server.url, token, query, 2); // warm-up
      const stats = await latency(server.url, token, query, rounds);
      log(`  ${name}: ${fmt(stats)}`);
      results.push({ name, query: query.split("?")[0], alerts, stats });
    }
    return {
      count,
      seedSeconds,
      results,
      load: os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" / "),
    };
  } finally {
    await server.stop();
    rmSync(persistDir, { recursive: true, force: true });
  }
}

export function analyticsSection(result, { command, machine }) {
  const rows = result.results
    .map((r) => `| ${r.name} | \`${r.query}\` | ${r.alerts ? `~${r.alerts.toLocaleString("en")}` : "—"} | ${fmt(r.stats)} |`)
    .join("\n");
  return `Command: \`${command}\` · Machine: ${machine}, wrangler dev (workerd, local D1) · sequential requests from a client on the same machine.

${result.count.toLocaleString("en")} alerts in one tenant, spread over ${SPAN_DAYS} days (2/3 acknowledged, 1/3 resolved), generated inside SQLite by one recursive-CTE \`INSERT … SELECT\` through \`wrangler d1 execute --file\` with every trigger of the schema firing (FTS index, facet counts, analytics rollups): **${result.seedSeconds} s** to seed.

| query | path | alerts in range | p50 / p95 / p99 / max |
|---|---|---|---|
${rows}

Alert analytics read trigger-kept rollups (15-minute slots × severity, UTC days × vehicle / rule, a per-day latency histogram) for the whole slots and days of the period and the alerts themselves only for the partial slot or day at either end, so the cost follows the period's length, not the number of alerts; bucket boundaries are computed in JS for the zone. With more than 10,000 acknowledged (resolved) alerts in the period, p90 comes from the histogram (two significant digits). Load average on the shared machine during the run: ${result.load}.`;
}
