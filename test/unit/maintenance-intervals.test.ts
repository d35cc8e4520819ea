import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  averageDailyRates,
  dueState,
  pairsNeedingWorkOrders,
  planApplies,
  planCycleKey,
  planStartBaseline,
  type Baseline,
  type DueStatus,
  type PlanInterval,
} from "../../worker/domain/maintenance/intervals";

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);
const plan = (p: Partial<PlanInterval>): PlanInterval => ({
  everyKm: null,
  everyEngineHours: null,
  everyDays: null,
  dueSoonKm: null,
  dueSoonEngineHours: null,
  dueSoonDays: null,
  ...p,
});
const start = planStartBaseline(T0);
const meters = (odometerKm: number | null, engineHours: number | null = null) => ({ odometerKm, engineHours });

describe("due status: each measure alone", () => {
  it("km: ok above the threshold, due_soon at exactly dueSoonKm remaining, overdue at 0 remaining", () => {
    const p = plan({ everyKm: 10_000, dueSoonKm: 1_000 });
    expect(dueState(p, start, meters(8_999), T0)).toMatchObject({ status: "ok", remainingKm: 1_001, dueAtKm: 10_000 });
    expect(dueState(p, start, meters(9_000), T0)).toMatchObject({ status: "due_soon", remainingKm: 1_000 });
    expect(dueState(p, start, meters(9_999.5), T0)).toMatchObject({ status: "due_soon", remainingKm: 0.5 });
    expect(dueState(p, start, meters(10_000), T0)).toMatchObject({ status: "overdue", remainingKm: 0 });
    expect(dueState(p, start, meters(10_250), T0)).toMatchObject({ status: "overdue", remainingKm: -250 });
  });

  it("km: measures the plan does not use are null", () => {
    const state = dueState(plan({ everyKm: 10_000 }), start, meters(5_000, 300), T0);
    expect(state).toMatchObject({ dueAtEngineHours: null, remainingEngineHours: null, dueDate: null, remainingDays: null });
  });

  it("engine hours: the same edges", () => {
    const p = plan({ everyEngineHours: 500, dueSoonEngineHours: 50 });
    expect(dueState(p, start, meters(null, 449.9), T0).status).toBe("ok");
    expect(dueState(p, start, meters(null, 450), T0)).toMatchObject({ status: "due_soon", remainingEngineHours: 50 });
    expect(dueState(p, start, meters(null, 500), T0)).toMatchObject({ status: "overdue", remainingEngineHours: 0 });
  });

  it("days: falls due with time alone, without any telemetry", () => {
    const p = plan({ everyDays: 30, dueSoonDays: 7 });
    const none = meters(null, null);
    expect(dueState(p, start, none, T0 + 23 * DAY - 1)).toMatchObject({ status: "ok", dueDate: T0 + 30 * DAY });
    expect(dueState(p, start, none, T0 + 23 * DAY)).toMatchObject({ status: "due_soon", remainingDays: 7 });
    expect(dueState(p, start, none, T0 + 30 * DAY)).toMatchObject({ status: "overdue", remainingDays: 0 });
    expect(dueState(p, start, none, T0 + 31.5 * DAY)).toMatchObject({ status: "overdue", remainingDays: -1.5 });
  });

  it("without dueSoon thresholds there is no due_soon phase, only ok then overdue", () => {
    const p = plan({ everyKm: 10_000 });
    expect(dueState(p, start, meters(9_999), T0).status).toBe("ok");
    expect(dueState(p, start, meters(10_000), T0).status).toBe("overdue");
  });
});

describe("due status: combinations, whichever comes first", () => {
  const p = plan({ everyKm: 15_000, everyDays: 180, dueSoonKm: 1_000, dueSoonDays: 14 });

  it("overdue by days while km are far from due", () => {
    expect(dueState(p, start, meters(2_000), T0 + 181 * DAY)).toMatchObject({ status: "overdue", remainingKm: 13_000, remainingDays: -1 });
  });

  it("overdue by km while days are far from due", () => {
    expect(dueState(p, start, meters(15_100), T0 + 10 * DAY)).toMatchObject({ status: "overdue", remainingKm: -100, remainingDays: 170 });
  });

  it("due_soon when any one measure is within its threshold", () => {
    expect(dueState(p, start, meters(14_500), T0 + 10 * DAY).status).toBe("due_soon");
    expect(dueState(p, start, meters(100), T0 + 170 * DAY).status).toBe("due_soon");
  });

  it("overdue wins over due_soon on another measure", () => {
    expect(dueState(p, start, meters(14_500), T0 + 200 * DAY).status).toBe("overdue");
  });

  it("all three measures", () => {
    const three = plan({ everyKm: 20_000, everyEngineHours: 600, everyDays: 365, dueSoonEngineHours: 20 });
    expect(dueState(three, start, meters(5_000, 585), T0 + 100 * DAY)).toMatchObject({
      status: "due_soon",
      dueAtKm: 20_000,
      dueAtEngineHours: 600,
      dueDate: T0 + 365 * DAY,
      remainingEngineHours: 15,
    });
  });
});

describe("baseline: first due, last service, reset, catch-up", () => {
  const p = plan({ everyKm: 10_000, everyDays: 90, dueSoonKm: 500 });

  it("with no service recorded, the first due points are everyKm km and creation + everyDays", () => {
    expect(dueState(p, start, meters(3_000), T0)).toMatchObject({
      dueAtKm: 10_000,
      dueDate: T0 + 90 * DAY,
      remainingKm: 7_000,
      remainingDays: 90,
    });
  });

  it("after a service, the next due points count from its meters and date", () => {
    const service: Baseline = { odometerKm: 41_234, engineHours: 900, at: T0 + 40 * DAY };
    expect(dueState(p, service, meters(45_000), T0 + 50 * DAY)).toMatchObject({
      status: "ok",
      dueAtKm: 51_234,
      dueDate: T0 + 130 * DAY,
      remainingKm: 6_234,
      remainingDays: 80,
    });
  });

  it("recording the service at an overdue point resets the status to ok with a full interval", () => {
    const now = T0 + 100 * DAY;
    expect(dueState(p, start, meters(12_000), now).status).toBe("overdue");
    const reset = dueState(p, { odometerKm: 12_000, engineHours: null, at: now }, meters(12_000), now);
    expect(reset).toMatchObject({ status: "ok", remainingKm: 10_000, remainingDays: 90 });
  });

  it("a vehicle that jumped past two thresholds while offline owes exactly one service", () => {
    const kmOnly = plan({ everyKm: 10_000, dueSoonKm: 500 });
    const last: Baseline = { odometerKm: 8_000, engineHours: null, at: T0 };
    // Offline from 8,000 km to 29,000 km: the 18,000 and 28,000 thresholds both passed.
    const jumped = dueState(kmOnly, last, meters(29_000), T0 + 60 * DAY);
    expect(jumped.status).toBe("overdue"); // not zero services owed…
    expect(jumped.dueAtKm).toBe(18_000); // …one due point, the first one missed
    // …and not two: one service recorded now leaves nothing owed.
    const serviced = dueState(kmOnly, { odometerKm: 29_000, engineHours: null, at: T0 + 60 * DAY }, meters(29_000), T0 + 60 * DAY);
    expect(serviced).toMatchObject({ status: "ok", dueAtKm: 39_000, remainingKm: 10_000 });
  });

  it("a time-based plan skipped for two intervals is one overdue service too", () => {
    const days = plan({ everyDays: 30 });
    const late = dueState(days, start, meters(null), T0 + 75 * DAY);
    expect(late).toMatchObject({ status: "overdue", dueDate: T0 + 30 * DAY, remainingDays: -45 });
    expect(dueState(days, { odometerKm: null, engineHours: null, at: T0 + 75 * DAY }, meters(null), T0 + 75 * DAY).status).toBe("ok");
  });

  it("unknown current meters count as unchanged since the baseline", () => {
    expect(dueState(p, { odometerKm: 5_000, engineHours: null, at: T0 }, meters(null), T0)).toMatchObject({
      remainingKm: 10_000,
      status: "ok",
    });
  });

  it("property: more km or hours, or later, never makes the status better", () => {
    const rank: Record<DueStatus, number> = { ok: 0, due_soon: 1, overdue: 2 };
    fc.assert(
      fc.property(
        fc.record({
          everyKm: fc.option(fc.integer({ min: 1, max: 50_000 })),
          everyEngineHours: fc.option(fc.integer({ min: 1, max: 2_000 })),
          everyDays: fc.option(fc.integer({ min: 1, max: 730 })),
          dueSoonKm: fc.option(fc.integer({ min: 0, max: 5_000 })),
          dueSoonEngineHours: fc.option(fc.integer({ min: 0, max: 200 })),
          dueSoonDays: fc.option(fc.integer({ min: 0, max: 60 })),
        }),
        fc.double({ min: 0, max: 100_000, noNaN: true }),
        fc.double({ min: 0, max: 20_000, noNaN: true }),
        fc.double({ min: 0, max: 5_000, noNaN: true }),
        fc.double({ min: 0, max: 500, noNaN: true }),
        fc.integer({ min: 0, max: 800 }),
        fc.integer({ min: 0, max: 100 }),
        (interval, km, moreKm, hours, moreHours, day, moreDays) => {
          const a = dueState(interval, start, meters(km, hours), T0 + day * DAY);
          const b = dueState(interval, start, meters(km + moreKm, hours + moreHours), T0 + (day + moreDays) * DAY);
          expect(rank[b.status]).toBeGreaterThanOrEqual(rank[a.status]);
        },
      ),
    );
  });
});

describe("forecast due date", () => {
  it("projects a km-only plan from the average daily distance (≈ 12 days)", () => {
    const p = plan({ everyKm: 10_000 });
    const state = dueState(p, start, meters(8_800), T0, { kmPerDay: 100, engineHoursPerDay: null });
    expect(state.forecastDate).toBe(T0 + 12 * DAY);
    expect(state.remainingDays).toBeNull(); // the plan has no days measure
  });

  it("takes whichever measure is projected first, including the days measure", () => {
    const p = plan({ everyKm: 10_000, everyEngineHours: 500, everyDays: 20 });
    const rates = { kmPerDay: 100, engineHoursPerDay: 10 };
    expect(dueState(p, start, meters(8_800, 450), T0, rates).forecastDate).toBe(T0 + 5 * DAY); // hours: 50 h at 10 h/day
    expect(dueState(p, start, meters(8_800, 0), T0, rates).forecastDate).toBe(T0 + 12 * DAY); // km
    expect(dueState(p, start, meters(0, 0), T0, rates).forecastDate).toBe(T0 + 20 * DAY); // days
  });

  it("is now once overdue, and null when nothing can be projected", () => {
    const p = plan({ everyKm: 10_000 });
    expect(dueState(p, start, meters(10_500), T0 + DAY).forecastDate).toBe(T0 + DAY);
    expect(dueState(p, start, meters(5_000), T0).forecastDate).toBeNull();
    expect(dueState(p, start, meters(5_000), T0, { kmPerDay: 0, engineHoursPerDay: null }).forecastDate).toBeNull();
  });

  it("averages daily km and hours over the last 30 days, interpolating the window start", () => {
    const now = T0 + 100 * DAY;
    const samples = [
      { at: now - 40 * DAY, odometerKm: 0, engineHours: 0 },
      { at: now - 20 * DAY, odometerKm: 4_000, engineHours: 40 },
      { at: now, odometerKm: 10_000, engineHours: 100 },
    ];
    // At the window start (now − 30 d) the odometer read 2,000 km (halfway between the first two).
    const rates = averageDailyRates(samples, now);
    expect(rates.kmPerDay).toBeCloseTo(8_000 / 30, 9);
    expect(rates.engineHoursPerDay).toBeCloseTo(80 / 30, 9);
  });

  it("uses the earliest sample inside the window when there is none before it", () => {
    const now = T0 + 100 * DAY;
    const rates = averageDailyRates(
      [
        { at: now - 10 * DAY, odometerKm: 1_000, engineHours: null },
        { at: now, odometerKm: 2_000, engineHours: null },
      ],
      now,
    );
    expect(rates).toEqual({ kmPerDay: 100, engineHoursPerDay: null });
  });

  it("gives null with under a day of history or a meter that went backwards", () => {
    const now = T0 + 100 * DAY;
    expect(
      averageDailyRates(
        [
          { at: now - 3_600_000, odometerKm: 10, engineHours: 1 },
          { at: now, odometerKm: 20, engineHours: 2 },
        ],
        now,
      ),
    ).toEqual({
      kmPerDay: null,
      engineHoursPerDay: null,
    });
    expect(
      averageDailyRates(
        [
          { at: now - 5 * DAY, odometerKm: 900, engineHours: null },
          { at: now, odometerKm: 100, engineHours: null },
        ],
        now,
      ).kmPerDay,
    ).toBeNull();
    expect(averageDailyRates([], now)).toEqual({ kmPerDay: null, engineHoursPerDay: null });
  });
});

describe("plan coverage and plan work orders", () => {
  it("covers the listed vehicles, the vehicle type (any case), or every vehicle", () => {
    const van = { id: "veh_1", type: "Van" };
    expect(planApplies({ vehicleIds: null, vehicleType: null }, van)).toBe(true);
    expect(planApplies({ vehicleIds: ["veh_1"], vehicleType: null }, van)).toBe(true);
    expect(planApplies({ vehicleIds: ["veh_2"], vehicleType: null }, van)).toBe(false);
    expect(planApplies({ vehicleIds: null, vehicleType: "van" }, van)).toBe(true);
    expect(planApplies({ vehicleIds: null, vehicleType: "truck" }, van)).toBe(false);
    expect(planApplies({ vehicleIds: ["veh_1"], vehicleType: "truck" }, van)).toBe(false);
  });

  it("lists due-soon and overdue pairs without an active work order or one already made this cycle", () => {
    const pairs = [
      { vehicleId: "v2", planId: "p1", status: "overdue" as const, baselineServiceId: null },
      { vehicleId: "v1", planId: "p1", status: "due_soon" as const, baselineServiceId: "svc_1" },
      { vehicleId: "v1", planId: "p2", status: "ok" as const, baselineServiceId: null },
      { vehicleId: "v3", planId: "p1", status: "overdue" as const, baselineServiceId: null },
      { vehicleId: "v4", planId: "p1", status: "overdue" as const, baselineServiceId: "svc_9" },
    ];
    const needed = pairsNeedingWorkOrders(pairs, [{ vehicleId: "v3", planId: "p1" }], new Set([planCycleKey(pairs[4]!)]));
    expect(needed.map((p) => `${p.vehicleId}/${p.planId}`)).toEqual(["v1/p1", "v2/p1"]);
    expect(planCycleKey(pairs[1]!)).toBe("p1:v1:svc_1");
    expect(planCycleKey(pairs[0]!)).toBe("p1:v2:start");
  });
});
