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

/** `tokens`: one per simulated user (the API limits requests per token, as it would for 100 real people). */
export async function alertsListLatency({ url, tokens, vehicles, clients, requestsPerClient }) {
  const queries = [
    () => "?status=open&limit=50",
    () => `?severity=${SEVERITIES[Math.floor(Math.random() * 4)]}&status=open&limit=50`,
    () => `?vehicleId=${vehicles[Math.floor(Math.random() * vehicles.length)].id}&limit=50`,
    () => "?type=harsh_braking&limit=50",
    () => "?q=overheating&limit=50",
    () => `?from=${new Date(Date.now() - 86_400_000).toISOString()}&limit=50`,
  ];
  const samples = [];
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = 0; i < requestsPerClient; i++) {
        const query = queries[(c + i) % queries.length]();
        const t0 = performance.now();
        const res = await fetch(`${url}/api/alerts${query}`, { headers: { authorization: `Bearer ${tokens[c % tokens.length]}` } });
        const body = await res.json();
        if (res.status !== 200 || !Array.isArray(body.items)) throw new Error(`GET /api/alerts${query} → ${res.status}`);
        samples.push(performance.now() - t0);
      }
    }),
  );
  return summarize(samples);
}
