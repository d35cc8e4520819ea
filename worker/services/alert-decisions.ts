/** Why each person was or was not told of an alert (`GET /api/alerts/{id}/decisions`). */
import { and, asc, eq } from "drizzle-orm";
import { inTenant, type Db } from "../db/client";
import { alertDecisions, alerts, users } from "../db/schema";
import { AppError } from "../lib/problem";
import { iso } from "../lib/time";

/** The alert's decisions in the order they were made; 404 for an alert that is not the tenant's. */
export async function listAlertDecisions(db: Db, tenantId: string, alertId: string) {
  const [alert] = await db
    .select({ id: alerts.id })
    .from(alerts)
    .where(inTenant(alerts, tenantId, eq(alerts.id, alertId)));
  if (!alert) throw new AppError("not_found", "No such alert.");
  const rows = await db
    .select({ decision: alertDecisions, userName: users.name })
    .from(alertDecisions)
    .leftJoin(users, and(eq(users.id, alertDecisions.userId), eq(users.tenantId, tenantId)))
    .where(inTenant(alertDecisions, tenantId, eq(alertDecisions.alertId, alertId)))
    .orderBy(asc(alertDecisions.at), asc(alertDecisions.id));
  return rows.map(({ decision: d, userName }) => ({
    userId: d.userId,
    userName: userName ?? null,
    channel: d.channel,
    outcome: d.outcome,
    reason: d.reason,
    detail: d.detail,
    at: iso(d.at),
  }));
}
