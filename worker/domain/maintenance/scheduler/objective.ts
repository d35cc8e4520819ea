/**
 * The objective, lexicographic: priority-weighted lateness past due dates (hours; a work order
 * left out costs as if it finished a whole horizon after `to`), then vehicle downtime.
 */
import { HOUR_MS } from "../../time-zone";
import { buildGrid, type Grid, type GridJob } from "./grid";
import type { Placement, ScheduleObjective, SchedulerInput } from "./types";

/** Weighted lateness (hours) of a job ending at `endMs`. */
export const latenessCost = (job: Pick<GridJob, "weight" | "due">, endMs: number) =>
  job.due == null ? 0 : (job.weight * Math.max(0, endMs - job.due)) / HOUR_MS;

/** What leaving a job out costs: as if it ended a whole horizon after `to`. */
export const unscheduledCost = (job: Pick<GridJob, "weight" | "due">, grid: Pick<Grid, "to" | "horizonHours">) =>
  job.weight * ((job.due == null ? 0 : Math.max(0, grid.to - job.due) / HOUR_MS) + Math.max(24, grid.horizonHours));

export const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** The objective of any schedule (e.g. an exact solver's), measured the same way. */
export function scheduleObjective(input: SchedulerInput, scheduled: readonly Placement[]): ScheduleObjective {
  const grid = buildGrid({ ...input, bookings: [] });
  const placed = new Map(scheduled.map((p) => [p.workOrderId, p]));
  let weightedLatenessHours = 0;
  let unscheduledPenalty = 0;
  const spans = new Map<string, [number, number]>();
  for (const job of grid.jobs) {
    const p = placed.get(job.id);
    if (!p) {
      unscheduledPenalty += unscheduledCost(job, grid);
      continue;
    }
    weightedLatenessHours += latenessCost(job, p.end);
    const v = input.workOrders[job.index]!.vehicleId;
    const span = spans.get(v);
    spans.set(v, span ? [Math.min(span[0], p.start), Math.max(span[1], p.end)] : [p.start, p.end]);
  }
  let downtime = 0;
  for (const [lo, hi] of spans.values()) downtime += hi - lo;
  return {
    weightedLatenessHours: round(weightedLatenessHours),
    unscheduledPenalty: round(unscheduledPenalty),
    downtimeHours: round(downtime / HOUR_MS),
  };
}
