/**
 * What the engagement rules read, per participating user of a tenant (opted-out users are left
 * out here, so nothing downstream can score, award or rank them):
 * - drivers: the vehicles assigned to them now (`vehicles.driver_id`), their last safety alert,
 *   safety alerts and km in the last 30 days — km per vehicle = highest minus lowest odometer of
 *   its daily meter samples in the window, summed over the driver's vehicles;
 * - technicians: users linked to a technician, with their completed work orders, newest first.
 */
import { DAY_MS, SAFETY_WINDOW_DAYS, safetyTypeSql, type DriverFacts, type TechnicianFacts } from "../domain/engagement/rules";

/** Completions read per technician: enough for every streak-based badge. */
const COMPLETIONS_READ = 50;

export interface Participant {
  userId: string;
  name: string;
}

export type DriverRow = Participant & DriverFacts & { safetyAlerts: number };
export type TechnicianRow = Participant & TechnicianFacts;

const participating =
  "LEFT JOIN engagement_preferences e ON e.user_id = u.id AND e.tenant_id = u.tenant_id WHERE u.tenant_id = ?1 AND coalesce(e.opted_out, 0) = 0";

export async function driverFacts(d1: D1Database, tenantId: string, now: number, userId?: string): Promise<DriverRow[]> {
  const windowStart = now - SAFETY_WINDOW_DAYS * DAY_MS;
  const driverVehicleAlerts =
    "FROM vehicles v JOIN alerts a ON a.tenant_id = v.tenant_id AND a.vehicle_id = v.id WHERE v.tenant_id = u.tenant_id AND v.driver_id = u.id";
  const { results } = await d1
    .prepare(
      `SELECT u.id AS userId, u.name AS name, u.created_at AS userCreatedAt,
         (SELECT a.created_at ${driverVehicleAlerts} AND ${safetyTypeSql("a.type")} ORDER BY a.created_at DESC LIMIT 1) AS lastSafetyAlertAt,
         (SELECT count(*) ${driverVehicleAlerts} AND a.created_at >= ?2 AND a.created_at < ?3 AND ${safetyTypeSql("a.type")}) AS safetyAlerts,
         (SELECT coalesce(sum(k.km), 0) FROM (
            SELECT max(m.odometer_km) - min(m.odometer_km) AS km FROM vehicles v
            JOIN meter_samples m ON m.tenant_id = v.tenant_id AND m.vehicle_id = v.id AND m.at >= ?2 AND m.at < ?3 AND m.odometer_km IS NOT NULL
            WHERE v.tenant_id = u.tenant_id AND v.driver_id = u.id GROUP BY v.id) k) AS kmInWindow
       FROM users u ${participating} AND u.role = 'driver' AND (?4 IS NULL OR u.id = ?4) ORDER BY u.name, u.id`,
    )
    .bind(tenantId, windowStart, now, userId ?? null)
    .all<DriverRow>();
  return results;
}

export async function technicianFacts(d1: D1Database, tenantId: string, userId?: string): Promise<TechnicianRow[]> {
  const { results } = await d1
    .prepare(
      `SELECT u.id AS userId, u.name AS name, c.completed_at AS completedAt, c.due_date AS dueDate
       FROM users u JOIN technicians t ON t.tenant_id = u.tenant_id AND t.user_id = u.id
       LEFT JOIN (SELECT w.technician_id, w.completed_at, w.due_date, row_number() OVER (PARTITION BY w.technician_id ORDER BY w.completed_at DESC, w.id DESC) AS rn
                  FROM work_orders w WHERE w.tenant_id = ?1 AND w.status = 'completed' AND w.completed_at IS NOT NULL) c
         ON c.technician_id = t.id AND c.rn <= ${COMPLETIONS_READ}
       ${participating} AND (?2 IS NULL OR u.id = ?2) ORDER BY u.name, u.id, c.completed_at DESC`,
    )
    .bind(tenantId, userId ?? null)
    .all<Participant & { completedAt: number | null; dueDate: number | null }>();
  const byUser = new Map<string, TechnicianRow>();
  for (const row of results) {
    const entry = byUser.get(row.userId) ?? { userId: row.userId, name: row.name, completions: [] };
    if (row.completedAt != null) entry.completions.push({ completedAt: row.completedAt, dueDate: row.dueDate });
    byUser.set(row.userId, entry);
  }
  return [...byUser.values()];
}
