/** Where the search starts and how far it goes: seed orders, the evaluation budget, the PRNG. */
import { HOUR_MS } from "../../time-zone";
import { cmp, type Grid, type GridJob } from "./grid";

const dueKey = (due: number | null) => due ?? Number.POSITIVE_INFINITY;

/** The orders tried first; the first is the documented one: priority, then due date. */
export function initialOrders(grid: Grid): number[][] {
  const jobs = grid.jobs;
  const sorted = (key: (j: GridJob) => number) =>
    jobs
      .map((j) => j.index)
      .sort((a, b) => {
        const x = jobs[a]!;
        const y = jobs[b]!;
        return key(x) - key(y) || y.weight - x.weight || dueKey(x.due) - dueKey(y.due) || cmp(x.id, y.id);
      });
  return [
    sorted((j) => -j.weight),
    sorted((j) => dueKey(j.due)),
    // Weighted slack: a heavier job counts as due earlier by a working day per doubling of weight.
    sorted((j) => dueKey(j.due) - Math.log2(j.weight) * 8 * HOUR_MS),
    // Latest start that is still on time, then weight (minimum slack first).
    sorted((j) => dueKey(j.due) - j.durMs),
  ];
}

/**
 * Default number of orders decoded: thousands for a small shop (a decode takes microseconds),
 * a handful for thousands of work orders over two weeks (a decode takes tens of milliseconds).
 */
export const defaultBudget = (grid: Grid) => {
  const work = Math.max(1, grid.jobs.length) * Math.max(1, grid.nSlots / 8);
  return Math.max(6, Math.min(10_000, Math.floor(6_000_000 / work)));
};
