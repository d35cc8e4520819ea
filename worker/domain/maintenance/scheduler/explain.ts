/** Why a work order was left out: a sentence naming the resource that was missing. */
import { MINUTE_MS } from "../../time-zone";
import type { Grid, GridJob } from "./grid";
import type { State } from "./state";
import type { SchedulerInput } from "./types";

const iso = (ms: number) => new Date(ms).toISOString();

/** A sentence saying which resource left the job out. */
export function whyUnplaced(input: SchedulerInput, grid: Grid, finalState: () => State, job: GridJob): string {
  const wo = input.workOrders[job.index]!;
  const minutes = Math.round(job.durMs / MINUTE_MS);
  const who = wo.skill ? `technician with the skill "${wo.skill}"` : "technician";
  if (!grid.techIds.length) return "The shop has no technicians.";
  if (!job.eligible.length) return `No technician has the skill "${wo.skill}".`;
  if (grid.nSlots < job.p) return `The horizon is shorter than the work order (${minutes} minutes).`;
  const stretch = (avail: Uint8Array) => {
    let run = 0;
    for (let s = 0; s < avail.length; s++) {
      run = avail[s] ? run + 1 : 0;
      if (run >= job.p) return true;
    }
    return false;
  };
  if (!job.eligible.some((k) => stretch(grid.techAvail[k]!))) {
    return `No ${who} has ${minutes} consecutive free minutes within a shift between ${iso(input.from)} and ${iso(input.to)}.`;
  }
  // Replay the final schedule and ask which resource is missing.
  const state = finalState();
  const techRun = state.groupRun[job.group]!;
  const busy = state.vehicles[job.vehicle]!;
  const vehicleFree = (s: number) => {
    for (let i = s; i < s + job.p; i++) if (busy[i]) return false;
    return true;
  };
  let techOnly = false;
  let techAndVehicle = false;
  for (let s = 0; s + job.p <= grid.nSlots && !techAndVehicle; s++) {
    if (techRun[s]! < job.p) continue;
    techOnly = true;
    if (vehicleFree(s)) techAndVehicle = true;
  }
  if (!techOnly) return `Every ${who} is fully booked between ${iso(input.from)} and ${iso(input.to)}.`;
  if (!techAndVehicle)
    return `Vehicle ${wo.vehicleId} is booked whenever a ${who} is free between ${iso(input.from)} and ${iso(input.to)}.`;
  return `Every bay is full whenever a ${who} and the vehicle are free between ${iso(input.from)} and ${iso(input.to)}.`;
}
