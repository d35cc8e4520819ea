/**
 * Engagement rules in one place: which alerts count against a driver, how points are earned,
 * the safety score formula and the badge catalogue with its criteria (docs/analytics-and-engagement.md).
 */

export const DAY_MS = 86_400_000;
/** The window of the safety score and of the Safe Driver badge. */
export const SAFETY_WINDOW_DAYS = 30;
/** Closed UTC days the sweep looks back over for safe-day points (it catches up after a missed run). */
export const SAFE_DAY_LOOKBACK_DAYS = 7;

/** Driving-behaviour alert types: speeding, any `harsh_*` event and anomalies. */
export const safetyTypeSql = (column: string) =>
  `(${column} = 'speeding' OR ${column} LIKE 'harsh\\_%' ESCAPE '\\' OR ${column} LIKE '%anomal%')`;
export const isSafetyType = (type: string) => type === "speeding" || type.startsWith("harsh_") || type.includes("anomal");

export const POINTS = {
  /** A closed UTC day on which the driver's vehicles drove and raised no safety alert. */
  safeDay: 10,
  /** A completed work order… */
  workOrder: 10,
  /** …plus this when completed at or before its due date. */
  onTimeBonus: 10,
} as const;

/** Points for a completed work order: on time counts double; without a due date it is not "on time". */
export const workOrderPoints = (completedAt: number, dueDate: number | null) =>
  POINTS.workOrder + (dueDate != null && completedAt <= dueDate ? POINTS.onTimeBonus : 0);

/**
 * Safety score over the last 30 days: 100 minus 10 per safety alert per 100 km, floored at 0,
 * one decimal; null when the driver's vehicles drove no km (nothing to judge).
 */
export function safetyScore(safetyAlerts: number, km: number): number | null {
  if (!(km > 0)) return null;
  const per100Km = (safetyAlerts / km) * 100;
  return Math.max(0, Math.round((100 - 10 * per100Km) * 10) / 10);
}

export type BadgeKind = "driver" | "technician";

export interface BadgeDefinition {
  id: string;
  name: string;
  kind: BadgeKind;
  criteria: string;
  bonusPoints: number;
}

export const BADGES = [
  {
    id: "safe-driver",
    name: "Safe Driver",
    kind: "driver",
    criteria:
      "30 days without a safety alert (speeding, harsh_*, anomaly) on the driver's vehicles, having driven in that time and been a user for 30 days",
    bonusPoints: 100,
  },
  { id: "first-fix", name: "First Fix", kind: "technician", criteria: "First completed work order", bonusPoints: 10 },
  {
    id: "five-star-technician",
    name: "5-Star Technician",
    kind: "technician",
    criteria: "5 consecutive on-time completions: the technician's latest 5 completed work orders with a due date were all completed by it",
    bonusPoints: 100,
  },
] as const satisfies readonly BadgeDefinition[];

export type BadgeId = (typeof BADGES)[number]["id"];
export const badgeById = (id: string) => BADGES.find((b) => b.id === id);

/** Facts about a driver the badge criteria read. */
export interface DriverFacts {
  userCreatedAt: number;
  lastSafetyAlertAt: number | null;
  kmInWindow: number;
}

/** Facts about a technician: completions newest first. */
export interface TechnicianFacts {
  completions: { completedAt: number; dueDate: number | null }[];
}

/** Days since the last safety alert (or since the user joined, if none). */
export const driverStreakDays = (f: DriverFacts, now: number) =>
  Math.max(0, Math.floor((now - Math.max(f.lastSafetyAlertAt ?? 0, f.userCreatedAt)) / DAY_MS));

/** Consecutive on-time completions, counting back from the latest one that had a due date. */
export function onTimeStreak(f: TechnicianFacts): number {
  let streak = 0;
  for (const c of f.completions) {
    if (c.dueDate == null) continue;
    if (c.completedAt > c.dueDate) break;
    streak++;
  }
  return streak;
}

export function driverBadges(f: DriverFacts, now: number): BadgeId[] {
  return driverStreakDays(f, now) >= SAFETY_WINDOW_DAYS && f.kmInWindow > 0 ? ["safe-driver"] : [];
}

export function technicianBadges(f: TechnicianFacts): BadgeId[] {
  const out: BadgeId[] = [];
  if (f.completions.length >= 1) out.push("first-fix");
  if (onTimeStreak(f) >= 5) out.push("five-star-technician");
  return out;
}
