/**
 * Decoding an order of jobs into a schedule (list scheduling): each job in turn at its earliest
 * end on the least versatile technician free then, optionally bundled with its vehicle's jobs.
 */
import { slotOf, type Grid, type GridJob } from "./grid";
import { latenessCost, unscheduledCost } from "./objective";
import { State, type Slotted } from "./state";

export interface Decoded {
  slots: (Slotted | null)[];
  cost: number;
  downtimeMs: number;
}

interface Candidate extends Slotted {
  late: number;
  dt: number;
  end: number;
  rank: number;
}

const better = (a: Candidate, b: Candidate | null) =>
  !b ||
  a.late < b.late - 1e-9 ||
  (Math.abs(a.late - b.late) <= 1e-9 && (a.dt < b.dt || (a.dt === b.dt && (a.end < b.end || (a.end === b.end && a.rank < b.rank)))));

/**
 * The placement of one job given the state, or null if it fits nowhere: the earliest end (so
 * the least lateness), on the least versatile technician free then. With `bundle`, a start back
 * to back with the vehicle's other jobs wins when it costs no more lateness (less downtime).
 */
function place(grid: Grid, state: State, job: GridJob, bundle: boolean): Candidate | null {
  const first = state.earliest(job);
  if (!first) return null;
  const { t0, slotMs } = grid;
  const candidate = (k: number, rank: number, s: number, bay: number): Candidate => {
    const start = t0 + s * slotMs;
    const end = start + job.durMs;
    return { k, s, bay, late: latenessCost(job, end), dt: state.downtimeDelta(job, start), end, rank };
  };
  let best = candidate(first.k, job.eligible.indexOf(first.k), first.s, first.bay);
  const v = job.vehicle * 2;
  if (bundle && !Number.isNaN(state.span[v]!)) {
    const lo = slotOf(grid, state.span[v]!, "floor");
    const hi = slotOf(grid, state.span[v + 1]!, "ceil");
    job.eligible.forEach((k, rank) => {
      for (const s of [hi, lo - job.p]) {
        const bay = state.fits(k, job.vehicle, s, job.p);
        if (bay < 0) continue;
        const c = candidate(k, rank, s, bay);
        if (better(c, best)) best = c;
      }
    });
  }
  return best;
}

export function decode(grid: Grid, order: readonly number[], bundle = false): Decoded {
  const state = new State(grid);
  const slots: (Slotted | null)[] = new Array(grid.jobs.length).fill(null);
  let cost = 0;
  for (const j of order) {
    const job = grid.jobs[j]!;
    const at = job.eligible.length ? place(grid, state, job, bundle) : null;
    if (at) {
      state.commit(job, at);
      slots[j] = { k: at.k, s: at.s, bay: at.bay };
      cost += at.late;
    } else {
      cost += unscheduledCost(job, grid);
    }
  }
  let downtimeMs = 0;
  for (let v = 0; v < grid.vehicleIds.length; v++) {
    const lo = state.span[v * 2]!;
    if (!Number.isNaN(lo)) downtimeMs += state.span[v * 2 + 1]! - lo;
  }
  return { slots, cost, downtimeMs };
}

export const improves = (a: Decoded, b: Decoded) =>
  a.cost < b.cost - 1e-9 || (Math.abs(a.cost - b.cost) <= 1e-9 && a.downtimeMs < b.downtimeMs);

/** What one job costs in a decoded schedule. */
export function jobCost(grid: Grid, decoded: Decoded, j: number) {
  const job = grid.jobs[j]!;
  const at = decoded.slots[j];
  if (!at) return unscheduledCost(job, grid);
  return latenessCost(job, grid.t0 + at.s * grid.slotMs + job.durMs);
}
