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
 *
 * The parts live in ./scheduler/: types, grid (input → slot arrays), objective, state (free
 * runs), decode (an order → a schedule), search (orders), result and explain (unscheduled
 * reasons), verify (an independent constraint check).
 */
export { buildGrid, type Grid, type GridJob } from "./scheduler/grid";
export { latenessCost, scheduleObjective, unscheduledCost } from "./scheduler/objective";
export { autoSchedule, scheduleInOrder } from "./scheduler/search";
export type {
  Placement,
  ScheduleObjective,
  ScheduleResult,
  SchedulerBay,
  SchedulerInput,
  SchedulerTechnician,
  SchedulerWorkOrder,
} from "./scheduler/types";
export { verifySchedule } from "./scheduler/verify";
