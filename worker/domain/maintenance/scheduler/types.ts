/** The auto-scheduler's input and output (see ../scheduler.ts for the objective and method). */
import type { Booking } from "../booking";
import type { WorkOrderPriority } from "../lifecycle";
import type { Shift } from "../shifts";

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
