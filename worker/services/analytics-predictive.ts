/**
 * How the predictions do in this tenant's field, from what the workshop found:
 * - `raised`: `predictive_failure` alerts (the model components') created in [from, to); `followedByWorkOrder`: those a
 *   work order for the same vehicle followed within FOLLOW_UP_DAYS (opened from the alert, or a
 *   manual or predictive one after it). That a work order was opened confirms nothing by itself
 *   (every predictive alert opens one), so it is not the precision.
 * - `workOrders`: predictive work orders created in [from, to) by what became of them (also those
 *   a fault-code alert opened for a high engine risk, which raises no predictive alert of its own).
 *   `precision` = confirmed / (confirmed + no fault found + cancelled): a cancelled predictive work
 *   order counts against the prediction like a no-fault one; open ones and completions without an
 *   outcome are not decided yet. `confirmedRate` repeats it (the name earlier versions used).
 * - `leadTimeDays`: median days from the prediction (the work order's creation) to the workshop
 *   confirming the failure (its completion), over confirmed ones.
 */
import { VEHICLE_HEALTH_VERSION } from "../../models/vehicle/index.js";
import { iso } from "../lib/time";

export const PREDICTIVE_ALERT_TYPE = "predictive_failure";
export const FOLLOW_UP_DAYS = 30;
const DAY_MS = 86_400_000;

export interface PredictiveAnalytics {
  from: string;
  to: string;
  raised: number;
  followedByWorkOrder: number;
  workOrders: { proposed: number; confirmed: number; noFaultFound: number; cancelled: number; undecided: number };
  /** confirmed / (confirmed + noFaultFound + cancelled); null before any is decided. */
  precision: number | null;
  confirmedRate: number | null;
  leadTimeDays: number | null;
  followUpDays: number;
  model: { name: string; version: string };
}

const median = (xs: number[]) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

// Predictive alerts are few and a period's alerts many: read them by the (tenant, type) index
// (without table statistics SQLite would prefer scanning the covering created_at index).
export async function predictiveAnalytics(d1: D1Database, tenantId: string, from: number, to: number): Promise<PredictiveAnalytics> {
  const [alertRow, orders] = await Promise.all([
    d1
      .prepare(
        `SELECT count(*) AS raised, coalesce(sum(EXISTS (
           SELECT 1 FROM work_orders w WHERE w.tenant_id = ?1 AND w.vehicle_id = a.vehicle_id
             AND (w.alert_id = a.id OR (w.source IN ('manual', 'predictive') AND w.created_at >= a.created_at AND w.created_at < a.created_at + ?5))
         )), 0) AS followed
         FROM alerts a INDEXED BY alerts_tenant_type_created WHERE a.tenant_id = ?1 AND a.type = ?4 AND a.created_at >= ?2 AND a.created_at < ?3`,
      )
      .bind(tenantId, from, to, PREDICTIVE_ALERT_TYPE, FOLLOW_UP_DAYS * DAY_MS)
      .first<{ raised: number; followed: number }>(),
    d1
      .prepare(
        `SELECT status, outcome, created_at AS createdAt, completed_at AS completedAt FROM work_orders
         WHERE tenant_id = ?1 AND source = 'predictive' AND created_at >= ?2 AND created_at < ?3`,
      )
      .bind(tenantId, from, to)
      .all<{ status: string; outcome: string | null; createdAt: number; completedAt: number | null }>(),
  ]);
  const rows = orders.results;
  const confirmed = rows.filter((r) => r.status === "completed" && r.outcome === "failure_confirmed");
  const noFaultFound = rows.filter((r) => r.status === "completed" && r.outcome === "no_fault_found").length;
  const cancelled = rows.filter((r) => r.status === "cancelled").length;
  const decided = confirmed.length + noFaultFound + cancelled;
  const precision = decided ? confirmed.length / decided : null;
  const leadTimes = confirmed.filter((r) => r.completedAt !== null).map((r) => (r.completedAt! - r.createdAt) / DAY_MS);
  const leadTime = median(leadTimes);
  return {
    from: iso(from),
    to: iso(to),
    raised: alertRow?.raised ?? 0,
    followedByWorkOrder: alertRow?.followed ?? 0,
    workOrders: { proposed: rows.length, confirmed: confirmed.length, noFaultFound, cancelled, undecided: rows.length - decided },
    precision,
    confirmedRate: precision,
    leadTimeDays: leadTime === null ? null : Math.round(leadTime * 100) / 100,
    followUpDays: FOLLOW_UP_DAYS,
    model: { name: "vehicle-health", version: VEHICLE_HEALTH_VERSION },
  };
}
