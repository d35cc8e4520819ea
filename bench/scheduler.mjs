#!/usr/bin/env node
// The maintenance auto-scheduler benchmark: `node bench/scheduler.mjs [--quick]`, or
// `runSchedulerBench()` from bench/run.mjs. It bundles and runs the very module the API uses
// (worker/domain/maintenance/scheduler.ts) on generated shops:
//   speed   — 5–50 technicians, 2–10 bays, 50–2,000 open work orders over two weeks
//             (goal: 2,000 work orders in < 1 s);
//   quality — small instances (≤ 30 work orders) against the exact optimum of a time-indexed
//             MILP solved by glpk.js (goal: weighted-lateness gap ≤ 5 %). Skipped, with a note,
//             when the glpk.js dev dependency is not installed.
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { loadGlpk, solveExact } from "./scheduler/exact.mjs";
import { generateShop } from "./scheduler/generate.mjs";
import { loadScheduler } from "./scheduler/load-module.mjs";

const SPEED_SHOPS = [
  { technicians: 5, bays: 2, workOrders: 50 },
  { technicians: 10, bays: 3, workOrders: 200 },
  { technicians: 20, bays: 5, workOrders: 500 },
  { technicians: 35, bays: 8, workOrders: 1000 },
  { technicians: 50, bays: 10, workOrders: 2000 },
];

/** Small shops the exact solver can prove optimal: 30-minute slots, tight due dates, known skills only. */
const QUALITY_SHOPS = [
  { technicians: 2, bays: 1, workOrders: 10, days: 2 },
  { technicians: 3, bays: 1, workOrders: 15, days: 2 },
  { technicians: 3, bays: 2, workOrders: 20, days: 2 },
  { technicians: 4, bays: 2, workOrders: 25, days: 3 },
  { technicians: 4, bays: 2, workOrders: 30, days: 3 },
];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cpuMs = (since) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};

/**
 * Runs the benchmark and returns its figures. Options: `quick` (fewer repeats and instances),
 * `exactTimeLimitSeconds` (per exact solve), `log` (progress lines).
 */
export async function runSchedulerBench({ quick = false, exactTimeLimitSeconds = quick ? 20 : 60, log = () => {} } = {}) {
  const scheduler = await loadScheduler();
  const repeats = quick ? 1 : 3;

  const speed = [];
  scheduler.autoSchedule(generateShop({ seed: 7, technicians: 5, bays: 2, workOrders: 50 })); // warm up the JIT
  for (const shape of SPEED_SHOPS) {
    const shop = generateShop({ seed: 1000 + shape.workOrders, ...shape });
    const walls = [];
    const cpus = [];
    let result;
    for (let r = 0; r < repeats; r++) {
      const cpu = process.cpuUsage();
      const started = performance.now();
      result = scheduler.autoSchedule(shop);
      walls.push(performance.now() - started);
      cpus.push(cpuMs(cpu));
    }
    const grid = scheduler.buildGrid(shop);
    const shiftSlots = grid.techAvail.reduce((sum, a) => sum + a.reduce((s, x) => s + x, 0), 0);
    const demandSlots = grid.jobs.reduce((sum, j) => sum + j.p, 0);
    const row = {
      ...shape,
      wallMs: Math.round(median(walls)),
      cpuMs: Math.round(median(cpus)),
      scheduled: result.scheduled.length,
      unscheduled: result.unscheduled.length,
      evaluations: result.evaluations,
      demandOverShiftCapacity: Math.round((demandSlots / Math.max(1, shiftSlots)) * 100) / 100,
      violations: scheduler.verifySchedule(shop, result).length,
      weightedLatenessHours: result.objective.weightedLatenessHours,
    };
    speed.push(row);
    log(
      `speed ${shape.technicians} technicians, ${shape.bays} bays, ${shape.workOrders} work orders: ${row.wallMs} ms (cpu ${row.cpuMs} ms), ${row.scheduled} placed, ${row.unscheduled} left, ${row.violations} violations`,
    );
  }
  const largest = speed.at(-1);

  const glpk = await loadGlpk();
  let quality;
  if (!glpk) {
    quality = { skipped: "glpk.js is not installed (npm install --save-dev --save-exact glpk.js@5.0.0)" };
    log(`quality: ${quality.skipped}`);
  } else {
    const seeds = quick ? [1] : [1, 2, 3, 4];
    const instances = [];
    for (const shape of QUALITY_SHOPS) {
      for (const seed of seeds) {
        const shop = generateShop({
          seed: seed * 100 + shape.workOrders,
          ...shape,
          slotMinutes: 30,
          bookedShare: 0,
          maxMinutes: 180,
          dueSpreadDays: shape.days * 0.6,
          knownSkillsOnly: true,
        });
        const started = performance.now();
        const result = scheduler.autoSchedule(shop);
        const heuristicMs = performance.now() - started;
        const heuristic = result.objective.weightedLatenessHours + result.objective.unscheduledPenalty;
        const exact = solveExact(glpk, scheduler, shop, { timeLimitSeconds: exactTimeLimitSeconds });
        const gap = exact.cost > 1e-9 ? (heuristic - exact.cost) / exact.cost : heuristic > 1e-9 ? null : 0;
        const row = {
          ...shape,
          seed,
          heuristic: round(heuristic),
          exact: round(exact.cost),
          provenOptimal: exact.optimal,
          gapPct: gap === null ? null : round(gap * 100),
          heuristicMs: Math.round(heuristicMs),
          exactMs: Math.round(exact.ms),
          milpVariables: exact.variables,
          violations: scheduler.verifySchedule(shop, result).length,
        };
        instances.push(row);
        log(
          `quality ${shape.workOrders} work orders (seed ${seed}): heuristic ${row.heuristic}, exact ${row.exact}${row.provenOptimal ? "" : " (time limit: best found)"}, gap ${row.gapPct ?? "n/a"} %`,
        );
      }
    }
    const proven = instances.filter((i) => i.provenOptimal && i.gapPct !== null);
    const gaps = proven.map((i) => i.gapPct);
    const sum = (xs) => xs.reduce((a, b) => a + b, 0);
    quality = {
      instances,
      provenOptimal: proven.length,
      meanGapPct: gaps.length ? round(sum(gaps) / gaps.length) : null,
      maxGapPct: gaps.length ? Math.max(...gaps) : null,
      aggregateGapPct: proven.length ? round((sum(proven.map((i) => i.heuristic)) / sum(proven.map((i) => i.exact)) - 1) * 100) : null,
      withinGoal: proven.filter((i) => i.gapPct <= 5).length,
    };
  }

  return {
    speed,
    goals: {
      schedule2000UnderOneSecond: largest.workOrders === 2000 ? largest.wallMs < 1000 : null,
      gapAtMost5Pct: quality.maxGapPct == null ? null : quality.maxGapPct <= 5,
    },
    quality,
  };
}

const round = (n) => Math.round(n * 100) / 100;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { quick: { type: "boolean", default: false }, json: { type: "boolean", default: false } } });
  const figures = await runSchedulerBench({ quick: values.quick, log: (line) => console.log(`[scheduler] ${line}`) });
  if (values.json) console.log(JSON.stringify(figures, null, 2));
  else {
    console.log("\nspeed (median wall ms; cpu ms)");
    console.table(
      figures.speed.map(
        ({ technicians, bays, workOrders, wallMs, cpuMs, scheduled, unscheduled, violations, demandOverShiftCapacity }) => ({
          technicians,
          bays,
          workOrders,
          wallMs,
          cpuMs,
          scheduled,
          unscheduled,
          violations,
          demandOverShiftCapacity,
        }),
      ),
    );
    if (figures.quality.skipped) console.log(`quality: ${figures.quality.skipped}`);
    else {
      console.log("quality vs glpk.js optimum");
      console.table(
        figures.quality.instances.map(({ workOrders, technicians, bays, seed, heuristic, exact, provenOptimal, gapPct, exactMs }) => ({
          workOrders,
          technicians,
          bays,
          seed,
          heuristic,
          exact,
          provenOptimal,
          gapPct,
          exactMs,
        })),
      );
      const q = figures.quality;
      console.log(
        `proven optimal: ${q.provenOptimal}/${q.instances.length}; gap mean ${q.meanGapPct} %, max ${q.maxGapPct} %, aggregate ${q.aggregateGapPct} %; within 5 %: ${q.withinGoal}/${q.provenOptimal}`,
      );
    }
    console.log("goals:", JSON.stringify(figures.goals));
  }
}
