// Readings benchmark (`npm run bench -- --only readings`, or `node bench/readings.mjs [--quick]`):
// 1. Durable Object storage per vehicle-day at one reading every 10 s with retention applied: the
//    workerd test test/workers/readings-storage.test.ts simulates the days (it moves the clock,
//    which wrangler dev cannot) and prints the object's own `databaseSize` after each day.
// 2. GET /api/vehicles/:id/readings?hours=168 latency over a week of 10-second readings, against
//    wrangler dev, timed from this process.
import { spawnSync } from "node:child_process";
import os from "node:os";
import { pathToFileURL } from "node:url";
import { ROOT, startDevServer } from "../scripts/lib/dev-server.mjs";
import { postTelemetry } from "../scripts/lib/telemetry-client.mjs";
import { SimVehicle } from "../scripts/sim/vehicle-model.mjs";
import { api } from "./lib/api.mjs";
import { summarize } from "./lib/stats.mjs";

const DAY = 86_400_000;
const STEP = 10_000;
const BATCH = 1000;

/** Runs the storage simulation in workerd and returns the figures it printed. */
export function storagePerVehicleDay() {
  const result = spawnSync("npx", ["vitest", "run", "--project", "workers", "test/workers/readings-storage.test.ts"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, CI: "true" },
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = `${result.stdout}\n${result.stderr}`.split("\n").find((l) => l.includes("READINGS_STORAGE "));
  if (result.status !== 0 || !line)
    throw new Error(`readings-storage test failed:\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-2000)}`);
  return JSON.parse(line.slice(line.indexOf("READINGS_STORAGE ") + "READINGS_STORAGE ".length));
}

/** A week of readings every 10 s for `vehicleCount` vehicles, then the readings endpoint's latency over it. */
export async function weekEndpointLatency({ vehicleCount, sequential, concurrent, clients, log = () => {} }) {
  const server = await startDevServer();
  try {
    const { url, demo } = server;
    const login = async () =>
      (
        await api(url, "POST", "/api/auth/login", null, {
          tenant: "demo",
          email: demo.users.manager.email,
          password: demo.users.manager.password,
        })
      ).token;
    const token = await login();
    const vehicles = (await api(url, "GET", "/api/vehicles?limit=100", token)).items.slice(0, vehicleCount);
    const fleet = vehicles.map((v, i) => new SimVehicle(v.externalId, i));
    // Late events may be up to 7 days old: the week starts just inside that.
    const end = Date.now();
    let ts = end - 7 * DAY + 10 * 60_000;
    let events = 0;
    const started = performance.now();
    while (ts < end) {
      const batch = [];
      for (; batch.length + fleet.length <= BATCH && ts < end; ts += STEP) for (const v of fleet) batch.push(v.step(ts, STEP / 1000));
      const res = await postTelemetry(url, "demo", demo.webhookSecret, batch);
      if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${res.body.slice(0, 300)}`);
      events += batch.length;
    }
    log(`ingested ${events} events (${vehicleCount} vehicles × 7 days) in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const get = async (bearer, vehicle, hours = 168) => {
      const t0 = performance.now();
      const res = await fetch(`${url}/api/vehicles/${vehicle.id}/readings?hours=${hours}`, {
        headers: { authorization: `Bearer ${bearer}` },
      });
      const body = await res.json();
      const ms = performance.now() - t0;
      if (res.status !== 200 || !Array.isArray(body.points)) throw new Error(`readings → ${res.status}`);
      return { ms, points: body.points.length, resolutionSeconds: body.resolutionSeconds };
    };
    // One session per client, and the sequential runs spread over them: the API limits requests per
    // token (600 a minute), which 600 fast sequential requests on one token would meet.
    const tokens = [];
    for (let i = 0; i < clients; i++) tokens.push(await login());
    const tokenOf = (i) => tokens[i % tokens.length];
    for (let i = 0; i < 10; i++) await get(token, vehicles[i % vehicles.length]); // warm-up
    const loadBefore = os.loadavg()[0];
    // Interleaved with a one-hour window (60 points) on the same path: the floor under the same machine load.
    const seq = [];
    const hour = [];
    let shape;
    for (let i = 0; i < sequential; i++) {
      const r = await get(tokenOf(i), vehicles[i % vehicles.length]);
      seq.push(r.ms);
      shape = r;
      hour.push((await get(tokenOf(i), vehicles[i % vehicles.length], 1)).ms);
    }
    const conc = [];
    await Promise.all(
      tokens.map(async (bearer, c) => {
        for (let i = 0; i < concurrent; i++) conc.push((await get(bearer, vehicles[(c + i) % vehicles.length])).ms);
      }),
    );
    return {
      events,
      vehicleCount,
      points: shape.points,
      resolutionSeconds: shape.resolutionSeconds,
      sequential: summarize(seq),
      hourWindow: summarize(hour),
      concurrent: summarize(conc),
      clients,
      loadAverage: [loadBefore, os.loadavg()[0]].map((l) => l.toFixed(1)),
    };
  } finally {
    await server.stop();
  }
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

export function readingsSection(storage, latency, { command, machine, fmt }) {
  const d = storage.defaults;
  const atDefaults = storage.footprintBytesPerVehicle + (d.readingsDays - storage.days) * storage.steadyBytesPerVehicleDay;
  return `Command: \`${command}\` · Machine: ${machine}.

**Storage per vehicle-day** (workerd test \`test/workers/readings-storage.test.ts\`: ${storage.vehicles} vehicles, ${storage.readingsPerVehicleDay} readings per vehicle-day (one every 10 s, twelve readings each), ${storage.days} simulated days through the signed webhook in ${storage.batchEvents}-event batches, the retention job at each day's end, the object's \`ctx.storage.sql.databaseSize\` read after it; windows: raw events ${storage.rawDays} days (set for the run; the default ${d.rawTelemetryDays} keeps the raw events of rule previews' 7 days and adds roughly the first-day figure less the buckets per extra raw day to the footprint, not to the steady growth), 1-minute buckets 2 days then 5-minute, readings ${d.readingsDays} days):

| measure | per vehicle |
|---|---|
| first day (raw events + minute buckets + state, nothing past a window yet) | ${kb(storage.firstDayBytesPerVehicle)} |
| **each further day once retention is steady (days ${storage.days - 1}–${storage.days})** (goal ≤ 200 KB) | **${kb(storage.steadyBytesPerVehicleDay)}** |
| object size after ${storage.days} days | ${mb(storage.footprintBytesPerVehicle)} |
| projected at the default ${d.readingsDays}-day readings window (size after ${storage.days} days + steady growth) | ${mb(atDefaults)} (500 vehicles: ${((atDefaults * 500) / 1024 ** 3).toFixed(2)} GiB of the 10 GB a Durable Object may hold) |

Database size by day (bytes, ${storage.vehicles} vehicles): ${storage.databaseSizeByDay.join(", ")}.

**\`GET /api/vehicles/:id/readings?hours=168\`** over a week of readings every 10 s (${latency.vehicleCount} vehicles, ${latency.events.toLocaleString("en")} events ingested through the signed webhook under wrangler dev; ${latency.points} points per answer at ${latency.resolutionSeconds / 60}-minute resolution): p50 / p95 / p99 / max:

| request | latency |
|---|---|
| week (\`hours=168\`), sequential | ${fmt(latency.sequential)} |
| one hour (\`hours=1\`, 60 points), sequential, interleaved with the above: the floor of the same path | ${fmt(latency.hourWindow)} |
| week, ${latency.clients} concurrent clients (one object serves them in turn) | ${fmt(latency.concurrent)} |

Machine load average (1 min) during the timed part: ${latency.loadAverage.join(" → ")} on ${os.cpus().length} cores (the machine was shared; figures under load are inflated).`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes("--quick");
  const { machine, writeSection } = await import("./lib/report.mjs");
  const { fmt } = await import("./lib/stats.mjs");
  const storage = storagePerVehicleDay();
  const latency = await weekEndpointLatency({
    vehicleCount: quick ? 3 : 10,
    sequential: quick ? 100 : 300,
    concurrent: quick ? 10 : 30,
    clients: 10,
    log: console.log,
  });
  const command = `node bench/readings.mjs${quick ? " --quick" : ""}`;
  console.log(writeSection("Readings store", readingsSection(storage, latency, { command, machine: machine(), fmt })));
}
