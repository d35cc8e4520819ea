/**
 * Awarding points and badges, exactly once: every ledger row carries a source key unique per
 * tenant and every badge is unique per (user, badge), so inserts are `OR IGNORE` and the cron
 * sweep and the work-order event may both run, repeatedly, without awarding twice.
 * Opted-out users earn nothing while opted out (engagement-facts leaves them out).
 */
import {
  DAY_MS,
  POINTS,
  SAFE_DAY_LOOKBACK_DAYS,
  badgeById,
  driverBadges,
  safetyTypeSql,
  technicianBadges,
  type BadgeId,
} from "../domain/engagement/rules";
import { driverFacts, technicianFacts } from "./engagement-facts";
import { logError } from "../lib/logger";

const NOT_OPTED_OUT = "NOT EXISTS (SELECT 1 FROM engagement_preferences e WHERE e.user_id = u.id AND e.opted_out = 1)";
const newLedgerId = "'pts_' || lower(hex(randomblob(10)))";

/** Work-order points (10, +10 on time) for completions by technicians with a login; `workOrderId` narrows to one. */
function workOrderPoints(d1: D1Database, tenantId: string, workOrderId: string | null) {
  return d1
    .prepare(
      `INSERT OR IGNORE INTO points_ledger (id, tenant_id, user_id, kind, points, reason, source_key, at)
       SELECT ${newLedgerId}, w.tenant_id, u.id, 'technician',
              ${POINTS.workOrder} + CASE WHEN w.due_date IS NOT NULL AND w.completed_at <= w.due_date THEN ${POINTS.onTimeBonus} ELSE 0 END,
              CASE WHEN w.due_date IS NOT NULL AND w.completed_at <= w.due_date THEN 'Work order completed on time' ELSE 'Work order completed' END,
              'wo:' || w.id, w.completed_at
       FROM work_orders w JOIN technicians t ON t.id = w.technician_id AND t.tenant_id = w.tenant_id JOIN users u ON u.id = t.user_id AND u.tenant_id = w.tenant_id
       WHERE w.tenant_id = ?1 AND w.status = 'completed' AND w.completed_at IS NOT NULL AND (?2 IS NULL OR w.id = ?2) AND ${NOT_OPTED_OUT}`,
    )
    .bind(tenantId, workOrderId);
}

/**
 * Safe-day points for the closed UTC days before `now` (looking back a week, so a missed sweep
 * catches up): a driver earns them for a day on which one of its vehicles' odometer rose above
 * every earlier sample and none of its vehicles raised a safety alert.
 */
function safeDayPoints(d1: D1Database, tenantId: string, now: number) {
  const today = Math.floor(now / DAY_MS);
  const days = JSON.stringify(Array.from({ length: SAFE_DAY_LOOKBACK_DAYS }, (_, i) => today - 1 - i));
  return d1
    .prepare(
      `INSERT OR IGNORE INTO points_ledger (id, tenant_id, user_id, kind, points, reason, source_key, at)
       SELECT ${newLedgerId}, u.tenant_id, u.id, 'driver', ${POINTS.safeDay}, 'Safe driving day', 'safe-day:' || u.id || ':' || d.value, (d.value + 1) * ${DAY_MS} - 1
       FROM users u CROSS JOIN json_each(?2) d
       WHERE u.tenant_id = ?1 AND u.role = 'driver' AND ${NOT_OPTED_OUT} AND u.created_at < (d.value + 1) * ${DAY_MS}
         AND EXISTS (SELECT 1 FROM vehicles v JOIN meter_samples m ON m.tenant_id = v.tenant_id AND m.vehicle_id = v.id AND m.day = d.value
                     WHERE v.tenant_id = u.tenant_id AND v.driver_id = u.id
                       AND m.odometer_km > (SELECT max(p.odometer_km) FROM meter_samples p WHERE p.tenant_id = v.tenant_id AND p.vehicle_id = v.id AND p.day < d.value))
         AND NOT EXISTS (SELECT 1 FROM vehicles v JOIN alerts a ON a.tenant_id = v.tenant_id AND a.vehicle_id = v.id
                         WHERE v.tenant_id = u.tenant_id AND v.driver_id = u.id AND a.created_at >= d.value * ${DAY_MS} AND a.created_at < (d.value + 1) * ${DAY_MS}
                           AND ${safetyTypeSql("a.type")})`,
    )
    .bind(tenantId, days);
}

/** Inserts the badges (and their bonus points) a user now qualifies for; returns the new ones. */
async function grantBadges(
  d1: D1Database,
  tenantId: string,
  grants: { userId: string; kind: "driver" | "technician"; badges: BadgeId[] }[],
  now: number,
) {
  const statements: D1PreparedStatement[] = [];
  const order: { userId: string; badge: BadgeId }[] = [];
  for (const grant of grants) {
    for (const badge of grant.badges) {
      const def = badgeById(badge)!;
      statements.push(
        d1
          .prepare(`INSERT OR IGNORE INTO badge_awards (tenant_id, user_id, badge, awarded_at) VALUES (?1, ?2, ?3, ?4)`)
          .bind(tenantId, grant.userId, badge, now),
        d1
          .prepare(
            `INSERT OR IGNORE INTO points_ledger (id, tenant_id, user_id, kind, points, reason, source_key, at)
             VALUES (${newLedgerId}, ?1, ?2, ?3, ?4, ?5, ?6, ?7)`,
          )
          .bind(tenantId, grant.userId, grant.kind, def.bonusPoints, `Badge: ${def.name}`, `badge:${badge}:${grant.userId}`, now),
      );
      order.push({ userId: grant.userId, badge });
    }
  }
  if (!statements.length) return [];
  const results = await d1.batch(statements);
  return order.filter((_, i) => (results[2 * i]!.meta.changes ?? 0) > 0);
}

export interface EngagementSweepResult {
  points: number;
  badges: { userId: string; badge: BadgeId }[];
}

/** The cron step: all points and badges a tenant's participants have earned and not yet received. */
export async function sweepEngagement(env: Env, tenantId: string, now = Date.now()): Promise<EngagementSweepResult> {
  const [woPoints, dayPoints] = await env.DB.batch([workOrderPoints(env.DB, tenantId, null), safeDayPoints(env.DB, tenantId, now)]);
  const [drivers, techs] = await Promise.all([driverFacts(env.DB, tenantId, now), technicianFacts(env.DB, tenantId)]);
  const badges = await grantBadges(
    env.DB,
    tenantId,
    [
      ...drivers.map((d) => ({ userId: d.userId, kind: "driver" as const, badges: driverBadges(d, now) })),
      ...techs.map((t) => ({ userId: t.userId, kind: "technician" as const, badges: technicianBadges(t) })),
    ],
    now,
  );
  return { points: (woPoints!.meta.changes ?? 0) + (dayPoints!.meta.changes ?? 0), badges };
}

/**
 * The work-order event: points for this completion and the technician's badges, right away
 * (the sweep would find them later too). Never fails the completion itself.
 */
export async function awardWorkOrderCompletion(env: Env, tenantId: string, workOrderId: string, now = Date.now()) {
  try {
    await workOrderPoints(env.DB, tenantId, workOrderId).run();
    const user = await env.DB.prepare(
      `SELECT t.user_id AS userId FROM work_orders w JOIN technicians t ON t.id = w.technician_id AND t.tenant_id = w.tenant_id WHERE w.tenant_id = ?1 AND w.id = ?2`,
    )
      .bind(tenantId, workOrderId)
      .first<{ userId: string | null }>();
    if (!user?.userId) return;
    const [tech] = await technicianFacts(env.DB, tenantId, user.userId);
    if (tech) await grantBadges(env.DB, tenantId, [{ userId: tech.userId, kind: "technician", badges: technicianBadges(tech) }], now);
  } catch (error) {
    logError({ job: "engagement.workOrder", tenantId, workOrderId }, error);
  }
}

/** Tenants with anyone who can take part (drivers, or technicians with a login). */
export async function tenantsWithParticipants(env: Env): Promise<string[]> {
  const { results } = await env.DB.prepare(
    `SELECT DISTINCT tenant_id AS id FROM users WHERE role = 'driver' UNION SELECT DISTINCT tenant_id FROM technicians WHERE user_id IS NOT NULL`,
  ).all<{ id: string }>();
  return results.map((r) => r.id);
}
