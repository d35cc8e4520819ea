/** Why each person was or was not told of an alert (`GET /api/alerts/{id}/decisions`). */
import { eq, sql } from "drizzle-orm";
import { inTenant, type Db } from "../db/client";
import { alerts, type DecisionOutcome, type DecisionReason } from "../db/schema";
import { AppError } from "../lib/problem";
import { iso } from "../lib/time";
import { ownDeliveryDecisions } from "../notifications/delivery-decisions";

interface DecisionRow {
  userId: string;
  userName: string | null;
  channel: string | null;
  outcome: DecisionOutcome;
  reason: DecisionReason;
  detail: string;
  at: number;
}

/**
 * The alert's decisions in the order they were made: the recorded ones and its own deliveries'
 * outcomes (delivery-decisions.ts); 404 for an alert that is not the tenant's.
 */
export async function listAlertDecisions(db: Db, tenantId: string, alertId: string) {
  const [alert] = await db
    .select({ id: alerts.id })
    .from(alerts)
    .where(inTenant(alerts, tenantId, eq(alerts.id, alertId)));
  if (!alert) throw new AppError("not_found", "No such alert.");
  const rows = await db.all<DecisionRow>(sql`
    SELECT x.userId AS userId, u.name AS userName, x.channel AS channel, x.outcome AS outcome, x.reason AS reason, x.detail AS detail, x.at AS at
    FROM (
      SELECT id, user_id AS userId, channel, outcome, reason, detail, at FROM alert_decisions WHERE tenant_id = ${tenantId} AND alert_id = ${alertId}
      UNION ALL ${ownDeliveryDecisions(tenantId, alertId)}
    ) x LEFT JOIN users u ON u.id = x.userId AND u.tenant_id = ${tenantId}
    ORDER BY x.at, x.id`);
  return rows.map((d) => ({
    userId: d.userId,
    userName: d.userName ?? null,
    channel: d.channel,
    outcome: d.outcome,
    reason: d.reason,
    detail: JSON.parse(d.detail) as Record<string, unknown>,
    at: iso(d.at),
  }));
}
