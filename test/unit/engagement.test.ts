import { describe, expect, it } from "vitest";
import {
  DAY_MS,
  driverBadges,
  driverStreakDays,
  isSafetyType,
  onTimeStreak,
  safetyScore,
  technicianBadges,
  workOrderPoints,
} from "../../worker/domain/engagement/rules";
import { bucketRanges } from "../../worker/services/analytics-buckets";

describe("engagement rules", () => {
  it("scores safety per 100 km: 100 − 10 per alert per 100 km, floored at 0, null without km", () => {
    expect(safetyScore(0, 250)).toBe(100);
    expect(safetyScore(1, 100)).toBe(90);
    expect(safetyScore(3, 200)).toBe(85);
    expect(safetyScore(1, 3)).toBe(0);
    expect(safetyScore(2, 0)).toBeNull();
  });

  it("counts speeding, harsh_* and anomalies as safety alerts, not vehicle faults", () => {
    expect(["speeding", "harsh_braking", "harsh_cornering", "driving_anomaly"].every(isSafetyType)).toBe(true);
    expect(["low_battery", "engine_overheating", "predictive_failure", "harshness"].some(isSafetyType)).toBe(false);
  });

  it("gives on-time completions double points and streaks back from the latest", () => {
    expect(workOrderPoints(10, 10)).toBe(20);
    expect(workOrderPoints(11, 10)).toBe(10);
    expect(workOrderPoints(11, null)).toBe(10);
    const onTime = { completedAt: 1, dueDate: 2 };
    const late = { completedAt: 3, dueDate: 2 };
    const noDue = { completedAt: 1, dueDate: null };
    expect(onTimeStreak({ completions: [onTime, noDue, onTime, late, onTime] })).toBe(2);
    expect(technicianBadges({ completions: [] })).toEqual([]);
    expect(technicianBadges({ completions: [late] })).toEqual(["first-fix"]);
    expect(technicianBadges({ completions: [onTime, onTime, noDue, onTime, onTime, onTime] })).toEqual([
      "first-fix",
      "five-star-technician",
    ]);
    expect(technicianBadges({ completions: [onTime, onTime, onTime, onTime, late] })).toEqual(["first-fix"]);
  });

  it("awards Safe Driver after 30 days without a safety alert, only with km driven", () => {
    const now = 100 * DAY_MS;
    const joined = now - 60 * DAY_MS;
    expect(driverStreakDays({ userCreatedAt: joined, lastSafetyAlertAt: now - 30 * DAY_MS, kmInWindow: 5 }, now)).toBe(30);
    expect(driverBadges({ userCreatedAt: joined, lastSafetyAlertAt: now - 30 * DAY_MS, kmInWindow: 5 }, now)).toEqual(["safe-driver"]);
    expect(driverBadges({ userCreatedAt: joined, lastSafetyAlertAt: now - 29 * DAY_MS - 1, kmInWindow: 5 }, now)).toEqual([]);
    expect(driverBadges({ userCreatedAt: now - 10 * DAY_MS, lastSafetyAlertAt: null, kmInWindow: 5 }, now)).toEqual([]);
    expect(driverBadges({ userCreatedAt: joined, lastSafetyAlertAt: null, kmInWindow: 0 }, now)).toEqual([]);
  });
});

describe("analytics buckets", () => {
  const hours = (b: { start: number; end: number }[]) => b.map((r) => (r.end - r.start) / 3_600_000);
  it("has 23 and 25 local hours on New York's DST days, 24 elsewhere", () => {
    const spring = bucketRanges("hour", Date.parse("2026-03-08T05:00:00Z"), Date.parse("2026-03-09T04:00:00Z"), "America/New_York")!;
    expect(spring).toHaveLength(23);
    const fall = bucketRanges("hour", Date.parse("2026-11-01T04:00:00Z"), Date.parse("2026-11-02T05:00:00Z"), "America/New_York")!;
    expect(fall).toHaveLength(25);
    expect(hours(bucketRanges("day", Date.parse("2026-10-31T04:00:00Z"), Date.parse("2026-11-03T05:00:00Z"), "America/New_York")!)).toEqual(
      [24, 25, 24],
    );
  });

  it("aligns local hours of +05:45 and 30-minute DST zones", () => {
    const kathmandu = bucketRanges("hour", Date.parse("2026-01-01T00:00:00Z"), Date.parse("2026-01-01T02:00:00Z"), "Asia/Kathmandu")!;
    expect(kathmandu.map((r) => new Date(r.start).toISOString())).toEqual([
      "2025-12-31T23:15:00.000Z",
      "2026-01-01T00:15:00.000Z",
      "2026-01-01T01:15:00.000Z",
    ]);
    // Lord Howe springs forward 30 minutes at 02:00 local (15:30Z on 2026-10-03) to 02:30: hour 01 lasts an hour,
    // hour 02 only its last half (02:30–03:00), then hour 03.
    const lordHowe = bucketRanges("hour", Date.parse("2026-10-03T14:30:00Z"), Date.parse("2026-10-03T17:00:00Z"), "Australia/Lord_Howe")!;
    expect(lordHowe.map((r) => new Date(r.start).toISOString())).toEqual([
      "2026-10-03T14:30:00.000Z",
      "2026-10-03T15:30:00.000Z",
      "2026-10-03T16:00:00.000Z",
    ]);
    expect(hours(lordHowe)).toEqual([1, 0.5, 1]);
  });

  it("refuses more than 2000 buckets", () => {
    expect(bucketRanges("hour", 0, 2001 * 3_600_000, "UTC")).toBeNull();
    expect(bucketRanges("hour", 0, 2000 * 3_600_000, "UTC")).toHaveLength(2000);
  });
});
