/**
 * Service intervals and due status (docs/api.md "Maintenance"): "whichever comes first" over km,
 * engine hours and days. Pure: plain numbers in, plain numbers out (epoch ms for times).
 */
import { DAY_MS } from "../time-zone";

export type DueStatus = "ok" | "due_soon" | "overdue";
export const DUE_STATUSES = ["ok", "due_soon", "overdue"] as const satisfies readonly DueStatus[];

/** The interval part of a plan; `null` means the plan does not use that measure. */
export interface PlanInterval {
  everyKm: number | null;
  everyEngineHours: number | null;
  everyDays: number | null;
  dueSoonKm: number | null;
  dueSoonEngineHours: number | null;
  dueSoonDays: number | null;
}

/** Where the current interval starts: the last recorded service, or the plan's start. */
export interface Baseline {
  odometerKm: number | null;
  engineHours: number | null;
  /** Epoch ms of the service, or of the plan's creation. */
  at: number;
}

export interface Meters {
  odometerKm: number | null;
  engineHours: number | null;
}

/** Average use per day; `null` when it cannot be told (too little history). */
export interface DailyRates {
  kmPerDay: number | null;
  engineHoursPerDay: number | null;
}

export interface DueState {
  status: DueStatus;
  dueAtKm: number | null;
  dueAtEngineHours: number | null;
  /** The days measure's due date (epoch ms), null if the plan has no `everyDays`. */
  dueDate: number | null;
  remainingKm: number | null;
  remainingEngineHours: number | null;
  remainingDays: number | null;
  /**
   * When the service is expected to fall due, whichever measure comes first: the days measure's
   * date and the dates at which the average daily km and engine hours reach their due points.
   * Null when no measure can be projected. Equal to `now` or earlier once overdue.
   */
  forecastDate: number | null;
}

/** The first interval starts at zero meters and the plan's creation (as Fleetio counts it). */
export const planStartBaseline = (planCreatedAt: number): Baseline => ({ odometerKm: 0, engineHours: 0, at: planCreatedAt });

/**
 * Due status of one (vehicle, plan) pair at `now`.
 *
 * Each used measure has a due point `baseline + every`; the remaining amount is the distance to
 * it. `overdue` once any remaining amount is ≤ 0; otherwise `due_soon` once any is ≤ its
 * `dueSoon*` threshold. Because the due points come from the last service (not from multiples
 * of the interval), a vehicle that jumped past several thresholds while offline owes exactly
 * one service, and recording it moves every due point one interval past the recorded meters.
 * Unknown current meters count as unchanged since the baseline.
 */
export function dueState(plan: PlanInterval, baseline: Baseline, meters: Meters, now: number, rates?: DailyRates): DueState {
  const currentKm = meters.odometerKm ?? baseline.odometerKm ?? 0;
  const currentHours = meters.engineHours ?? baseline.engineHours ?? 0;

  const dueAtKm = plan.everyKm != null ? (baseline.odometerKm ?? 0) + plan.everyKm : null;
  const dueAtEngineHours = plan.everyEngineHours != null ? (baseline.engineHours ?? 0) + plan.everyEngineHours : null;
  const dueDate = plan.everyDays != null ? baseline.at + plan.everyDays * DAY_MS : null;

  const remainingKm = dueAtKm != null ? round(dueAtKm - currentKm) : null;
  const remainingEngineHours = dueAtEngineHours != null ? round(dueAtEngineHours - currentHours) : null;
  const remainingDays = dueDate != null ? round((dueDate - now) / DAY_MS) : null;

  // Decided on exact amounts (days in whole milliseconds), never on the rounded ones shown.
  const measures: [number | null, number | null][] = [
    [dueAtKm != null ? dueAtKm - currentKm : null, plan.dueSoonKm],
    [dueAtEngineHours != null ? dueAtEngineHours - currentHours : null, plan.dueSoonEngineHours],
    [dueDate != null ? dueDate - now : null, plan.dueSoonDays != null ? plan.dueSoonDays * DAY_MS : null],
  ];
  let status: DueStatus = "ok";
  for (const [remaining, soon] of measures) {
    if (remaining == null) continue;
    if (remaining <= EPSILON) {
      status = "overdue";
      break;
    }
    if (soon != null && remaining <= soon + EPSILON) status = "due_soon";
  }

  const projections: number[] = [];
  if (dueDate != null) projections.push(dueDate);
  if (remainingKm != null) {
    const at = project(remainingKm, rates?.kmPerDay ?? null, now);
    if (at != null) projections.push(at);
  }
  if (remainingEngineHours != null) {
    const at = project(remainingEngineHours, rates?.engineHoursPerDay ?? null, now);
    if (at != null) projections.push(at);
  }
  const forecastDate = projections.length ? Math.min(...projections) : null;

  return { status, dueAtKm, dueAtEngineHours, dueDate, remainingKm, remainingEngineHours, remainingDays, forecastDate };
}

/** When a remaining amount runs out at `perDay`: `now` if already used up, null if no usage is known. */
function project(remaining: number, perDay: number | null, now: number): number | null {
  if (remaining <= 0) return now;
  if (perDay == null || !(perDay > 0)) return null;
  return Math.round(now + (remaining / perDay) * DAY_MS);
}

/** Float noise (0.1 + 0.2 − 0.3) must not decide a state. */
const EPSILON = 1e-9;
/** Amounts as shown: float noise trimmed (15,000.000000001 km → 15,000). */
const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** One meter reading of a vehicle at a time. */
export interface MeterSample {
  at: number;
  odometerKm: number | null;
  engineHours: number | null;
}

/**
 * Average daily km and engine hours over the `windowDays` before `now`, from meter samples
 * (telemetry snapshots, service records). The value at the window's start is interpolated
 * between the samples around it; with no sample before the window the earliest one inside is
 * the start. Less than a day of history, or a meter that went backwards, gives `null`.
 */
export function averageDailyRates(samples: readonly MeterSample[], now: number, windowDays = 30): DailyRates {
  const windowStart = now - windowDays * DAY_MS;
  const rate = (pick: (s: MeterSample) => number | null): number | null => {
    const points = samples
      .filter((s) => s.at <= now && pick(s) != null)
      .map((s) => ({ at: s.at, v: pick(s)! }))
      .sort((a, b) => a.at - b.at);
    const inside = points.filter((p) => p.at >= windowStart);
    const before = points.filter((p) => p.at < windowStart).at(-1);
    const last = inside.at(-1) ?? null;
    if (!last) return null;
    let start = inside[0]!;
    if (before) {
      const first = inside[0]!;
      const share = (windowStart - before.at) / (first.at - before.at);
      start = { at: windowStart, v: before.v + (first.v - before.v) * share };
    }
    const days = (last.at - start.at) / DAY_MS;
    if (days < 1) return null;
    const delta = last.v - start.v;
    return delta < 0 ? null : delta / days;
  };
  return { kmPerDay: rate((s) => s.odometerKm), engineHoursPerDay: rate((s) => s.engineHours) };
}

/** Which vehicles a plan covers: its `vehicleIds` if given, and of its `vehicleType` if given; else all. */
export function planApplies(
  plan: { vehicleIds: readonly string[] | null; vehicleType: string | null },
  vehicle: { id: string; type: string | null },
) {
  if (plan.vehicleIds && !plan.vehicleIds.includes(vehicle.id)) return false;
  if (plan.vehicleType != null && plan.vehicleType.toLowerCase() !== (vehicle.type ?? "").toLowerCase()) return false;
  return true;
}

/** A (vehicle, plan) pair's state for deciding whether it needs a work order. */
export interface DuePair {
  vehicleId: string;
  planId: string;
  status: DueStatus;
  /** The id of the service record the current interval starts from; null for the plan's start. */
  baselineServiceId: string | null;
}

/** Key of one interval of one pair: a plan work order is created at most once per cycle. */
export const planCycleKey = (pair: Pick<DuePair, "vehicleId" | "planId" | "baselineServiceId">) =>
  `${pair.planId}:${pair.vehicleId}:${pair.baselineServiceId ?? "start"}`;

/**
 * The pairs that need a plan work order now: due soon or overdue, with no active (not
 * completed or cancelled) work order already carrying that plan for that vehicle, and none
 * created for the current cycle before (`existingCycles`). Sorted for determinism.
 */
export function pairsNeedingWorkOrders(
  pairs: readonly DuePair[],
  activeWorkOrders: readonly { vehicleId: string; planId: string | null }[],
  existingCycles: ReadonlySet<string> = new Set(),
): DuePair[] {
  const active = new Set(activeWorkOrders.filter((w) => w.planId).map((w) => `${w.planId}:${w.vehicleId}`));
  return pairs
    .filter((p) => p.status !== "ok" && !active.has(`${p.planId}:${p.vehicleId}`) && !existingCycles.has(planCycleKey(p)))
    .sort((a, b) =>
      a.vehicleId < b.vehicleId ? -1 : a.vehicleId > b.vehicleId ? 1 : a.planId < b.planId ? -1 : a.planId > b.planId ? 1 : 0,
    );
}
