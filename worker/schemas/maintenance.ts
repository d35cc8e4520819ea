/**
 * Request and response shapes of maintenance: plans, due status, service records, technicians,
 * bays, work orders and the auto-scheduler (docs/api.md "Maintenance").
 */
import { z } from "@hono/zod-openapi";
import { DUE_STATUSES, WORK_ORDER_OUTCOMES, WORK_ORDER_PRIORITIES, WORK_ORDER_SOURCES, WORK_ORDER_STATUSES } from "../db/schema";
import { parseClock } from "../domain/time-zone";
import { IsoDate, PageQuery } from "./common";
import { TimeZone } from "./time-zone";

export const Id = z.string().min(1).max(64);
const Name = z.string().trim().min(1).max(120);
const Interval = z.number().finite().positive().max(1e8);
const Threshold = z.number().finite().min(0).max(1e8);
const Skill = z.string().trim().min(1).max(40).openapi({ example: "brakes" });
const Duration = z
  .number()
  .int()
  .min(1)
  .max(24 * 60)
  .openapi({ description: "Minutes", example: 90 });

/* ------------------------------------------------------------------ plans */

export interface PlanShape {
  everyKm?: number | null;
  everyEngineHours?: number | null;
  everyDays?: number | null;
  dueSoonKm?: number | null;
  dueSoonEngineHours?: number | null;
  dueSoonDays?: number | null;
}

const MEASURES = [
  ["everyKm", "dueSoonKm"],
  ["everyEngineHours", "dueSoonEngineHours"],
  ["everyDays", "dueSoonDays"],
] as const;

/** Cross-field rules for a plan (create, and a patch merged onto the stored plan). */
export function planIssues(plan: PlanShape): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  if (MEASURES.every(([every]) => plan[every] == null)) {
    for (const [every] of MEASURES)
      issues.push({ path: every, message: "At least one of everyKm, everyEngineHours or everyDays is required" });
  }
  for (const [every, soon] of MEASURES) {
    const interval = plan[every];
    const threshold = plan[soon];
    if (threshold == null) continue;
    if (interval == null) issues.push({ path: soon, message: `Only with ${every}` });
    else if (threshold >= interval) issues.push({ path: soon, message: `Must be less than ${every}` });
  }
  return issues;
}

const planFields = {
  name: Name.openapi({ example: "Oil change" }),
  vehicleIds: z.array(Id).min(1).max(1000).nullable().openapi({ description: "Only these vehicles (null: not limited)" }),
  vehicleType: z
    .string()
    .trim()
    .min(1)
    .max(40)
    .nullable()
    .openapi({ description: "Only vehicles of this type (null: any)", example: "truck" }),
  everyKm: Interval.nullable(),
  everyEngineHours: Interval.nullable(),
  everyDays: Interval.nullable(),
  dueSoonKm: Threshold.nullable(),
  dueSoonEngineHours: Threshold.nullable(),
  dueSoonDays: Threshold.nullable(),
  durationMinutes: Duration,
  skill: Skill.nullable(),
};

const Meter = z.number().finite().min(0).max(1e8);

/** The vehicle's last service before the plan applied; omitted meters and date default to the current ones and now. */
const baselineFields = {
  performedAt: IsoDate.optional().openapi({ description: "When the last service was done (default: now)" }),
  odometerKm: Meter.nullable().optional().openapi({ description: "Odometer at that service (default: the current odometer)" }),
  engineHours: Meter.nullable().optional().openapi({ description: "Engine hours at that service (default: the current engine hours)" }),
};

const PlanBaseline = z.strictObject({ vehicleId: Id, ...baselineFields }).openapi("PlanBaseline");

/** A plan's fields as a body: create requires name and duration, patch takes any subset. */
const planBody = z.strictObject({
  name: planFields.name,
  vehicleIds: planFields.vehicleIds.optional(),
  vehicleType: planFields.vehicleType.optional(),
  everyKm: planFields.everyKm.optional(),
  everyEngineHours: planFields.everyEngineHours.optional(),
  everyDays: planFields.everyDays.optional(),
  dueSoonKm: planFields.dueSoonKm.optional(),
  dueSoonEngineHours: planFields.dueSoonEngineHours.optional(),
  dueSoonDays: planFields.dueSoonDays.optional(),
  durationMinutes: planFields.durationMinutes,
  skill: planFields.skill.optional(),
  baselines: z
    .array(PlanBaseline)
    .min(1)
    .max(1000)
    .optional()
    .openapi({ description: "Onboarding: per covered vehicle, its last service before the plan applied; due points count from it" }),
});

export const CreatePlanBody = planBody
  .superRefine((plan, ctx) => {
    for (const issue of planIssues(plan)) ctx.addIssue({ code: "custom", path: [issue.path], message: issue.message });
  })
  .openapi("CreateMaintenancePlan");

export const PatchPlanBody = planBody.partial().openapi("PatchMaintenancePlan");

export const PlanSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    vehicleIds: z.array(z.string()).nullable(),
    vehicleType: z.string().nullable(),
    everyKm: z.number().nullable(),
    everyEngineHours: z.number().nullable(),
    everyDays: z.number().nullable(),
    dueSoonKm: z.number().nullable(),
    dueSoonEngineHours: z.number().nullable(),
    dueSoonDays: z.number().nullable(),
    durationMinutes: z.number(),
    skill: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("MaintenancePlan");

/* ------------------------------------------------------------------ due status */

export const DueQuery = PageQuery.extend({
  status: z.enum(DUE_STATUSES).optional(),
  baselineMissing: z
    .enum(["true", "false"])
    .optional()
    .openapi({ description: "Only pairs that do (true) or do not (false) wait for a baseline" }),
  vehicleId: Id.optional(),
  planId: Id.optional(),
});

export const DueItemSchema = z
  .object({
    vehicleId: z.string(),
    planId: z.string(),
    status: z.enum(DUE_STATUSES),
    dueAtKm: z.number().nullable(),
    dueAtEngineHours: z.number().nullable(),
    dueDate: z.string().nullable().openapi({ description: "When the days measure falls due (null without everyDays)" }),
    remainingKm: z.number().nullable(),
    remainingEngineHours: z.number().nullable(),
    remainingDays: z.number().nullable(),
    forecastDate: z.string().nullable().openapi({
      description: "Expected due date, whichever measure first, from the average daily km and engine hours of the last 30 days",
    }),
    vehicleName: z.string(),
    planName: z.string(),
    odometerKm: z.number().nullable().openapi({ description: "Current odometer used" }),
    engineHours: z.number().nullable().openapi({ description: "Current engine hours used" }),
    lastServiceAt: z.string().nullable(),
    baselineMissing: z.boolean().openapi({
      description:
        "Past its first due point when the plan applied, with no baseline: overdue, but no reminder or plan work order until a baseline is set or a manager confirms",
    }),
  })
  .openapi("MaintenanceDueItem");

/* ------------------------------------------------------------------ onboarding */

export const SetBaselinesBody = z
  .strictObject({
    items: z
      .array(z.strictObject({ vehicleId: Id, planId: Id, ...baselineFields }))
      .min(1)
      .max(500),
  })
  .openapi("SetMaintenanceBaselines");

export const ConfirmOverdueBody = z
  .strictObject({
    items: z
      .array(z.strictObject({ vehicleId: Id, planId: Id }))
      .min(1)
      .max(500),
  })
  .openapi("ConfirmMaintenanceOverdue");

export const ConfirmOverdueResult = z.object({ confirmed: z.number() }).openapi("MaintenanceOverdueConfirmed");

/* ------------------------------------------------------------------ meter flags */

export const METER_NAMES = ["odometerKm", "engineHours"] as const;

export const MeterFlagQuery = PageQuery.extend({
  status: z.enum(["pending", "accepted", "voided"]).optional(),
  vehicleId: Id.optional(),
});

export const MeterFlagSchema = z
  .object({
    id: z.string(),
    vehicleId: z.string(),
    meter: z.enum(METER_NAMES),
    value: z.number().openapi({ description: "The flagged reading" }),
    at: z.string().openapi({ description: "Its event time" }),
    reason: z
      .enum(["backwards", "too_fast"])
      .openapi({ description: "Lower than the accepted reading, or rising faster than 3,000 km / 24 h per day since it" }),
    previousValue: z.number().openapi({ description: "The accepted reading it was checked against" }),
    previousAt: z.string(),
    status: z.enum(["pending", "accepted", "voided"]),
    createdAt: z.string(),
    resolvedAt: z.string().nullable(),
    resolvedBy: z.string().nullable(),
  })
  .openapi("MeterFlag");

/* ------------------------------------------------------------------ service records */

export const CreateServiceRecordBody = z
  .strictObject({
    vehicleId: Id,
    planId: Id,
    performedAt: IsoDate.optional().openapi({ description: "Default: now" }),
    odometerKm: z
      .number()
      .finite()
      .min(0)
      .max(1e8)
      .nullable()
      .optional()
      .openapi({ description: "Default: the vehicle's current odometer" }),
    engineHours: z
      .number()
      .finite()
      .min(0)
      .max(1e8)
      .nullable()
      .optional()
      .openapi({ description: "Default: the vehicle's current engine hours" }),
  })
  .openapi("CreateServiceRecord");

export const ServiceRecordQuery = PageQuery.extend({ vehicleId: Id.optional(), planId: Id.optional() });

export const ServiceRecordSchema = z
  .object({
    id: z.string(),
    vehicleId: z.string(),
    planId: z.string(),
    workOrderId: z.string().nullable(),
    odometerKm: z.number().nullable(),
    engineHours: z.number().nullable(),
    performedAt: z.string(),
    baseline: z.boolean().openapi({ description: "A baseline: the last service before the plan applied (onboarding)" }),
    createdAt: z.string(),
  })
  .openapi("ServiceRecord");

export const BaselineList = z.object({ items: z.array(ServiceRecordSchema) }).openapi("MaintenanceBaselineList");

/* ------------------------------------------------------------------ shop */

const Clock = z.string().refine((v) => parseClock(v) !== null, "A 24-hour clock time HH:MM");
const Shift = z
  .strictObject({
    weekday: z.number().int().min(1).max(7).openapi({ description: "ISO weekday, 1 = Monday … 7 = Sunday" }),
    start: Clock.openapi({ example: "08:00" }),
    end: Clock.openapi({ example: "16:00", description: "Not after start: the shift runs past midnight" }),
  })
  .superRefine((shift, ctx) => {
    if (shift.start === shift.end) ctx.addIssue({ code: "custom", path: ["end"], message: "Must differ from start" });
  });

const technicianFields = {
  name: Name,
  userId: Id.nullable().openapi({ description: "The technician's own login (role technician)" }),
  skills: z.array(Skill).max(50),
  shifts: z.array(Shift).max(50),
  timeZone: TimeZone,
};

export const CreateTechnicianBody = z
  .strictObject({
    name: technicianFields.name,
    userId: technicianFields.userId.optional(),
    skills: technicianFields.skills,
    shifts: technicianFields.shifts,
    timeZone: technicianFields.timeZone,
  })
  .openapi("CreateTechnician");

export const PatchTechnicianBody = z
  .strictObject({
    name: technicianFields.name.optional(),
    userId: technicianFields.userId.optional(),
    skills: technicianFields.skills.optional(),
    shifts: technicianFields.shifts.optional(),
    timeZone: technicianFields.timeZone.optional(),
  })
  .openapi("PatchTechnician");

export const TechnicianSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    userId: z.string().nullable(),
    skills: z.array(z.string()),
    shifts: z.array(z.object({ weekday: z.number(), start: z.string(), end: z.string() })),
    timeZone: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Technician");

export const CreateBayBody = z.strictObject({ name: Name, capacity: z.number().int().min(1).max(100) }).openapi("CreateBay");
export const PatchBayBody = z
  .strictObject({ name: Name.optional(), capacity: z.number().int().min(1).max(100).optional() })
  .openapi("PatchBay");

export const BaySchema = z
  .object({ id: z.string(), name: z.string(), capacity: z.number(), createdAt: z.string(), updatedAt: z.string() })
  .openapi("Bay");

/* ------------------------------------------------------------------ work orders */

const Title = z.string().trim().min(1).max(200);
const Notes = z.string().max(10_000);

export const CreateWorkOrderBody = z
  .strictObject({
    vehicleId: Id,
    planId: Id.optional(),
    title: Title.openapi({ example: "Replace brake pads" }),
    priority: z.enum(WORK_ORDER_PRIORITIES),
    source: z.enum(WORK_ORDER_SOURCES).default("manual"),
    dueDate: IsoDate.optional(),
    durationMinutes: Duration.optional().openapi({ description: "Default: the plan's, else 60" }),
    skill: Skill.nullable().optional().openapi({ description: "Required technician skill. Default: the plan's" }),
    notes: Notes.optional(),
    alertId: Id.optional(),
  })
  .openapi("CreateWorkOrder");

export const WorkOrderFromAlertBody = z
  .strictObject({
    alertId: Id,
    title: Title.optional().openapi({ description: "Default: the alert's message" }),
    priority: z
      .enum(WORK_ORDER_PRIORITIES)
      .optional()
      .openapi({ description: "Default from severity: critical → urgent, high → high, medium → normal, low → low" }),
    dueDate: IsoDate.optional(),
    durationMinutes: Duration.optional(),
    skill: Skill.nullable().optional(),
  })
  .openapi("CreateWorkOrderFromAlert");

export const PatchWorkOrderBody = z
  .strictObject({
    status: z.enum(WORK_ORDER_STATUSES).optional(),
    technicianId: Id.nullable().optional(),
    bayId: Id.nullable().optional(),
    scheduledStart: IsoDate.nullable().optional(),
    scheduledEnd: IsoDate.nullable().optional(),
    notes: Notes.nullable().optional(),
    costCents: z.number().int().min(0).max(1e12).nullable().optional().openapi({ description: "Parts and labour, in cents" }),
    title: Title.optional(),
    priority: z.enum(WORK_ORDER_PRIORITIES).optional(),
    dueDate: IsoDate.nullable().optional(),
    durationMinutes: Duration.optional(),
    skill: Skill.nullable().optional(),
    outcome: z.enum(WORK_ORDER_OUTCOMES).nullable().optional().openapi({
      description:
        "What the workshop found (with or after completing): failure_confirmed or no_fault_found; predictive analytics learn from it",
    }),
  })
  .openapi("PatchWorkOrder");

/** Fields a technician may change on its own work orders. */
export const TECHNICIAN_PATCH_FIELDS = new Set(["status", "notes", "costCents", "outcome"]);

export const WorkOrderQuery = PageQuery.extend({
  status: z.enum(WORK_ORDER_STATUSES).optional(),
  vehicleId: Id.optional(),
  technicianId: Id.optional(),
  planId: Id.optional(),
  source: z.enum(WORK_ORDER_SOURCES).optional(),
  from: IsoDate.optional().openapi({ description: "Booked work orders ending after this time" }),
  to: IsoDate.optional().openapi({ description: "Booked work orders starting before this time" }),
});

export const WorkOrderSchema = z
  .object({
    id: z.string(),
    vehicleId: z.string(),
    planId: z.string().nullable(),
    alertId: z.string().nullable(),
    title: z.string(),
    priority: z.enum(WORK_ORDER_PRIORITIES),
    source: z.enum(WORK_ORDER_SOURCES),
    status: z.enum(WORK_ORDER_STATUSES),
    dueDate: z.string().nullable(),
    durationMinutes: z.number(),
    skill: z.string().nullable(),
    technicianId: z.string().nullable(),
    bayId: z.string().nullable(),
    scheduledStart: z.string().nullable(),
    scheduledEnd: z.string().nullable(),
    startedAt: z.string().nullable(),
    completedAt: z.string().nullable(),
    cancelledAt: z.string().nullable(),
    notes: z.string().nullable(),
    costCents: z.number().nullable(),
    component: z.string().nullable().openapi({ description: "Predictive work orders: the component at risk" }),
    outcome: z.enum(WORK_ORDER_OUTCOMES).nullable(),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("WorkOrder");

export const WorkOrderDetail = WorkOrderSchema.extend({
  history: z.array(
    z.object({
      fromStatus: z.enum(WORK_ORDER_STATUSES).nullable(),
      toStatus: z.enum(WORK_ORDER_STATUSES),
      at: z.string(),
      actorId: z.string().nullable(),
    }),
  ),
}).openapi("WorkOrderDetail");

export const AutoScheduleBody = z
  .strictObject({ from: IsoDate, to: IsoDate })
  .superRefine((body, ctx) => {
    const from = Date.parse(body.from);
    const to = Date.parse(body.to);
    if (!(to > from)) ctx.addIssue({ code: "custom", path: ["to"], message: "Must be after from" });
    else if (to - from > 31 * 86_400_000) ctx.addIssue({ code: "custom", path: ["to"], message: "The horizon is at most 31 days" });
  })
  .openapi("AutoScheduleRequest");

export const AutoScheduleResult = z
  .object({
    scheduled: z.array(WorkOrderSchema),
    unscheduled: z.array(z.object({ workOrderId: z.string(), reason: z.string() })),
    objective: z
      .object({ weightedLatenessHours: z.number(), unscheduledPenalty: z.number(), downtimeHours: z.number() })
      .openapi({ description: "What the scheduler minimised: priority-weighted hours late, then vehicle downtime" }),
  })
  .openapi("AutoScheduleResult");

export const SweepResult = z
  .object({
    created: z.array(WorkOrderSchema),
    transitions: z.array(z.object({ vehicleId: z.string(), planId: z.string(), from: z.enum(DUE_STATUSES), to: z.enum(DUE_STATUSES) })),
  })
  .openapi("MaintenanceSweepResult");

/* ------------------------------------------------------------------ availability */
