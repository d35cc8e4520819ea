/** The mutable state of one decode: free runs per technician, bay and vehicle. */
import type { Grid, GridJob } from "./grid";

/** Where a job goes: technician index, start slot, bay index. */
export interface Slotted {
  k: number;
  s: number;
  bay: number;
}

/**
 * Mutable per-decode state. Free runs ("how many slots from here on are free") per technician
 * and per bay make "does a job of p slots fit at s" an O(1) question; `anyBay` is the longest
 * bay run at each slot.
 */
export class State {
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
