// Cost model (`npm run bench -- --only cost`): what one vehicle costs a month on Cloudflare's
// Workers Paid plan, from measured units.
// 1. Billed units, counted in workerd by test/workers/cost-counters.test.ts (Worker and Durable
//    Object requests, the object's SQLite rows read/written from its cursors, D1 rows from D1's
//    `meta`, queue messages) for 100-event batches, single-event webhooks, new alerts and the
//    object's periodic alarm jobs.
// 2. CPU time, measured under wrangler dev: the CPU the dev server's processes (wrangler and
//    workerd: one process group) spend on the same traffic, less their idle rate. That includes
//    the local simulation of D1, the object's storage and the queue, so it is an upper bound of
//    the CPU Cloudflare bills.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import { ROOT, startDevServer } from "../scripts/lib/dev-server.mjs";
import { postTelemetry } from "../scripts/lib/telemetry-client.mjs";
import { api } from "./lib/api.mjs";
import { createBenchVehicles } from "./latency.mjs";

/**
 * Workers Paid prices per unit beyond the monthly inclusions (the model prices every unit, so it
 * holds for an account past them): developers.cloudflare.com/workers/platform/pricing,
 * /durable-objects/platform/pricing, /d1/platform/pricing, /queues/platform/pricing.
 */
export const PRICES = {
  workerRequest: 0.3 / 1e6,
  workerCpuMs: 0.02 / 1e6,
  doRequest: 0.15 / 1e6,
  doGbSecond: 12.5 / 1e6,
  doRowRead: 0.001 / 1e6,
  doRowWritten: 1.0 / 1e6,
  d1RowRead: 0.001 / 1e6,
  d1RowWritten: 1.0 / 1e6,
  /** A message is written, read and deleted: 3 operations of ≤ 64 KB each. */
  queueOperation: 0.4 / 1e6,
};

/** The workload the goal is stated for. */
export const WORKLOAD = { secondsPerReading: 10, batchSize: 100, alertsPerVehicleMonth: 20, vehiclesPerTenant: 100 };
const MONTH_SECONDS = 30 * 86_400;

/** Runs the workerd counters and returns what they printed. */
export function countedUnits() {
  const result = spawnSync("npx", ["vitest", "run", "--project", "workers", "test/workers/cost-counters.test.ts"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, CI: "true" },
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = `${result.stdout}\n${result.stderr}`.split("\n").find((l) => l.includes("COST_COUNTERS "));
  if (result.status !== 0 || !line)
    throw new Error(`cost-counters test failed:\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-2000)}`);
  const counted = JSON.parse(line.slice(line.indexOf("COST_COUNTERS ") + "COST_COUNTERS ".length));
  const writes = `${result.stdout}\n${result.stderr}`.split("\n").find((l) => l.includes("COST_DO_WRITES "));
  if (writes) counted.doWritesBatched = JSON.parse(writes.slice(writes.indexOf("COST_DO_WRITES ") + "COST_DO_WRITES ".length));
  const continuing = `${result.stdout}\n${result.stderr}`.split("\n").find((l) => l.includes("COST_CONTINUING_WRITES "));
  if (continuing)
    counted.continuingWrites = JSON.parse(
      continuing.slice(continuing.indexOf("COST_CONTINUING_WRITES ") + "COST_CONTINUING_WRITES ".length),
    );
  return counted;
}

/** CPU milliseconds used so far by every process of the process group `pgid` (utime + stime). */
function groupCpuMs(pgid) {
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== pgid) continue; // field 5 of stat: the process group
      total += (Number(fields[11]) + Number(fields[12])) * tick; // fields 14, 15: utime, stime
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function reading(vehicleId, ts, dtc = []) {
  return {
    vehicleId,
    ts: new Date(ts).toISOString(),
    readings: {
      speedKph: 62,
      rpm: 1730,
      engineTempC: 90,
      coolantTempC: 86,
      oilPressureKpa: 320,
      batteryV: 13.9,
      fuelPct: 55,
      odometerKm: 40_000,
      engineHours: 1_200,
      accelG: 0.01,
      lat: 52.52,
      lon: 13.4,
    },
    dtc,
  };
}

/** CPU-ms per 1,000 events (batched and single) and per new alert, under wrangler dev. */
export async function measuredCpu({ quick, log = () => {} }) {
  const server = await startDevServer();
  try {
    const { url, demo, pid } = server;
    const login = async () =>
      (
        await api(url, "POST", "/api/auth/login", null, {
          tenant: "demo",
          email: demo.users.admin.email,
          password: demo.users.admin.password,
        })
      ).token;
    const token = await login();
    const send = async (events) => {
      const res = await postTelemetry(url, "demo", demo.webhookSecret, events);
      if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${res.body.slice(0, 300)}`);
    };
    const fleet = [...(await createBenchVehicles({ url, tokens: [token, await login()], prefix: "COST", count: 100 })).keys()];
    const alertVehicles = [...(await createBenchVehicles({ url, tokens: [token], prefix: "COSTA", count: quick ? 10 : 20 })).keys()];
    let ts = Date.now() - 2 * 86_400_000;
    await send(fleet.map((id) => reading(id, ts))); // first contact
    await pause(3000);

    const idleWindow = 5000;
    const idleStart = groupCpuMs(pid);
    await pause(idleWindow);
    const idlePerMs = (groupCpuMs(pid) - idleStart) / idleWindow;
    log(`idle: ${(idlePerMs * 1000).toFixed(1)} CPU-ms/s`);

    /** CPU of `run` plus a settle period for deferred work (alarm, queue), less the idle rate. */
    const cpuOf = async (run, settleMs = 3000) => {
      const cpu0 = groupCpuMs(pid);
      const t0 = performance.now();
      await run();
      await pause(settleMs);
      return groupCpuMs(pid) - cpu0 - idlePerMs * (performance.now() - t0);
    };

    const batches = quick ? 20 : 100;
    const batched = await cpuOf(async () => {
      for (let i = 0; i < batches; i++) {
        ts += 10_000;
        await send(fleet.map((id) => reading(id, ts)));
      }
    });
    const singles = quick ? 300 : 1000;
    const single = await cpuOf(async () => {
      for (let i = 0; i < singles; i++) {
        if (i % fleet.length === 0) ts += 10_000;
        await send([reading(fleet[i % fleet.length], ts)]);
      }
    });
    const alerts = await cpuOf(async () => {
      for (const id of alertVehicles) {
        await send([reading(id, ts, ["P0217"])]);
        await pause(250); // each alert on its own, as they arrive in a month
      }
    }, 5000);
    const result = {
      loadAverage: os.loadavg()[0],
      idleCpuMsPerSecond: +(idlePerMs * 1000).toFixed(1),
      batchedPer1000: +((batched / (batches * fleet.length)) * 1000).toFixed(1),
      singlePer1000: +((single / singles) * 1000).toFixed(1),
      perAlert: +((alerts - (single / singles) * alertVehicles.length) / alertVehicles.length).toFixed(1),
      events: { batched: batches * fleet.length, single: singles, alerts: alertVehicles.length },
    };
    log(`CPU-ms: ${JSON.stringify(result)}`);
    return result;
  } finally {
    await server.stop();
  }
}

const per = (counts, n, k = 1) => Object.fromEntries(Object.entries(counts).map(([key, v]) => [key, (v / n) * k]));

function dollars(units, cpuMs, doSeconds = 0) {
  return (
    units.workerRequests * PRICES.workerRequest +
    cpuMs * PRICES.workerCpuMs +
    units.doRequests * PRICES.doRequest +
    doSeconds * 0.128 * PRICES.doGbSecond +
    units.doRowsRead * PRICES.doRowRead +
    units.doRowsWritten * PRICES.doRowWritten +
    units.d1RowsRead * PRICES.d1RowRead +
    units.d1RowsWritten * PRICES.d1RowWritten +
    units.queueMessages * 3 * PRICES.queueOperation
  );
}

/** Dollars per vehicle per month from the counted units and the measured CPU. */
export function costModel(counted, cpu) {
  const readingsPerMonth = MONTH_SECONDS / WORKLOAD.secondsPerReading;
  const batched = per(counted.batched.counts, counted.batched.events, 1000);
  const single = per(counted.single.counts, counted.single.events, 1000);
  const alertRun = per(counted.alerts.counts, counted.alerts.alerts);
  // An alert's own cost: its run less the single-event webhook it came in (counted with the events).
  const alert = Object.fromEntries(Object.entries(alertRun).map(([k, v]) => [k, Math.max(0, v - single[k] / 1000)]));
  // An open alert's update (its episode going on): each run less its single-event webhook, as above.
  const updateRun = per(counted.continuing.counts, counted.continuing.events);
  const update = Object.fromEntries(Object.entries(updateRun).map(([k, v]) => [k, Math.max(0, v - single[k] / 1000)]));
  // The tenant object's periodic jobs: maintenance each minute, engagement + stale deliveries each 5 min, retention hourly.
  const m = counted.periodicMinute.counts;
  const f = counted.periodicFiveMinutes.counts;
  const h = counted.periodicHour.counts;
  const periodicTenantMonth = Object.fromEntries(
    Object.keys(m).map((k) => [
      k,
      (MONTH_SECONDS / 60) * m[k] + (MONTH_SECONDS / 300) * Math.max(0, f[k] - m[k]) + (MONTH_SECONDS / 3600) * Math.max(0, h[k] - f[k]),
    ]),
  );
  const periodicVehicle = per(periodicTenantMonth, WORKLOAD.vehiclesPerTenant);
  const eventsCost = (unitsPer1000, cpuPer1000) => (readingsPerMonth / 1000) * dollars(unitsPer1000, cpuPer1000);
  const alertsCost = WORKLOAD.alertsPerVehicleMonth * dollars(alert, cpu.perAlert);
  const periodicCost = dollars(periodicVehicle, 0);
  const breakdown = (unitsPer1000, cpuPer1000) => {
    const e = readingsPerMonth / 1000;
    return {
      workerRequests: e * unitsPer1000.workerRequests * PRICES.workerRequest,
      cpu: e * cpuPer1000 * PRICES.workerCpuMs,
      doRequests: e * unitsPer1000.doRequests * PRICES.doRequest,
      doRowsWritten: e * unitsPer1000.doRowsWritten * PRICES.doRowWritten,
      doRowsRead: e * unitsPer1000.doRowsRead * PRICES.doRowRead,
      d1: e * (unitsPer1000.d1RowsWritten * PRICES.d1RowWritten + unitsPer1000.d1RowsRead * PRICES.d1RowRead),
      queue: e * unitsPer1000.queueMessages * 3 * PRICES.queueOperation,
    };
  };
  return {
    readingsPerMonth,
    batched,
    single,
    alert,
    update,
    /** An alert open for an hour of readings every WORKLOAD.secondsPerReading s: its updates' units priced (CPU not measured for them). */
    alertHour: (3600 / WORKLOAD.secondsPerReading) * dollars(update, 0),
    periodicTenantMonth,
    batchedVehicleMonth: eventsCost(batched, cpu.batchedPer1000) + alertsCost + periodicCost,
    singleVehicleMonth: eventsCost(single, cpu.singlePer1000) + alertsCost + periodicCost,
    parts: {
      batchedEvents: eventsCost(batched, cpu.batchedPer1000),
      singleEvents: eventsCost(single, cpu.singlePer1000),
      alerts: alertsCost,
      periodic: periodicCost,
      batchedBreakdown: breakdown(batched, cpu.batchedPer1000),
      singleBreakdown: breakdown(single, cpu.singlePer1000),
    },
  };
}

const n = (v, d = 2) => (v >= 100 ? Math.round(v).toLocaleString("en") : +v.toFixed(d)).toString();
const usd = (v) => `$${v < 0.0001 ? v.toExponential(1) : v.toFixed(4)}`;

export function costSection(counted, cpu, model, { command, machine }) {
  const { doWritesBatched = {}, continuingWrites = {}, ...scenarios } = counted;
  counted = scenarios;
  const events = counted.batched.events;
  const topWrites = Object.entries(doWritesBatched)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([statement, rows]) => `\`${statement}…\` ${(rows / events).toFixed(3)}`)
    .join(", ");
  // The issue's writes goal (≤ 0.05 object rows per event) in place of the measured rows, all else as measured.
  const GOAL_ROWS = 0.05;
  const atWritesGoal =
    model.batchedVehicleMonth - model.parts.batchedBreakdown.doRowsWritten + model.readingsPerMonth * GOAL_ROWS * PRICES.doRowWritten;
  const row = (label, u, cpuMs) =>
    `| ${label} | ${n(u.workerRequests)} | ${cpuMs} | ${n(u.doRequests)} | ${n(u.doRowsRead)} | ${n(u.doRowsWritten)} | ${n(u.d1RowsRead)} | ${n(u.d1RowsWritten)} | ${n(u.queueMessages * 3)} |`;
  const b = model.parts.batchedBreakdown;
  const s = model.parts.singleBreakdown;
  const goal = 0.02;
  return `Command: \`${command}\` · Machine: ${machine} · units counted in workerd (\`test/workers/cost-counters.test.ts\`: the object's cursors' \`rowsRead\`/\`rowsWritten\`, D1's \`meta.rows_read\`/\`rows_written\`, RPC calls on the hub and alarm runs, queue messages); CPU measured under wrangler dev as the CPU time of its process group (wrangler + workerd, local D1, storage and queue included: an upper bound) less its idle rate, load average ${cpu.loadAverage.toFixed(2)}.

| per | Worker requests | CPU-ms | DO requests | DO rows read | DO rows written | D1 rows read | D1 rows written | queue operations |
|---|---|---|---|---|---|---|---|---|
${row("1,000 events, batches of 100", model.batched, cpu.batchedPer1000)}
${row("1,000 events, one per webhook", model.single, cpu.singlePer1000)}
${row("new alert (beyond its event)", model.alert, cpu.perAlert)}
${row("update of an open alert (its episode going on, beyond its event)", model.update, "—")}
${row("tenant-month of periodic alarm jobs", model.periodicTenantMonth, "—")}

Prices (Workers Paid, beyond the monthly inclusions, so the model holds for an account past them): Workers $0.30 per million requests and $0.02 per million CPU-ms ([Workers pricing](https://developers.cloudflare.com/workers/platform/pricing/)); Durable Objects $0.15 per million requests (RPC calls and alarm runs count), $12.50 per million GB-s, SQLite storage $0.001 per million rows read and $1.00 per million rows written ([Durable Objects pricing](https://developers.cloudflare.com/durable-objects/platform/pricing/)); D1 $0.001 per million rows read, $1.00 per million rows written ([D1 pricing](https://developers.cloudflare.com/d1/platform/pricing/)); Queues $0.40 per million operations, 3 per message (write, read, delete) ([Queues pricing](https://developers.cloudflare.com/queues/platform/pricing/)). Not priced: storage (GB-month; see "Readings store" for bytes per vehicle-day), the account's $5 monthly minimum, and Durable Object duration: the object is billed only while running (it can hibernate between requests), ${WORKLOAD.secondsPerReading} s apart.

**Per vehicle per month** at one reading every ${WORKLOAD.secondsPerReading} s (${model.readingsPerMonth.toLocaleString("en")} readings), ${WORKLOAD.alertsPerVehicleMonth} alerts, periodic jobs shared by ${WORKLOAD.vehiclesPerTenant} vehicles per tenant:

| | readings | alerts | periodic jobs | **total** | goal ≤ $${goal} |
|---|---|---|---|---|---|
| batches of ${WORKLOAD.batchSize} | ${usd(model.parts.batchedEvents)} | ${usd(model.parts.alerts)} | ${usd(model.parts.periodic)} | **${usd(model.batchedVehicleMonth)}** | ${model.batchedVehicleMonth <= goal ? "met" : "**not met**"} |
| single-event webhooks (Samsara, Motive) | ${usd(model.parts.singleEvents)} | ${usd(model.parts.alerts)} | ${usd(model.parts.periodic)} | **${usd(model.singleVehicleMonth)}** | ${model.singleVehicleMonth <= goal ? "met" : "**not met**"} |

Where the readings' cost goes (batched / single): Durable Object rows written ${usd(b.doRowsWritten)} / ${usd(s.doRowsWritten)}, Durable Object requests ${usd(b.doRequests)} / ${usd(s.doRequests)}, Worker requests ${usd(b.workerRequests)} / ${usd(s.workerRequests)}, CPU ${usd(b.cpu)} / ${usd(s.cpu)}, D1 ${usd(b.d1)} / ${usd(s.d1)}, rows read ${usd(b.doRowsRead)} / ${usd(s.doRowsRead)}, queue ${usd(b.queue)} / ${usd(s.queue)}.

Object rows written per event in the batched case: **${(counted.batched.counts.doRowsWritten / events).toFixed(3)}** (issue #18's writes goal ≤ ${GOAL_ROWS}: ${counted.batched.counts.doRowsWritten / events <= GOAL_ROWS ? "met" : "**not met**"}); by statement: ${topWrites}. With one reading per vehicle per batch, every row the object writes per vehicle per batch is a row per event.${counted.batched.counts.doRowsWritten / events <= GOAL_ROWS ? "" : ` **If the object wrote ${GOAL_ROWS} rows per event** and everything else stayed as measured, batches of ${WORKLOAD.batchSize} would cost **${usd(atWritesGoal)}** per vehicle-month (${atWritesGoal <= goal ? "within" : "still over"} the goal).`}

**Alerts that stay open cost more than their raise.** While an alert's episode goes on (its fault code or reading in every report), each report logs an update of the alert (at most one per 5 s: \`LIVE_COALESCE_MS\`), which the object journals and syncs to D1 (and queues for outbound webhooks only while an enabled one subscribes to \`alert.updated\`): **${usd(dollars(model.update, 0))} per update** beyond its event, **${usd(model.alertHour)} per hour** an alert stays open at one reading every ${WORKLOAD.secondsPerReading} s. The goal's workload counts each alert as its raise only; were each of the ${WORKLOAD.alertsPerVehicleMonth} alerts open for an hour of readings, batches of ${WORKLOAD.batchSize} would cost **${usd(model.batchedVehicleMonth + WORKLOAD.alertsPerVehicleMonth * model.alertHour)}** per vehicle-month. An update's object rows by statement: ${Object.entries(
    continuingWrites,
  )
    .sort((a, b) => b[1] - a[1])
    .map(([statement, rows]) => `\`${statement}…\` ${(rows / counted.continuing.events).toFixed(2)}`)
    .join(", ")} (the event's own batch record included).

To predict a bill: readings per month ÷ 1,000 × the row's units × the prices, plus alerts × the alert row, plus open alerts' updates × the update row, plus tenants × the periodic row. Raw counts: ${JSON.stringify(Object.fromEntries(Object.entries(counted).map(([k, v]) => [k, { ...v.counts, events: v.events, alerts: v.alerts }])))}; CPU: ${JSON.stringify(cpu)}.`;
}
