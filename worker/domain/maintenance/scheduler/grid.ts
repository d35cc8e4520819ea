/**
 * The grid: shifts and existing bookings turned into slot arrays once per call, and work orders
 * into jobs with their eligible technicians. Shared with the benchmark's exact model.
 */
import { hasSkill } from "../booking";
import { PRIORITY_WEIGHT } from "../lifecycle";
import { HOUR_MS, MINUTE_MS } from "../../time-zone";
import { shiftWindows } from "../shifts";
import type { SchedulerInput } from "./types";

/** Deterministic string order (ids). */
export const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

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

export const slotOf = (grid: { t0: number; slotMs: number }, ms: number, round: "floor" | "ceil") =>
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
