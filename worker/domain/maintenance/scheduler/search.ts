/**
 * The search over orders: four seed orders, local search (insert or swap a costly job earlier),
 * iterated perturbations from a PRNG seeded by the instance's shape, then bundling.
 */
import { decode, improves, jobCost, type Decoded } from "./decode";
import { buildGrid } from "./grid";
import { latenessCost, unscheduledCost } from "./objective";
import { toResult } from "./result";
import { mulberry32 } from "../../../../models/prng.js";
import { defaultBudget, initialOrders } from "./seeds";
import { State } from "./state";
import type { ScheduleResult, SchedulerInput } from "./types";

/** Places `input.workOrders`; see the module comment for the objective and method. */
export function autoSchedule(input: SchedulerInput): ScheduleResult {
  const grid = buildGrid(input);
  const budget = input.maxEvaluations ?? defaultBudget(grid);
  const n = grid.jobs.length;
  let evaluations = 0;
  const evaluate = (order: number[]) => {
    evaluations++;
    return { order, decoded: decode(grid, order) };
  };

  let best: { order: number[]; decoded: Decoded } | null = null;
  for (const order of initialOrders(grid)) {
    const tried = evaluate(order);
    if (!best || improves(tried.decoded, best.decoded)) best = tried;
  }
  best ??= evaluate([]);

  // No schedule beats every job at its earliest possible end in an otherwise empty shop: stop there.
  const empty = new State(grid);
  const lowerBound = grid.jobs.reduce((sum, job) => {
    const first = job.eligible.length ? empty.earliest(job) : null;
    return sum + (first ? latenessCost(job, grid.t0 + first.s * grid.slotMs + job.durMs) : unscheduledCost(job, grid));
  }, 0);
  const optimal = (d: Decoded) => d.cost <= lowerBound + 1e-9;

  // The same schedule's own order: placed jobs by start, the rest after. Decoding it gives that
  // schedule again (or a better one), and moves on it are moves in time ("start J where K did").
  const canonical = (current: { order: number[]; decoded: Decoded }) => {
    const rank = new Int32Array(n);
    current.order.forEach((j, i) => (rank[j] = i));
    const slots = current.decoded.slots;
    const order = [...current.order].sort((a, b) => {
      const x = slots[a];
      const y = slots[b];
      if (x && y) return x.s - y.s || rank[a]! - rank[b]!;
      return x ? -1 : y ? 1 : rank[a]! - rank[b]!;
    });
    if (order.every((j, i) => j === current.order[i])) return current;
    const tried = evaluate(order);
    return improves(current.decoded, tried.decoded) ? current : tried;
  };

  // Local search on the order: put a costly (late or left-out) job earlier — before each earlier
  // job (insertion) or in its place (swap) — and keep the first change that lowers the cost.
  const exhaustive = n <= 200;
  const descend = (start: { order: number[]; decoded: Decoded }, normalize: boolean, limit: number) => {
    let current = start;
    for (;;) {
      if (evaluations >= limit || optimal(current.decoded)) return current;
      const positions = new Int32Array(n);
      current.order.forEach((j, i) => (positions[j] = i));
      const costly = current.order
        .map((j) => ({ j, cost: jobCost(grid, current.decoded, j) }))
        .filter((x) => x.cost > 1e-9 && grid.jobs[x.j]!.eligible.length > 0)
        .sort((a, b) => b.cost - a.cost || positions[a.j]! - positions[b.j]!);
      let next: typeof current | null = null;
      search: for (const { j } of costly) {
        const at = positions[j]!;
        const targets: number[] = [];
        if (exhaustive) for (let q = at - 1; q >= 0; q--) targets.push(q);
        else for (let step = 1; at - step >= 0; step *= 2) targets.push(at - step);
        for (const swap of exhaustive ? [false, true] : [false]) {
          for (const q of targets) {
            if (evaluations >= limit) break search;
            const order = [...current.order];
            if (swap) [order[q], order[at]] = [order[at]!, order[q]!];
            else order.splice(q, 0, ...order.splice(at, 1));
            const tried = evaluate(order);
            if (improves(tried.decoded, current.decoded)) {
              next = tried;
              break search;
            }
          }
        }
      }
      if (!next) return current;
      current = normalize && evaluations < limit ? canonical(next) : next;
    }
  };

  // Two searches from the best start, half the budget each: on the order as it evolves, and on
  // the schedule's own start order (see `canonical`). They get stuck in different places.
  const start = best;
  const chains = [false, true];
  chains.forEach((normalize, c) => {
    if (optimal(best!.decoded)) return;
    const limit = evaluations + Math.floor((budget - evaluations) / (chains.length - c));
    let chainBest = descend(normalize ? canonical(start) : start, normalize, limit);
    // Iterated local search: shake the chain's best order a little, descend again, keep what is better.
    // mulberry32 seeded from the instance's shape: reproducible perturbations, no clock.
    const random = mulberry32(0x9e3779b9 ^ (n * 2654435761) ^ grid.nSlots ^ c);
    while (evaluations < limit && n > 1 && !optimal(chainBest.decoded)) {
      const order = [...chainBest.order];
      const moves = 2 + Math.floor(random() * 3);
      for (let m = 0; m < moves; m++) {
        const from = Math.floor(random() * n);
        const to = Math.floor(random() * n);
        order.splice(to, 0, ...order.splice(from, 1));
      }
      const local = descend(evaluate(order), normalize, limit);
      if (improves(local.decoded, chainBest.decoded)) chainBest = local;
    }
    if (improves(chainBest.decoded, best!.decoded)) best = chainBest;
  });

  // Downtime last: bundle a vehicle's jobs where that costs no lateness at all.
  const bundled = decode(grid, best.order, true);
  evaluations++;
  const chosen = bundled.cost <= best.decoded.cost + 1e-9 && bundled.downtimeMs < best.decoded.downtimeMs ? bundled : best.decoded;
  return toResult(input, grid, chosen, evaluations);
}

/**
 * The schedule the list decoder builds for one given order of work-order ids (unknown ids are
 * ignored; work orders not named go last in input order). For diagnostics and tests.
 */
export function scheduleInOrder(input: SchedulerInput, ids: readonly string[], bundle = false): ScheduleResult {
  const grid = buildGrid(input);
  const index = new Map(grid.jobs.map((j) => [j.id, j.index]));
  const named = ids.map((id) => index.get(id)).filter((j): j is number => j !== undefined);
  const seen = new Set(named);
  const order = [...named, ...grid.jobs.map((j) => j.index).filter((j) => !seen.has(j))];
  return toResult(input, grid, decode(grid, order, bundle), 1);
}
