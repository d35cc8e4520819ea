/**
 * The leaderboard, a user's badges and a user's own engagement summary. Points are the sum of
 * the user's ledger rows of the board's kind; ranks are shared on equal points (1, 2, 2, 4).
 * Opted-out users are not on any board and their badges are not shown to others.
 */
import { badgeById, driverStreakDays, onTimeStreak, safetyScore } from "../domain/engagement/rules";
import { iso } from "../lib/time";
import { driverFacts, technicianFacts } from "./engagement-facts";

export const LEADERBOARD_KINDS = ["drivers", "technicians"] as const;
export type LeaderboardKind = (typeof LEADERBOARD_KINDS)[number];

export interface BadgeView {
  id: string;
  name: string;
  awardedAt: string;
}

export interface LeaderboardEntry {
  rank: number;
  userId: string;
  name: string;
  points: number;
  badges: BadgeView[];
  /** Drivers: days since the last safety alert; technicians: consecutive on-time completions. */
  streak: number;
  /** Drivers only: the 30-day safety score (null without km driven). */
  safetyScore?: number | null;
}

async function badgesByUser(d1: D1Database, tenantId: string, userId?: string) {
  const { results } = await d1
    .prepare(
      `SELECT user_id AS userId, badge, awarded_at AS awardedAt FROM badge_awards WHERE tenant_id = ?1 AND (?2 IS NULL OR user_id = ?2) ORDER BY awarded_at, badge`,
    )
    .bind(tenantId, userId ?? null)
    .all<{ userId: string; badge: string; awardedAt: number }>();
  const out = new Map<string, BadgeView[]>();
  for (const row of results) {
    const list = out.get(row.userId) ?? [];
    list.push({ id: row.badge, name: badgeById(row.badge)?.name ?? row.badge, awardedAt: iso(row.awardedAt) });
    out.set(row.userId, list);
  }
  return out;
}

async function pointsByUser(d1: D1Database, tenantId: string, kind: "driver" | "technician" | null, userId?: string) {
  const { results } = await d1
    .prepare(
      `SELECT user_id AS userId, sum(points) AS points FROM points_ledger WHERE tenant_id = ?1 AND (?2 IS NULL OR kind = ?2) AND (?3 IS NULL OR user_id = ?3) GROUP BY user_id`,
    )
    .bind(tenantId, kind, userId ?? null)
    .all<{ userId: string; points: number }>();
  return new Map(results.map((r) => [r.userId, r.points]));
}

function ranked<T extends { points: number; name: string }>(rows: T[]): (T & { rank: number })[] {
  const sorted = [...rows].sort((a, b) => b.points - a.points || a.name.localeCompare(b.name));
  let rank = 0;
  return sorted.map((row, i) => {
    if (i === 0 || sorted[i - 1]!.points !== row.points) rank = i + 1;
    return { ...row, rank };
  });
}

export async function leaderboard(d1: D1Database, tenantId: string, kind: LeaderboardKind, now = Date.now()): Promise<LeaderboardEntry[]> {
  const ledgerKind = kind === "drivers" ? "driver" : "technician";
  const [points, badges] = await Promise.all([pointsByUser(d1, tenantId, ledgerKind), badgesByUser(d1, tenantId)]);
  const base = (userId: string, name: string) => ({ userId, name, points: points.get(userId) ?? 0, badges: badges.get(userId) ?? [] });
  if (kind === "drivers") {
    const drivers = await driverFacts(d1, tenantId, now);
    return ranked(
      drivers.map((d) => ({
        ...base(d.userId, d.name),
        streak: driverStreakDays(d, now),
        safetyScore: safetyScore(d.safetyAlerts, d.kmInWindow),
      })),
    );
  }
  const techs = await technicianFacts(d1, tenantId);
  return ranked(techs.map((t) => ({ ...base(t.userId, t.name), streak: onTimeStreak(t) })));
}

export async function userBadges(d1: D1Database, tenantId: string, userId: string): Promise<BadgeView[]> {
  return (await badgesByUser(d1, tenantId, userId)).get(userId) ?? [];
}

/** The caller's own standing: points of both kinds, badges, and (drivers) streak and safety score. */
export async function ownEngagement(
  d1: D1Database,
  tenantId: string,
  user: { userId: string; role: string },
  optedOut: boolean,
  now = Date.now(),
) {
  const [points, badges] = await Promise.all([pointsByUser(d1, tenantId, null, user.userId), userBadges(d1, tenantId, user.userId)]);
  let streak: number | null = null;
  let score: number | null = null;
  if (!optedOut && user.role === "driver") {
    const [facts] = await driverFacts(d1, tenantId, now, user.userId);
    if (facts) {
      streak = driverStreakDays(facts, now);
      score = safetyScore(facts.safetyAlerts, facts.kmInWindow);
    }
  } else if (!optedOut) {
    const [facts] = await technicianFacts(d1, tenantId, user.userId);
    if (facts) streak = onTimeStreak(facts);
  }
  return { userId: user.userId, optedOut, points: points.get(user.userId) ?? 0, badges, streak, safetyScore: score };
}
