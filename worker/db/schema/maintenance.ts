/** Maintenance: plans, service records, meter samples, technicians, bays, work orders and due states. */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt, tenantRef, users, vehicleRef } from "./core";

// ---------------------------------------------------------------------------------------------
// Maintenance: service plans, recorded services, meter snapshots for forecasts, shop
// resources (technicians, bays), work orders with their status history, and the last due status
// of each (vehicle, plan) pair so the sweep can tell transitions.
// ---------------------------------------------------------------------------------------------

export const WORK_ORDER_STATUSES = ["open", "scheduled", "in_progress", "completed", "cancelled"] as const;
/** What the workshop found on completion: the failure was there, or nothing was wrong. */
export const WORK_ORDER_OUTCOMES = ["failure_confirmed", "no_fault_found"] as const;
export const WORK_ORDER_PRIORITIES = ["urgent", "high", "normal", "low"] as const;
export const WORK_ORDER_SOURCES = ["manual", "plan", "predictive", "alert"] as const;
export const DUE_STATUSES = ["ok", "due_soon", "overdue"] as const;

export interface ShiftRow {
  weekday: number;
  start: string;
  end: string;
}

export const maintenancePlans = sqliteTable(
  "maintenance_plans",
  {
    id: text("id").primaryKey(),
    tenantId: tenantRef(),
    name: text("name").notNull(),
    /** Null: not limited to listed vehicles. */
    vehicleIds: text("vehicle_ids", { mode: "json" }).$type<string[] | null>(),
    /** Null: any vehicle type. */
    vehicleType: text("vehicle_type"),
    everyKm: real("every_km"),
    everyEngineHours: real("every_engine_hours"),
    everyDays: real("every_days"),
    dueSoonKm: real("due_soon_km"),
    dueSoonEngineHours: real("due_soon_engine_hours"),
    dueSoonDays: real("due_soon_days"),
    durationMinutes: integer("duration_minutes").notNull(),
    skill: text("skill"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [index("maintenance_plans_tenant").on(t.tenantId, t.id)],
);

/** A service done on a vehicle under a plan: where the plan's next interval starts. */
export const serviceRecords = sqliteTable(
  "service_records",
  {
    id: text("id").primaryKey(),
    tenantId: tenantRef(),
    vehicleId: vehicleRef(),
    planId: text("plan_id")
      .notNull()
      .references(() => maintenancePlans.id, { onDelete: "cascade" }),
    /** The completed work order that recorded it (at most one record per work order). */
    workOrderId: text("work_order_id"),
    odometerKm: real("odometer_km"),
    engineHours: real("engine_hours"),
    performedAt: integer("performed_at", { mode: "number" }).notNull(),
    createdAt: createdAt(),
    /** The vehicle's last service before the plan applied (onboarding), replaced when set again. */
    baseline: integer("baseline", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [
    index("service_records_pair").on(t.tenantId, t.vehicleId, t.planId, t.performedAt),
    uniqueIndex("service_records_work_order").on(t.workOrderId),
  ],
);

/** One meter reading per vehicle and UTC day: the history behind "average daily km over 30 days". */
export const meterSamples = sqliteTable(
  "meter_samples",
  {
    tenantId: tenantRef(),
    vehicleId: vehicleRef(),
    /** floor(at / 86,400,000). */
    day: integer("day").notNull(),
    odometerKm: real("odometer_km"),
    engineHours: real("engine_hours"),
    at: integer("at", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.vehicleId, t.day] })],
);

export const technicians = sqliteTable(
  "technicians",
  {
    id: text("id").primaryKey(),
    tenantId: tenantRef(),
    name: text("name").notNull(),
    /** The technician's login, if it has one: it may then update its own work orders. */
    userId: text("user_id").references(() => users.id, { onDelete: "set null" }),
    skills: text("skills", { mode: "json" }).$type<string[]>().notNull(),
    shifts: text("shifts", { mode: "json" }).$type<ShiftRow[]>().notNull(),
    timeZone: text("time_zone").notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [index("technicians_tenant").on(t.tenantId, t.id), uniqueIndex("technicians_tenant_user").on(t.tenantId, t.userId)],
);

export const bays = sqliteTable(
  "bays",
  {
    id: text("id").primaryKey(),
    tenantId: tenantRef(),
    name: text("name").notNull(),
    capacity: integer("capacity").notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [index("bays_tenant").on(t.tenantId, t.id)],
);

export const workOrders = sqliteTable(
  "work_orders",
  {
    id: text("id").primaryKey(),
    tenantId: tenantRef(),
    vehicleId: vehicleRef(),
    planId: text("plan_id").references(() => maintenancePlans.id, { onDelete: "set null" }),
    alertId: text("alert_id"),
    title: text("title").notNull(),
    priority: text("priority", { enum: WORK_ORDER_PRIORITIES }).notNull(),
    source: text("source", { enum: WORK_ORDER_SOURCES }).notNull(),
    status: text("status", { enum: WORK_ORDER_STATUSES }).notNull(),
    dueDate: integer("due_date", { mode: "number" }),
    durationMinutes: integer("duration_minutes").notNull(),
    skill: text("skill"),
    technicianId: text("technician_id").references(() => technicians.id, { onDelete: "set null" }),
    bayId: text("bay_id").references(() => bays.id, { onDelete: "set null" }),
    scheduledStart: integer("scheduled_start", { mode: "number" }),
    scheduledEnd: integer("scheduled_end", { mode: "number" }),
    startedAt: integer("started_at", { mode: "number" }),
    completedAt: integer("completed_at", { mode: "number" }),
    cancelledAt: integer("cancelled_at", { mode: "number" }),
    notes: text("notes"),
    costCents: integer("cost_cents"),
    /** `plan:vehicle:baseline` for plan work orders: one per plan interval, whatever races. */
    planCycle: text("plan_cycle"),
    /** Predictive work orders: the component at risk (one open per vehicle and component). */
    component: text("component"),
    /** Set on completion: failure confirmed or no fault found. */
    outcome: text("outcome", { enum: WORK_ORDER_OUTCOMES }),
    createdBy: text("created_by"),
    /** Changes on every write: guarded updates compare it (optimistic concurrency). */
    rev: text("rev").notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [
    index("work_orders_tenant_created").on(t.tenantId, t.id),
    index("work_orders_tenant_status").on(t.tenantId, t.status, t.id),
    index("work_orders_tenant_vehicle").on(t.tenantId, t.vehicleId, t.id),
    index("work_orders_tenant_technician").on(t.tenantId, t.technicianId, t.scheduledStart),
    index("work_orders_tenant_bay").on(t.tenantId, t.bayId, t.scheduledStart),
    uniqueIndex("work_orders_plan_cycle").on(t.tenantId, t.planCycle),
    uniqueIndex("work_orders_alert").on(t.tenantId, t.alertId),
    index("work_orders_tenant_vehicle_component").on(t.tenantId, t.vehicleId, t.component, t.status),
  ],
);

/** Every status change of a work order (and its creation, with `fromStatus` null). */
export const workOrderEvents = sqliteTable(
  "work_order_events",
  {
    id: text("id").primaryKey(),
    tenantId: tenantRef(),
    workOrderId: text("work_order_id")
      .notNull()
      .references(() => workOrders.id, { onDelete: "cascade" }),
    fromStatus: text("from_status", { enum: WORK_ORDER_STATUSES }),
    toStatus: text("to_status", { enum: WORK_ORDER_STATUSES }).notNull(),
    actorId: text("actor_id"),
    at: integer("at", { mode: "number" }).notNull(),
  },
  (t) => [index("work_order_events_order").on(t.tenantId, t.workOrderId, t.at)],
);

/** The due status the maintenance sweep last saw per (vehicle, plan), to tell transitions. */
export const maintenanceDueStates = sqliteTable(
  "maintenance_due_states",
  {
    tenantId: tenantRef(),
    vehicleId: vehicleRef(),
    planId: text("plan_id")
      .notNull()
      .references(() => maintenancePlans.id, { onDelete: "cascade" }),
    status: text("status", { enum: DUE_STATUSES }).notNull(),
    changedAt: integer("changed_at", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.vehicleId, t.planId] })],
);

export const METERS = ["odometerKm", "engineHours"] as const;
export const METER_FLAG_REASONS = ["backwards", "too_fast"] as const;
export const METER_FLAG_STATUSES = ["pending", "accepted", "voided"] as const;

/** The meter readings maintenance counts with: per vehicle and meter, the newest accepted reading. */
export const vehicleMeters = sqliteTable(
  "vehicle_meters",
  {
    tenantId: tenantRef(),
    vehicleId: vehicleRef(),
    meter: text("meter", { enum: METERS }).notNull(),
    value: real("value").notNull(),
    /** The reading's event time. */
    at: integer("at", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.vehicleId, t.meter] })],
);

/** A meter reading not applied to maintenance (backwards or implausibly fast) until a manager accepts it. */
export const meterFlags = sqliteTable(
  "meter_flags",
  {
    id: text("id").primaryKey(),
    tenantId: tenantRef(),
    vehicleId: vehicleRef(),
    meter: text("meter", { enum: METERS }).notNull(),
    value: real("value").notNull(),
    at: integer("at", { mode: "number" }).notNull(),
    reason: text("reason", { enum: METER_FLAG_REASONS }).notNull(),
    /** The accepted reading it was checked against. */
    previousValue: real("previous_value").notNull(),
    previousAt: integer("previous_at", { mode: "number" }).notNull(),
    status: text("status", { enum: METER_FLAG_STATUSES }).notNull(),
    createdAt: createdAt(),
    resolvedAt: integer("resolved_at", { mode: "number" }),
    resolvedBy: text("resolved_by"),
  },
  (t) => [
    index("meter_flags_tenant_status").on(t.tenantId, t.status, t.id),
    index("meter_flags_reading").on(t.tenantId, t.vehicleId, t.meter, t.at),
    // One pending flag per vehicle and meter: newer rejected readings replace its reading.
    uniqueIndex("meter_flags_one_pending").on(t.tenantId, t.vehicleId, t.meter).where(sql`${t.status} = 'pending'`),
  ],
);

/** When a plan first applied to a vehicle, with its meters then (fleet onboarding). */
export const maintenancePlanStarts = sqliteTable(
  "maintenance_plan_starts",
  {
    tenantId: tenantRef(),
    planId: text("plan_id")
      .notNull()
      .references(() => maintenancePlans.id, { onDelete: "cascade" }),
    vehicleId: vehicleRef(),
    appliedAt: integer("applied_at", { mode: "number" }).notNull(),
    /** Null: unknown (pairs from before onboarding was tracked). */
    odometerKm: real("odometer_km"),
    engineHours: real("engine_hours"),
    /** A manager confirmed the vehicle is overdue as it stands (no baseline to give). */
    confirmedAt: integer("confirmed_at", { mode: "number" }),
    confirmedBy: text("confirmed_by"),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.planId, t.vehicleId] })],
);

export type MaintenancePlan = typeof maintenancePlans.$inferSelect;
export type ServiceRecord = typeof serviceRecords.$inferSelect;
export type Technician = typeof technicians.$inferSelect;
export type Bay = typeof bays.$inferSelect;
export type WorkOrder = typeof workOrders.$inferSelect;
export type WorkOrderEvent = typeof workOrderEvents.$inferSelect;
export type VehicleMeter = typeof vehicleMeters.$inferSelect;
export type MeterFlag = typeof meterFlags.$inferSelect;
export type MaintenancePlanStart = typeof maintenancePlanStarts.$inferSelect;
