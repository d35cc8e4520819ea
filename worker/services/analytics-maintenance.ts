/**
 * Maintenance analytics for [from, to), over work orders completed in the period:
 * - on-time %: completed at or before their `dueDate` (work orders without one are not counted);
 * - overdue: active work orders (open, scheduled, in progress) whose due date lies before the
 *   period's end (or now, if earlier), plus (vehicle, plan) pairs the maintenance sweep last saw overdue;
 * - mean downtime: `completedAt - startedAt` (time in the shop) of those that were started;
 * - cost per km per vehicle: completed work orders' `costCents` / km driven in the period, where
 *   km = highest minus lowest odometer of the vehicle's daily meter samples taken in the period;
 * - technician productivity: completions, on-time ones and mean hours from start to completion.
 */
import { iso } from "../lib/time";

export interface VehicleCost {
  vehicleId: string;
  name: string;
  costCents: number;
  km: number;
  /** Currency units (cents / 100) per km; null without km. */
  costPerKm: number | null;
}

export interface TechnicianProductivity {
  technicianId: string;
  name: string;
  completed: number;
  onTime: number;
  meanHoursToComplete: number | null;
}

export interface MaintenanceAnalytics {
  from: string;
  to: string;
  completed: number;
  completedWithDueDate: number;
  onTime: number;
  onTimePct: number | null;
  overdueCount: number;
  overduePlans: number;
  meanDowntimeSeconds: number | null;
  costCents: number;
  km: number;
  costPerKm: number | null;
  vehicles: VehicleCost[];
  technicians: TechnicianProductivity[];
}

const COMPLETED_IN_RANGE = "w.tenant_id = ?1 AND w.status = 'completed' AND w.completed_at >= ?2 AND w.completed_at < ?3";
const perKm = (costCents: number, km: number) => (km > 0 ? costCents / 100 / km : null);

export async function maintenanceAnalytics(
  d1: D1Database,
  tenantId: string,
  from: number,
  to: number,
  now = Date.now(),
): Promise<MaintenanceAnalytics> {
  const bind = (sql: string, ...extra: unknown[]) => d1.prepare(sql).bind(tenantId, from, to, ...extra);
  const [totals, overdue, vehicles, technicians] = await d1.batch([
    bind(
      `SELECT count(*) AS completed, count(w.due_date) AS withDue, coalesce(sum(w.completed_at <= w.due_date), 0) AS onTime,
              avg(w.completed_at - w.started_at) AS downtimeMs
       FROM work_orders w WHERE ${COMPLETED_IN_RANGE}`,
    ),
    d1
      .prepare(
        `SELECT (SELECT count(*) FROM work_orders w WHERE w.tenant_id = ?1 AND w.status IN ('open', 'scheduled', 'in_progress')
                  AND w.due_date IS NOT NULL AND w.due_date < ?2) AS workOrders,
                (SELECT count(*) FROM maintenance_due_states s WHERE s.tenant_id = ?1 AND s.status = 'overdue') AS plans`,
      )
      .bind(tenantId, Math.min(to, now)),
    bind(
      `WITH cost AS (SELECT w.vehicle_id, sum(coalesce(w.cost_cents, 0)) AS cents FROM work_orders w WHERE ${COMPLETED_IN_RANGE} GROUP BY w.vehicle_id),
            km AS (SELECT m.vehicle_id, max(m.odometer_km) - min(m.odometer_km) AS km FROM meter_samples m
                   WHERE m.tenant_id = ?1 AND m.at >= ?2 AND m.at < ?3 AND m.odometer_km IS NOT NULL GROUP BY m.vehicle_id)
       SELECT v.id AS vehicleId, v.name AS name, coalesce(cost.cents, 0) AS costCents, coalesce(km.km, 0) AS km
       FROM vehicles v LEFT JOIN cost ON cost.vehicle_id = v.id LEFT JOIN km ON km.vehicle_id = v.id
       WHERE v.tenant_id = ?1 AND (cost.cents IS NOT NULL OR km.km IS NOT NULL) ORDER BY v.name, v.id`,
    ),
    bind(
      `SELECT t.id AS technicianId, t.name AS name, count(*) AS completed, coalesce(sum(w.completed_at <= w.due_date), 0) AS onTime,
              avg(w.completed_at - w.started_at) / 3600000.0 AS meanHoursToComplete
       FROM work_orders w JOIN technicians t ON t.id = w.technician_id AND t.tenant_id = ?1
       WHERE ${COMPLETED_IN_RANGE} GROUP BY t.id ORDER BY completed DESC, t.name`,
    ),
  ]);
  const t = totals!.results[0] as { completed: number; withDue: number; onTime: number; downtimeMs: number | null };
  const o = overdue!.results[0] as { workOrders: number; plans: number };
  const vehicleRows = (vehicles!.results as Omit<VehicleCost, "costPerKm">[]).map((v) => ({ ...v, costPerKm: perKm(v.costCents, v.km) }));
  const costCents = vehicleRows.reduce((s, v) => s + v.costCents, 0);
  const km = vehicleRows.reduce((s, v) => s + v.km, 0);
  return {
    from: iso(from),
    to: iso(to),
    completed: t.completed,
    completedWithDueDate: t.withDue,
    onTime: t.onTime,
    onTimePct: t.withDue ? (100 * t.onTime) / t.withDue : null,
    overdueCount: o.workOrders,
    overduePlans: o.plans,
    meanDowntimeSeconds: t.downtimeMs == null ? null : t.downtimeMs / 1000,
    costCents,
    km,
    costPerKm: perKm(costCents, km),
    vehicles: vehicleRows,
    technicians: technicians!.results as unknown as TechnicianProductivity[],
  };
}
