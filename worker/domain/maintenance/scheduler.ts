/**
 * The auto-scheduler (POST /api/maintenance/auto-schedule): places open work orders into the
 * horizon [from, to) on technicians' shifts and the shop's bays, around existing bookings.
 *
 * Objective, lexicographic: (1) priority-weighted lateness past due dates, in hours (a work order
 * left unscheduled costs as if it finished a whole horizon after `to`), (2) vehicle downtime:
 * per vehicle, the span from the start of its first to the end of its last work order placed
 * in this run — so a vehicle's jobs are done back to back rather than on separate visits.
 *
 * Method: list scheduling on a time grid (15-minute slots by default). Work orders are taken in
 * an order; each gets its earliest feasible end (so its least lateness) on the least versatile
 * technician free then (keeps multi-skilled ones free) and the best-fitting bay. Four orders
 * seed the search — priority then due date first, as the issue asks; due date then priority;
 * weighted slack; least slack — and the best is improved by local search on the order (move a
 * late work order before, or swap it with, an earlier one; first improvement) with iterated
 * perturbations, in two chains: on the order as it evolves and on the schedule's own start
 * order. Finally a vehicle's work orders are bundled back to back where that costs no lateness.
 * The number of orders decoded is fixed by the instance size (thousands for a small shop, about
 * a dozen for 2,000 work orders); perturbations come from a PRNG seeded by the instance's
 * shape. No clock, no randomness: the same input always gives the same schedule.
 */
import { findBookingConflict, hasSkill, type Booking } from "./booking";
import { PRIORITY_WEIGHT, type WorkOrderPriority } from "./lifecycle";
import { HOUR_MS, MINUTE_MS, shiftWindows, type Shift } from "./zones";

export interface SchedulerWorkOrder {
  id: string;
  vehicleId: string;
  priority: WorkOrderPriority;
  /** Epoch ms; null = no due date (no lateness, but sooner is still better for downtime). */
  dueDate: number | null;
  durationMinutes: number;
  /** Required skill, or null for any technician. */
  skill: string | null;
  title?: string;
}

export interface SchedulerTechnician {
  id: string;
  name?: string;
  skills: readonly string[];
  shifts: readonly Shift[];
  timeZone: string;
}

export interface SchedulerBay {
  id: string;
  name?: string;
  capacity: number;
}

export interface SchedulerInput {
  from: number;
  to: number;
  workOrders: readonly SchedulerWorkOrder[];
  technicians: readonly SchedulerTechnician[];
  /** When the shop has bays, every placement takes a place in one. */
  bays: readonly SchedulerBay[];
  /** Bookings that stay as they are (scheduled or in progress). */
  bookings: readonly Booking[];
  /** Grid granularity; 15 by default (fits every zone offset in use, incl. +05:45). */
  slotMinutes?: number;
  /** Upper bound of improvement evaluations; by default scaled down as the instance grows. */
  maxEvaluations?: number;
}

export interface Placement {
  workOrderId: string;
  technicianId: string;
  bayId: string | null;
  start: number;
  end: number;
}

export interface ScheduleObjective {
  /** Σ weight × hours late, over placed work orders. */
  weightedLatenessHours: number;
  /** Σ weight × (hours late had it finished a horizon after `to`), over unplaced ones. */
  unscheduledPenalty: number;
  /** Σ over vehicles of the span of their placed work orders, in hours. */
  downtimeHours: number;
}

export interface ScheduleResult {
  scheduled: Placement[];
  unscheduled: { workOrderId: string; reason: string }[];
  objective: ScheduleObjective;
  /** Diagnostic: orders decoded while searching. */
  evaluations: number;
}

/* ------------------------------------------------------------------------------------------ */
/* The grid: shifts and existing bookings turned into slot arrays once per call.               */
/* ------------------------------------------------------------------------------------------ */

export interface GridJob {
  index: number;
  id: string;
  vehicle: number;
  weight: number;
  due: number | null;
  durMs: number;
  /** Slots occupied. */
  p: number;
  /** Eligible technicians (indexes), least versatile first. */
  eligible: number[];
  /** Jobs with the same eligible technicians share a group (and a scan frontier). */
  group: number;
}

export interface Grid {
  from: number;
  to: number;
  t0: number;
  slotMs: number;
  nSlots: number;
  horizonHours: number;
  techIds: string[];
  techSkillCount: number[];
  /** 1 where the technician is on shift and not booked already. */
  techAvail: Uint8Array[];
  bayIds: string[];
  bayCapacity: number[];
  /** Places already taken per bay and slot. */
  bayBase: Uint16Array[];
  vehicleIds: string[];
  /** 1 where the vehicle is booked already. */
  vehicleBase: Uint8Array[];
  jobs: GridJob[];
  /** Distinct eligible-technician sets, by group index. */
  groups: number[][];
}

const slotOf = (grid: { t0: number; slotMs: number }, ms: number, round: "floor" | "ceil") =>
  Math[round]((ms - grid.t0) / grid.slotMs);

/** Turns the input into slot arrays; shared with the benchmark's exact model. */
export function buildGrid(input: SchedulerInput): Grid {
  const slotMs = (input.slotMinutes ?? 15) * MINUTE_MS;
  const t0 = Math.ceil(input.from / slotMs) * slotMs;
  const nSlots = Math.max(0, Math.floor((input.to - t0) / slotMs));
  const base = { t0, slotMs };
  const clampSlot = (s: number) => Math.min(nSlots, Math.max(0, s));

  const techs = [...input.technicians].sort((a, b) => cmp(a.id, b.id));
  const techIndex = new Map(techs.map((t, i) => [t.id, i]));
  const techAvail = techs.map((t) => {
    const avail = new Uint8Array(nSlots);
    for (const w of shiftWindows(t.shifts, t.timeZone, t0, t0 + nSlots * slotMs)) {
      avail.fill(1, clampSlot(slotOf(base, w.start, "ceil")), clampSlot(slotOf(base, w.end, "floor")));
    }
    return avail;
  });

  const bays = [...input.bays].sort((a, b) => cmp(a.id, b.id));
  const bayIndex = new Map(bays.map((b, i) => [b.id, i]));
  const bayBase = bays.map(() => new Uint16Array(nSlots));

  const vehicleIds: string[] = [];
  const vehicleIndex = new Map<string, number>();
  const vehicle = (id: string) => {
    let i = vehicleIndex.get(id);
    if (i === undefined) {
      i = vehicleIds.push(id) - 1;
      vehicleIndex.set(id, i);
    }
    return i;
  };
  const vehicleBusy = new Map<number, Uint8Array>();

  for (const b of input.bookings) {
    const s0 = clampSlot(slotOf(base, b.start, "floor"));
    const s1 = clampSlot(slotOf(base, b.end, "ceil"));
    if (s1 <= s0) continue;
    const k = b.technicianId ? techIndex.get(b.technicianId) : undefined;
    if (k !== undefined) techAvail[k]!.fill(0, s0, s1);
    const bay = b.bayId ? bayIndex.get(b.bayId) : undefined;
    if (bay !== undefined) for (let s = s0; s < s1; s++) bayBase[bay]![s]!++;
    const v = vehicle(b.vehicleId);
    let busy = vehicleBusy.get(v);
    if (!busy) vehicleBusy.set(v, (busy = new Uint8Array(nSlots)));
    busy.fill(1, s0, s1);
  }

  const techSkillCount = techs.map((t) => t.skills.length);
  const groupIndex = new Map<string, number>();
  const groups: number[][] = [];
  const jobs = input.workOrders.map((w, index): GridJob => {
    const durMs = Math.max(1, w.durationMinutes) * MINUTE_MS;
    const eligible = techs
      .map((t, k) => ({ t, k }))
      .filter(({ t }) => hasSkill(t.skills, w.skill))
      .sort((a, b) => techSkillCount[a.k]! - techSkillCount[b.k]! || a.k - b.k)
      .map(({ k }) => k);
    const key = eligible.join(",");
    let group = groupIndex.get(key);
    if (group === undefined) {
      groupIndex.set(key, (group = groups.length));
      groups.push(eligible);
    }
    return {
      group,
      index,
      id: w.id,
      vehicle: vehicle(w.vehicleId),
      weight: PRIORITY_WEIGHT[w.priority] ?? 1,
      due: w.dueDate,
      durMs,
      p: Math.ceil(durMs / slotMs),
      eligible,
    };
  });
  const vehicleBase = vehicleIds.map((_, v) => vehicleBusy.get(v) ?? new Uint8Array(nSlots));

  return {
    from: input.from,
    to: input.to,
    t0,
    slotMs,
    nSlots,
    horizonHours: Math.max(0, input.to - input.from) / HOUR_MS,
    techIds: techs.map((t) => t.id),
    techSkillCount,
    techAvail,
    bayIds: bays.map((b) => b.id),
    bayCapacity: bays.map((b) => b.capacity),
    bayBase,
    vehicleIds,
    vehicleBase,
    jobs,
    groups,
  };
}

/** Weighted lateness (hours) of a job ending at `endMs`. */
export const latenessCost = (job: Pick<GridJob, "weight" | "due">, endMs: number) =>
  job.due == null ? 0 : (job.weight * Math.max(0, endMs - job.due)) / HOUR_MS;

/** What leaving a job out costs: as if it ended a whole horizon after `to`. */
export const unscheduledCost = (job: Pick<GridJob, "weight" | "due">, grid: Pick<Grid, "to" | "horizonHours">) =>
  job.weight * ((job.due == null ? 0 : Math.max(0, grid.to - job.due) / HOUR_MS) + Math.max(24, grid.horizonHours));

/* ------------------------------------------------------------------------------------------ */
/* Decoding an order into a schedule.                                                          */
/* ------------------------------------------------------------------------------------------ */

interface Slotted {
  k: number;
  s: number;
  bay: number;
}

interface Decoded {
  slots: (Slotted | null)[];
  cost: number;
  downtimeMs: number;
}

/**
 * Mutable per-decode state. Free runs ("how many slots from here on are free") per technician
 * and per bay make "does a job of p slots fit at s" an O(1) question; `anyBay` is the longest
 * bay run at each slot.
 */
class State {
  readonly run: Int32Array[];
  readonly bayUse: Uint16Array[];
  readonly bayRun: Int32Array[];
  readonly anyBay: Int32Array;
  readonly vehicles: Uint8Array[];
  /** Per vehicle: [min start ms, max end ms] of jobs placed in this decode. */
  readonly span: Float64Array;
  readonly frontiers: Int32Array;
  /** Per group of jobs: the longest technician run at each slot. */
  readonly groupRun: Int32Array[];
  /** Per technician: the groups it belongs to. */
  readonly techGroups: number[][];

  constructor(readonly grid: Grid) {
    this.frontiers = new Int32Array(grid.groups.length);
    const n = grid.nSlots;
    const runOf = (free: (s: number) => boolean) => {
      const run = new Int32Array(n + 1);
      for (let s = n - 1; s >= 0; s--) run[s] = free(s) ? run[s + 1]! + 1 : 0;
      return run;
    };
    this.run = grid.techAvail.map((avail) => runOf((s) => avail[s] === 1));
    this.bayUse = grid.bayBase.map((b) => b.slice());
    this.bayRun = this.bayUse.map((use, b) => runOf((s) => use[s]! < grid.bayCapacity[b]!));
    this.anyBay = new Int32Array(n + 1);
    if (this.bayRun.length) this.#refreshAnyBay(0, n);
    this.vehicles = grid.vehicleBase.map((v) => v.slice());
    this.span = new Float64Array(grid.vehicleIds.length * 2).fill(Number.NaN);
    this.techGroups = grid.techIds.map(() => []);
    grid.groups.forEach((members, g) => members.forEach((k) => this.techGroups[k]!.push(g)));
    this.groupRun = grid.groups.map(() => new Int32Array(n + 1));
    for (let g = 0; g < grid.groups.length; g++) this.#refreshGroup(g, 0, n);
  }

  #refreshGroup(g: number, from: number, to: number) {
    const members = this.grid.groups[g]!;
    const runs = this.run;
    const out = this.groupRun[g]!;
    for (let s = from; s < to; s++) {
      let max = 0;
      for (let m = 0; m < members.length; m++) {
        const r = runs[members[m]!]![s]!;
        if (r > max) max = r;
      }
      out[s] = max;
    }
  }

  #refreshAnyBay(from: number, to: number) {
    const runs = this.bayRun;
    for (let s = from; s < to; s++) {
      let max = 0;
      for (let b = 0; b < runs.length; b++) if (runs[b]![s]! > max) max = runs[b]![s]!;
      this.anyBay[s] = max;
    }
  }

  /**
   * The bay with a free place over [s, s+p) whose free stretch is the shortest (best fit: long
   * stretches stay whole for long jobs), or -1; 0 when the shop has no bays.
   */
  bayFor(s: number, p: number): number {
    const runs = this.bayRun;
    if (!runs.length) return 0;
    if (this.anyBay[s]! < p) return -1;
    let best = -1;
    for (let b = 0; b < runs.length; b++) {
      const r = runs[b]![s]!;
      if (r >= p && (best < 0 || r < runs[best]![s]!)) best = b;
    }
    return best;
  }

  /**
   * The earliest start of a job on any of its technicians, with the first (least versatile)
   * technician free then: scans slots once, skipping what no bay, the vehicle or no technician
   * can take. Null when it fits nowhere in the horizon.
   */
  earliest(job: GridJob): Slotted | null {
    const { p, eligible } = job;
    const runs = this.run;
    const busy = this.vehicles[job.vehicle]!;
    const hasBays = this.bayRun.length > 0;
    const anyBay = this.anyBay;
    const last = this.grid.nSlots - p + 1;
    const techRun = this.groupRun[job.group]!;
    let s = this.#frontier(job);
    while (s < last) {
      if (techRun[s]! < p || (hasBays && anyBay[s]! < p)) {
        s++;
        continue;
      }
      let blocked = -1;
      for (let i = s + p - 1; i >= s; i--) {
        if (busy[i]) {
          blocked = i;
          break;
        }
      }
      if (blocked >= 0) {
        s = blocked + 1;
        continue;
      }
      for (let r = 0; r < eligible.length; r++) {
        const k = eligible[r]!;
        if (runs[k]![s]! >= p) return { k, s, bay: this.bayFor(s, p) };
      }
      s++;
    }
    return null;
  }

  /** First slot at which any technician of the job's group is free (slots only fill up during a decode). */
  #frontier(job: GridJob): number {
    let s = this.frontiers[job.group]!;
    const n = this.grid.nSlots;
    const techRun = this.groupRun[job.group]!;
    while (s < n && techRun[s] === 0) s++;
    this.frontiers[job.group] = s;
    return s;
  }

  /** The bay for [s, s+p) if it is free on technician k, for the vehicle and in some bay; else -1. */
  fits(k: number, vehicle: number, s: number, p: number): number {
    if (s < 0 || s + p > this.grid.nSlots || this.run[k]![s]! < p) return -1;
    const busy = this.vehicles[vehicle]!;
    for (let i = s; i < s + p; i++) if (busy[i]) return -1;
    return this.bayFor(s, p);
  }

  commit(job: GridJob, at: Slotted) {
    const { s } = at;
    const p = job.p;
    const run = this.run[at.k]!;
    run.fill(0, s, s + p);
    let lo = s - 1;
    for (; lo >= 0 && run[lo]! > 0; lo--) run[lo] = run[lo + 1]! + 1;
    for (const g of this.techGroups[at.k]!) this.#refreshGroup(g, lo + 1, s + p);
    this.vehicles[job.vehicle]!.fill(1, s, s + p);
    if (this.bayRun.length) {
      const use = this.bayUse[at.bay]!;
      const bayRun = this.bayRun[at.bay]!;
      const cap = this.grid.bayCapacity[at.bay]!;
      for (let i = s; i < s + p; i++) use[i]!++;
      let i = s + p - 1;
      for (; i >= 0; i--) {
        if (i < s && use[i]! >= cap) break;
        bayRun[i] = use[i]! < cap ? bayRun[i + 1]! + 1 : 0;
      }
      this.#refreshAnyBay(i + 1, s + p);
    }
    const start = this.grid.t0 + s * this.grid.slotMs;
    const v = job.vehicle * 2;
    if (Number.isNaN(this.span[v]!)) {
      this.span[v] = start;
      this.span[v + 1] = start + job.durMs;
    } else {
      this.span[v] = Math.min(this.span[v]!, start);
      this.span[v + 1] = Math.max(this.span[v + 1]!, start + job.durMs);
    }
  }

  /** Downtime added by placing the job at `start`. */
  downtimeDelta(job: GridJob, start: number): number {
    const v = job.vehicle * 2;
    const lo = this.span[v]!;
    if (Number.isNaN(lo)) return job.durMs;
    const hi = this.span[v + 1]!;
    return Math.max(hi, start + job.durMs) - Math.min(lo, start) - (hi - lo);
  }
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

function decode(grid: Grid, order: readonly number[], bundle = false): Decoded {
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

const improves = (a: Decoded, b: Decoded) => a.cost < b.cost - 1e-9 || (Math.abs(a.cost - b.cost) <= 1e-9 && a.downtimeMs < b.downtimeMs);

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const dueKey = (due: number | null) => due ?? Number.POSITIVE_INFINITY;

/** The orders tried first; the first is the documented one: priority, then due date. */
function initialOrders(grid: Grid): number[][] {
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
const defaultBudget = (grid: Grid) => {
  const work = Math.max(1, grid.jobs.length) * Math.max(1, grid.nSlots / 8);
  return Math.max(6, Math.min(10_000, Math.floor(6_000_000 / work)));
};

/** mulberry32 seeded from the instance's shape: reproducible perturbations, no clock. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/* ------------------------------------------------------------------------------------------ */

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
    const random = prng(0x9e3779b9 ^ (n * 2654435761) ^ grid.nSlots ^ c);
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

function jobCost(grid: Grid, decoded: Decoded, j: number) {
  const job = grid.jobs[j]!;
  const at = decoded.slots[j];
  if (!at) return unscheduledCost(job, grid);
  return latenessCost(job, grid.t0 + at.s * grid.slotMs + job.durMs);
}

function toResult(input: SchedulerInput, grid: Grid, decoded: Decoded, evaluations: number): ScheduleResult {
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
    objective: { weightedLatenessHours: round(weightedLatenessHours), unscheduledPenalty: round(unscheduledPenalty), downtimeHours: round(decoded.downtimeMs / HOUR_MS) },
    evaluations,
  };
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** A sentence saying which resource left the job out. */
function whyUnplaced(input: SchedulerInput, grid: Grid, finalState: () => State, job: GridJob): string {
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
  if (!techAndVehicle) return `Vehicle ${wo.vehicleId} is booked whenever a ${who} is free between ${iso(input.from)} and ${iso(input.to)}.`;
  return `Every bay is full whenever a ${who} and the vehicle are free between ${iso(input.from)} and ${iso(input.to)}.`;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Checks a schedule against the booking rules the API enforces (skill, shift, technician,
 * vehicle and bay overlaps against existing bookings and each other), the horizon, and that
 * every work order appears exactly once. Returns the violations (empty = valid).
 */
export function verifySchedule(input: SchedulerInput, result: Pick<ScheduleResult, "scheduled" | "unscheduled">): string[] {
  const problems: string[] = [];
  const byId = new Map(input.workOrders.map((w) => [w.id, w]));
  const seen = new Map<string, number>();
  for (const id of [...result.scheduled.map((p) => p.workOrderId), ...result.unscheduled.map((u) => u.workOrderId)]) {
    seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  for (const w of input.workOrders) if (seen.get(w.id) !== 1) problems.push(`${w.id} appears ${seen.get(w.id) ?? 0} times`);
  for (const id of seen.keys()) if (!byId.has(id)) problems.push(`${id} is not an input work order`);

  const techs = new Map(input.technicians.map((t) => [t.id, t]));
  const bays = new Map(input.bays.map((b) => [b.id, b]));
  const booked: Booking[] = [...input.bookings];
  for (const p of result.scheduled) {
    const wo = byId.get(p.workOrderId);
    if (!wo) continue;
    if (p.start < input.from || p.end > input.to) problems.push(`${p.workOrderId} is outside the horizon`);
    if (p.end - p.start !== wo.durationMinutes * MINUTE_MS) problems.push(`${p.workOrderId} does not last its duration`);
    const technician = techs.get(p.technicianId);
    if (!technician) problems.push(`${p.workOrderId} has an unknown technician`);
    if (input.bays.length && !p.bayId) problems.push(`${p.workOrderId} has no bay`);
    const bay = p.bayId ? bays.get(p.bayId) : undefined;
    if (p.bayId && !bay) problems.push(`${p.workOrderId} has an unknown bay`);
    const candidate: Booking = { workOrderId: p.workOrderId, vehicleId: wo.vehicleId, technicianId: p.technicianId, bayId: p.bayId, start: p.start, end: p.end };
    const conflict = findBookingConflict(candidate, booked, {
      technician: technician ? { ...technician, name: technician.name ?? technician.id } : null,
      bay: bay ? { ...bay, name: bay.name ?? bay.id } : null,
      skill: wo.skill,
    });
    if (conflict) problems.push(`${p.workOrderId}: ${conflict.kind}: ${conflict.reason}`);
    booked.push(candidate);
  }
  return problems;
}

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
  return { weightedLatenessHours: round(weightedLatenessHours), unscheduledPenalty: round(unscheduledPenalty), downtimeHours: round(downtime / HOUR_MS) };
}
