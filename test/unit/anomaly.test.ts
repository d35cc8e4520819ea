import { describe, expect, it } from "vitest";
import {
  DEFAULT_ANOMALY_CONFIG as CONFIG,
  newProfile,
  signalValues,
  stepProfile,
  type DrivingSample,
  type DrivingSignal,
} from "../../worker/domain/anomaly";
import { BRISK, CALM, driveTrace, type DriverHabits, type Injection } from "./anomaly-traces";

/** Runs a trace through one profile; returns each anomaly episode (first reading with score ≥ h) per signal. */
function detect(trace: DrivingSample[]) {
  let profile = newProfile();
  const above: Partial<Record<DrivingSignal, boolean>> = {};
  const episodes: { signal: DrivingSignal; index: number }[] = [];
  let firstScore: number | null = null;
  trace.forEach((sample, index) => {
    const step = stepProfile(profile, sample);
    profile = step.profile;
    for (const [signal, score] of Object.entries(step.scores) as [DrivingSignal, number][]) {
      firstScore ??= index;
      const anomalous = score >= CONFIG.h;
      if (anomalous && !above[signal]) episodes.push({ signal, index });
      above[signal] = anomalous;
    }
  });
  return { episodes, profile, firstScore };
}

/**
 * The first second ≥ `after` at which the driver has cruised steadily above `kph` for 10 s and
 * keeps cruising for 10 more (somewhere to inject a manoeuvre that is not the driver's own).
 */
function movingAt(seed: number, habits: DriverHabits, after: number, kph: number) {
  const trace = driveTrace(seed, habits, after + 20_000);
  const steady = (from: number, to: number) => {
    const speeds = trace.slice(from, to).map((s) => s.speedKph!);
    return Math.min(...speeds) > kph && Math.max(...speeds) - Math.min(...speeds) < 6;
  };
  for (let t = after; t < trace.length - 10; t++) if (steady(t - 10, t + 10)) return t;
  throw new Error("the driver never reached that speed");
}

describe("driver-behaviour anomalies (streaming quantiles + CUSUM)", { timeout: 60_000 }, () => {
  it("raises almost no false alarms on 200 hours of normal driving by ten different drivers", () => {
    let hours = 0;
    const episodes: { signal: DrivingSignal }[] = [];
    for (let seed = 1; seed <= 10; seed++) {
      const trace = driveTrace(seed, seed % 2 ? CALM : BRISK, 72_000);
      hours += trace.length / 3600;
      episodes.push(...detect(trace).episodes);
    }
    const perHour = episodes.length / hours;
    // Measured: 2 speed episodes in 200 h (0.01/h) — a driver holding the very top of its own band
    // for minutes; none for acceleration or braking.
    expect(hours).toBe(200);
    expect(perHour).toBeLessThan(0.05);
    expect(episodes.filter((e) => e.signal !== "speed")).toEqual([]);
  });

  it("says nothing before the baseline has settled", () => {
    const trace = driveTrace(7, CALM, 4000, [{ kind: "braking", at: 300, mps2: 8, seconds: 3 }]);
    const { episodes, firstScore } = detect(trace);
    expect(firstScore).toBeGreaterThanOrEqual(CONFIG.settle);
    expect(episodes.filter((e) => e.index < firstScore!)).toEqual([]);
  });

  const cases: { name: string; inject: (at: number) => Injection; signal: DrivingSignal; within: number }[] = [
    {
      name: "harsh braking (6 m/s² for 3 s)",
      inject: (at) => ({ kind: "braking", at, mps2: 6, seconds: 3 }),
      signal: "braking",
      within: 3,
    },
    {
      name: "harsh acceleration (4 m/s² for 4 s)",
      inject: (at) => ({ kind: "accel", at, mps2: 4, seconds: 4 }),
      signal: "accel",
      within: 4,
    },
    {
      name: "speeding (150 km/h for 3 min)",
      inject: (at) => ({ kind: "speeding", at, kph: 150, seconds: 180 }),
      signal: "speed",
      within: 180,
    },
  ];
  for (const c of cases) {
    it(`detects ${c.name} by a calm driver, and nothing else around it`, () => {
      for (const seed of [11, 12, 13]) {
        const at = movingAt(seed, CALM, 10_000, 50);
        const trace = driveTrace(seed, CALM, at + 3600, [c.inject(at)]);
        const { episodes } = detect(trace);
        const hit = episodes.find((e) => e.signal === c.signal && e.index >= at);
        expect(hit, `seed ${seed}`).toBeDefined();
        expect(hit!.index - at).toBeLessThan(c.within);
        // The same trace without the injection: none of this episode.
        const clean = detect(driveTrace(seed, CALM, at + 3600)).episodes;
        expect(clean.find((e) => e.signal === c.signal && e.index >= at && e.index < at + c.within)).toBeUndefined();
      }
    });
  }

  it("judges each driver against its own baseline: braking at 5 m/s² is anomalous for a calm driver, usual for a brisk one", () => {
    const braking = (habits: DriverHabits, seed: number) => {
      const at = movingAt(seed, habits, 40_000, 60); // after 11 h: the brisk driver's hard stops are in its baseline
      const { episodes } = detect(driveTrace(seed, habits, at + 600, [{ kind: "braking", at, mps2: 5, seconds: 3 }]));
      return episodes.some((e) => e.signal === "braking" && e.index >= at && e.index < at + 5);
    };
    expect([21, 22, 23].map((seed) => braking(CALM, seed))).toEqual([true, true, true]);
    expect([21, 22, 23].map((seed) => braking(BRISK, seed))).toEqual([false, false, false]);
  });

  it("derives acceleration from consecutive speeds, prefers a sent accelG, and ignores gaps", () => {
    const profile = { ...newProfile(), last: { ts: 0, speedKph: 72 } };
    expect(signalValues(profile, { ts: 2000, speedKph: 36 })).toEqual({ speed: 36, accel: 0, braking: 5 });
    expect(signalValues(profile, { ts: 1000, speedKph: 90 })).toEqual({ speed: 90, accel: 5, braking: 0 });
    expect(signalValues(profile, { ts: 1000, speedKph: 72, accelG: -0.5 }).braking).toBeCloseTo(4.903, 3);
    expect(signalValues(profile, { ts: 60_000, speedKph: 0 })).toEqual({ speed: 0 }); // a gap: no acceleration
    expect(signalValues(newProfile(), { ts: 0 })).toEqual({});
  });
});
