import { describe, expect, it } from "vitest";
import { emptyState, peakOf, reopens, stepRule, type PairState, type RuleDef } from "../../worker/domain/rule-engine";
import type { TelemetryEvent } from "../../worker/domain/telemetry";

const base: RuleDef = {
  id: "r1",
  name: "Engine overheating",
  type: "engine_overheating",
  metric: "engineTempC",
  op: "gt",
  threshold: 110,
  forSeconds: 60,
  window: null,
  cooldownSeconds: 900,
  severity: "critical",
  enabled: true,
  vehicleIds: null,
};
const T0 = Date.parse("2026-11-21T22:00:00Z");
const at = (seconds: number, readings: Record<string, number>, dtc?: string[]): TelemetryEvent => ({
  vehicleId: "v1",
  ts: T0 + seconds * 1000,
  readings,
  ...(dtc ? { dtc } : {}),
});

/** Runs events through a rule and returns every signal as `seconds kind` (seconds from T0). */
function signals(rule: RuleDef, events: TelemetryEvent[], state: PairState = emptyState()) {
  const out: string[] = [];
  for (const event of events) {
    const step = stepRule(rule, state, event);
    state = step.state;
    if (step.signal) out.push(`${(step.signal.ts - T0) / 1000} ${step.signal.kind}`);
  }
  return out;
}

/** The seconds (from T0) at which an episode opened. */
const fires = (rule: RuleDef, events: TelemetryEvent[], state?: PairState) =>
  signals(rule, events, state)
    .filter((s) => s.endsWith(" open"))
    .map((s) => Number(s.split(" ")[0]));

describe("held for a duration", () => {
  it("fires exactly at forSeconds, not before, once per episode", () => {
    const temps = [0, 30, 59, 60, 61, 120].map((s) => at(s, { engineTempC: 115 }));
    expect(fires(base, temps)).toEqual([60]);
  });

  it("resets when a reading breaks the condition", () => {
    const events = [
      at(0, { engineTempC: 115 }),
      at(50, { engineTempC: 100 }),
      at(60, { engineTempC: 115 }),
      at(110, { engineTempC: 115 }),
      at(120, { engineTempC: 115 }),
    ];
    expect(fires(base, events)).toEqual([120]);
  });

  it("ignores readings without the metric (they neither hold nor break)", () => {
    const events = [at(0, { engineTempC: 115 }), at(30, { speedKph: 50 }), at(60, { engineTempC: 112 })];
    expect(fires(base, events)).toEqual([60]);
  });

  it("fires again in a new episode after a reset", () => {
    const events = [
      at(0, { engineTempC: 115 }),
      at(60, { engineTempC: 115 }),
      at(61, { engineTempC: 90 }),
      at(70, { engineTempC: 115 }),
      at(130, { engineTempC: 115 }),
    ];
    expect(fires(base, events)).toEqual([60, 130]);
  });

  it("without forSeconds fires on the first reading that meets the condition", () => {
    expect(fires({ ...base, forSeconds: null }, [at(0, { engineTempC: 100 }), at(5, { engineTempC: 111 })])).toEqual([5]);
  });

  it("does not evaluate events older than the newest one seen (late events)", () => {
    const events = [at(100, { engineTempC: 90 }), at(0, { engineTempC: 115 }), at(60, { engineTempC: 115 })];
    expect(fires(base, events)).toEqual([]);
  });

  it("evaluates each comparison operator", () => {
    const rule = (op: RuleDef["op"]) => ({ ...base, op, threshold: 10, forSeconds: null });
    const value = (v: number) => fires(rule("eq"), [at(0, { engineTempC: v })]).length;
    expect(value(10)).toBe(1);
    expect(value(11)).toBe(0);
    expect(fires(rule("neq"), [at(0, { engineTempC: 11 })])).toEqual([0]);
    expect(fires(rule("gte"), [at(0, { engineTempC: 10 })])).toEqual([0]);
    expect(fires(rule("lte"), [at(0, { engineTempC: 10 })])).toEqual([0]);
    expect(fires(rule("lt"), [at(0, { engineTempC: 10 })])).toEqual([]);
  });
});

describe("count in a sliding window", () => {
  const braking: RuleDef = { ...base, metric: "accelG", op: "lt", threshold: -0.45, forSeconds: null, window: { count: 3, seconds: 600 } };

  it("opens at the third hit within 600 s; further hits while ≥ 3 remain continue the same episode", () => {
    const hits = [0, 100, 200, 300, 400, 500].map((s) => at(s, { accelG: -0.6 }));
    expect(signals(braking, hits)).toEqual(["200 open", "300 continue", "400 continue", "500 continue"]);
  });

  it("clears at the first reading of the metric that leaves fewer than count hits in the window", () => {
    const events = [
      at(0, { accelG: -0.6 }),
      at(100, { accelG: -0.6 }),
      at(200, { accelG: -0.6 }),
      at(500, { accelG: 0.1 }), // still 3 hits in (−100, 500]: no change
      at(650, { speedKph: 40 }), // no accelG: does not evaluate, so does not clear
      at(700, { accelG: 0.1 }), // (100, 700] holds 1 hit: clears
      at(710, { accelG: -0.6 }),
      at(720, { accelG: -0.6 }),
      at(730, { accelG: -0.6 }),
    ];
    expect(signals(braking, events)).toEqual(["200 open", "700 clear", "720 open", "730 continue"]); // 720: 200, 710, 720 in the window
  });

  it("drops a hit exactly `seconds` old out of the window", () => {
    const hits = [0, 300, 600].map((s) => at(s, { accelG: -0.6 }));
    expect(fires(braking, hits)).toEqual([]);
    const inside = [0, 300, 599].map((s) => at(s, { accelG: -0.6 }));
    expect(fires(braking, inside)).toEqual([599]);
  });

  it("does not reset on readings that miss the condition", () => {
    const events = [at(0, { accelG: -0.5 }), at(10, { accelG: 0.1 }), at(20, { accelG: -0.5 }), at(30, { accelG: -0.5 })];
    expect(fires(braking, events)).toEqual([30]);
  });
});

describe("dtc present", () => {
  const dtcRule: RuleDef = { ...base, metric: "dtc", op: "present", threshold: null, forSeconds: null };

  it("opens when codes appear, continues while they persist, clears on dtc: [] and opens anew", () => {
    const events = [
      at(0, {}, []),
      at(10, {}, ["P0217"]),
      at(20, {}, ["P0217"]),
      at(25, { speedKph: 3 }), // no dtc field: neither meets nor breaks
      at(30, {}, []),
      at(40, {}, ["P0300"]),
    ];
    expect(signals(dtcRule, events)).toEqual(["10 open", "20 continue", "30 clear", "40 open"]);
  });

  it("a code not seen before in the open episode is a new occurrence naming every code seen", () => {
    let state = emptyState();
    const codes: (string[] | undefined)[] = [];
    for (const event of [at(0, {}, ["P0217"]), at(10, {}, ["P0217", "P0300"]), at(20, {}, ["P0300"]), at(30, {}, ["P0420", "P0420"])]) {
      const step = stepRule(dtcRule, state, event);
      state = step.state;
      codes.push(step.signal?.kind === "continue" ? undefined : step.signal?.dtc);
    }
    expect(codes).toEqual([["P0217"], ["P0217", "P0300"], undefined, ["P0217", "P0300", "P0420"]]);
  });
});

describe("cooldown", () => {
  it("a new episode reopens the latest unresolved alert within cooldown of its opening reading, else a new alert", () => {
    const latest = { status: "open", createdAt: new Date(T0).toISOString() };
    const rule = { cooldownSeconds: 900 };
    expect(reopens(undefined, rule, T0)).toBe(false);
    expect(reopens(latest, rule, T0 + 899_999)).toBe(true);
    expect(reopens(latest, rule, T0 + 900_000)).toBe(false);
    expect(reopens({ ...latest, status: "acknowledged" }, rule, T0 + 1000)).toBe(true);
    expect(reopens({ ...latest, status: "resolved" }, rule, T0 + 1000)).toBe(false);
    expect(reopens(latest, { cooldownSeconds: 0 }, T0)).toBe(false);
  });
});

describe("episodes", () => {
  const instant = { ...base, forSeconds: null };

  it("a continuing condition continues the episode on every matching reading, and the breaking reading clears it", () => {
    const events = [at(0, { engineTempC: 115 }), at(10, { engineTempC: 118 }), at(20, { engineTempC: 116 }), at(30, { engineTempC: 100 })];
    expect(signals(instant, events)).toEqual(["0 open", "10 continue", "20 continue", "30 clear"]);
  });

  it("a held rule continues only after it fired; breaking before that clears nothing", () => {
    const events = [at(0, { engineTempC: 115 }), at(30, { engineTempC: 100 }), at(40, { engineTempC: 115 }), at(100, { engineTempC: 115 })];
    expect(signals(base, events)).toEqual(["100 open"]);
    expect(signals(base, [...events, at(110, { engineTempC: 117 }), at(120, { engineTempC: 90 })])).toEqual([
      "100 open",
      "110 continue",
      "120 clear",
    ]);
  });

  it("after a manual resolve (state reset, clock kept) the condition must hold forSeconds anew", () => {
    let state = emptyState();
    for (const e of [at(0, { engineTempC: 115 }), at(60, { engineTempC: 115 })]) state = stepRule(base, state, e).state;
    const reset = { ...emptyState(), lastTs: state.lastTs };
    expect(signals(base, [at(70, { engineTempC: 115 }), at(120, { engineTempC: 115 }), at(130, { engineTempC: 115 })], reset)).toEqual([
      "130 open",
    ]);
  });

  it("peakValue: max for gt/gte, min for lt/lte, the value for eq/neq, null for dtc", () => {
    expect(peakOf({ op: "gt", metric: "engineTempC" }, 118, 116)).toBe(118);
    expect(peakOf({ op: "gte", metric: "engineTempC" }, 118, 120)).toBe(120);
    expect(peakOf({ op: "lt", metric: "oilPressureKpa" }, 80, 90)).toBe(80);
    expect(peakOf({ op: "lte", metric: "oilPressureKpa" }, 80, 70)).toBe(70);
    expect(peakOf({ op: "eq", metric: "fuelPct" }, 5, 5)).toBe(5);
    expect(peakOf({ op: "neq", metric: "fuelPct" }, 4, 7)).toBe(7);
    expect(peakOf({ op: "gt", metric: "engineTempC" }, null, 111)).toBe(111);
    expect(peakOf({ op: "present", metric: "dtc" }, null, null)).toBeNull();
  });
});

describe("per-rule, per-metric clock", () => {
  const instant = { ...base, forSeconds: null };

  it("an event without the rule's metric does not move its clock, so a later-arriving older fault is evaluated", () => {
    const dtcRule: RuleDef = { ...base, metric: "dtc", op: "present", threshold: null, forSeconds: null };
    const state = stepRule(dtcRule, emptyState(), at(100, { lat: 52.5, lon: 13.4 })).state;
    expect(state.lastTs).toBe(-Infinity);
    expect(signals(dtcRule, [at(90, {}, ["P0217"])], state)).toEqual(["90 open"]);
  });

  it("returns the very same state object for events it does not evaluate (no allocation on the hot path)", () => {
    const state = emptyState();
    expect(stepRule(instant, state, at(0, { speedKph: 50 })).state).toBe(state);
  });

  it("a late event newer than the last evaluated reading is evaluated; older ones are not; equal ones are", () => {
    let state = stepRule(instant, emptyState(), at(50, { engineTempC: 90 })).state;
    state = stepRule(instant, state, at(200, { speedKph: 90 })).state; // location-only, newer: clock stays at 50
    expect(signals(instant, [at(60, { engineTempC: 115 })], state)).toEqual(["60 open"]);
    expect(signals(instant, [at(40, { engineTempC: 115 })], state)).toEqual([]);
    expect(signals(instant, [at(50, { engineTempC: 115 })], state)).toEqual(["50 open"]);
  });
});
