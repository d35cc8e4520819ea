/**
 * How the edge model does in the field: `predictive_failure` alerts raised in [from, to), and how
 * many were followed by a work order for the same vehicle within `FOLLOW_UP_DAYS` (one opened
 * from the alert itself, or a manual or predictive one opened after it: the repair that confirms
 * the predicted failure). Plan work orders do not count (they would have happened anyway), nor
 * work orders opened from other alerts. Next to it, the model card's published test metrics.
 */
import cardJson from "../../models/artifacts/cmapss-fd001/card.json";
import { iso } from "../lib/time";

export const PREDICTIVE_ALERT_TYPE = "predictive_failure";
export const FOLLOW_UP_DAYS = 30;
const DAY_MS = 86_400_000;

const card = cardJson as unknown as { name: string; version: string; task?: unknown; metrics: { test: Record<string, unknown> } };

export interface PredictiveAnalytics {
  from: string;
  to: string;
  raised: number;
  followedByWorkOrder: number;
  /** followed / raised: the share of predictions the shop confirmed; null when none were raised. */
  confirmedRate: number | null;
  followUpDays: number;
  model: { name: string; version: string; testMetrics: Record<string, unknown> };
}

// Predictive alerts are few and a period's alerts many: read them by the (tenant, type) index
// (without table statistics SQLite would prefer scanning the covering created_at index).
export async function predictiveAnalytics(d1: D1Database, tenantId: string, from: number, to: number): Promise<PredictiveAnalytics> {
  const row = await d1
    .prepare(
      `SELECT count(*) AS raised, coalesce(sum(EXISTS (
         SELECT 1 FROM work_orders w WHERE w.tenant_id = ?1 AND w.vehicle_id = a.vehicle_id
           AND (w.alert_id = a.id OR (w.source IN ('manual', 'predictive') AND w.created_at >= a.created_at AND w.created_at < a.created_at + ?5))
       )), 0) AS followed
       FROM alerts a INDEXED BY alerts_facets_type WHERE a.tenant_id = ?1 AND a.type = ?4 AND a.created_at >= ?2 AND a.created_at < ?3`,
    )
    .bind(tenantId, from, to, PREDICTIVE_ALERT_TYPE, FOLLOW_UP_DAYS * DAY_MS)
    .first<{ raised: number; followed: number }>();
  const raised = row?.raised ?? 0;
  const followed = row?.followed ?? 0;
  return {
    from: iso(from),
    to: iso(to),
    raised,
    followedByWorkOrder: followed,
    confirmedRate: raised ? followed / raised : null,
    followUpDays: FOLLOW_UP_DAYS,
    model: { name: card.name, version: card.version, testMetrics: card.metrics.test },
  };
}
