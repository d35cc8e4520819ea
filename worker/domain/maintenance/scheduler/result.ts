/** A decoded schedule as the API returns it: placements, reasons for the rest, the objective. */
import { HOUR_MS } from "../../time-zone";
import type { Decoded } from "./decode";
import { whyUnplaced } from "./explain";
import { cmp, type Grid } from "./grid";
import { latenessCost, round, unscheduledCost } from "./objective";
import { State } from "./state";
import type { Placement, ScheduleResult, SchedulerInput } from "./types";

export function toResult(input: SchedulerInput, grid: Grid, decoded: Decoded, evaluations: number): ScheduleResult {
  const scheduled: Placement[] = [];
  const unscheduled: ScheduleResult["unscheduled"] = [];
  let final: State | undefined;
  const finalState = () => {
    if (!final) {
      final = new State(grid);
      decoded.slots.forEach((at, j) => at && final!.commit(grid.jobs[j]!, at));
    }
    return final;
  };
  let weightedLatenessHours = 0;
  let unscheduledPenalty = 0;
  grid.jobs.forEach((job, j) => {
    const at = decoded.slots[j];
    if (at) {
      const start = grid.t0 + at.s * grid.slotMs;
      scheduled.push({
        workOrderId: job.id,
        technicianId: grid.techIds[at.k]!,
        bayId: grid.bayIds.length ? grid.bayIds[at.bay]! : null,
        start,
        end: start + job.durMs,
      });
      weightedLatenessHours += latenessCost(job, start + job.durMs);
    } else {
      unscheduled.push({ workOrderId: job.id, reason: whyUnplaced(input, grid, finalState, job) });
      unscheduledPenalty += unscheduledCost(job, grid);
    }
  });
  scheduled.sort((a, b) => a.start - b.start || cmp(a.technicianId, b.technicianId) || cmp(a.workOrderId, b.workOrderId));
  return {
    scheduled,
    unscheduled,
    objective: {
      weightedLatenessHours: round(weightedLatenessHours),
      unscheduledPenalty: round(unscheduledPenalty),
      downtimeHours: round(decoded.downtimeMs / HOUR_MS),
    },
    evaluations,
  };
}
