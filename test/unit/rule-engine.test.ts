import { describe, expect, it } from "vitest";
import { emptyState, stepRule, triggerOutcome, type PairState, type RuleDef } from "../../worker/domain/rule-engine";
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

/** Runs events through a rule and returns the seconds (from T0) at which it fired. */
function fires(rule: RuleDef, events: TelemetryEvent[], state: PairState = emptyState()) {
  const out: number[] = [];
  for (const event of events) {
    const step = stepRule(rule, state, event);
    state = step.state;
    if (step.trigger) out.push((step.trigger.ts - T0) / 1000);
  }
  return out;
}

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

  it("fires at the third hit within 600 s and then needs three fresh hits", () => {
    const hits = [0, 100, 200, 300, 400, 500].map((s) => at(s, { accelG: -0.6 }));
    expect(fires(braking, hits)).toEqual([200, 500]);
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

  it("fires when codes appear, stays quiet while they persist, and re-arms when they clear", () => {
    const events = [
      at(0, {}, []),
      at(10, {}, ["P0217"]),
      at(20, {}, ["P0217"]),
      at(25, { speedKph: 3 }),
      at(30, {}, []),
      at(40, {}, ["P0300"]),
    ];
    expect(fires(dtcRule, events)).toEqual([10, 40]);
  });
});

describe("cooldown", () => {
  it("repeats inside the cooldown, creates after it has elapsed or once resolved", () => {
    const latest = { status: "open", cooldownUntil: T0 + 900_000 };
    expect(triggerOutcome(undefined, T0)).toBe("create");
    expect(triggerOutcome(latest, T0 + 899_999)).toBe("repeat");
    expect(triggerOutcome(latest, T0 + 900_000)).toBe("create");
    expect(triggerOutcome({ ...latest, status: "acknowledged" }, T0 + 1000)).toBe("repeat");
    expect(triggerOutcome({ ...latest, status: "resolved" }, T0 + 1000)).toBe("create");
  });
});
