/**
 * The webhook batch's readings are checked by one loop instead of zod's record schema (speed:
 * worker/schemas/telemetry.ts). It must accept what the record schema accepted and name each bad
 * reading at `events.N.readings.<name>`; the one key the record schema dropped, "__proto__", it refuses.
 */
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { TelemetryBatchSchema } from "../../worker/schemas/telemetry";

const ts = () => new Date().toISOString();
const record = z.record(z.string().min(1).max(64), z.number());
const paths = (error: z.ZodError) => error.issues.map((i) => i.path.join("."));

describe("telemetry readings", () => {
  it("accepts what the record schema accepts, unchanged, and defaults to {}", () => {
    const cases: unknown[] = [{}, { speedKph: 87.5, rpm: 0, accelG: -0.12 }, { ["x".repeat(64)]: 1 }];
    for (const readings of cases) {
      const parsed = JSON.parse(JSON.stringify(readings));
      expect(record.safeParse(parsed).success).toBe(true);
      const batch = TelemetryBatchSchema.parse({ events: [{ vehicleId: "T-1", ts: ts(), readings: parsed }] });
      expect(batch.events[0]!.readings).toEqual(parsed);
    }
    expect(TelemetryBatchSchema.parse({ events: [{ vehicleId: "T-1", ts: ts() }] }).events[0]!.readings).toEqual({});
  });

  it("refuses what the record schema refuses, naming each bad reading", () => {
    const cases: [unknown, string[]][] = [
      [{ speedKph: "fast", rpm: 900, fuelPct: null }, ["events.0.readings.speedKph", "events.0.readings.fuelPct"]],
      [{ ["x".repeat(65)]: 1 }, [`events.0.readings.${"x".repeat(65)}`]],
      [{ "": 1 }, ["events.0.readings."]],
      [{ nested: { a: 1 } }, ["events.0.readings.nested"]],
      [[1, 2], ["events.0.readings"]],
      ["12", ["events.0.readings"]],
      [null, ["events.0.readings"]],
    ];
    for (const [readings, expected] of cases) {
      expect(record.safeParse(readings).success).toBe(false);
      const result = TelemetryBatchSchema.safeParse({ events: [{ vehicleId: "T-1", ts: ts(), readings }] });
      expect(result.success).toBe(false);
      expect(paths(result.error!)).toEqual(expected);
    }
    // "__proto__" (an own key only through JSON.parse): the record schema dropped it silently; refused here.
    const proto = JSON.parse('{"__proto__": 1, "rpm": 900}');
    expect(record.parse(proto)).toEqual({ rpm: 900 });
    const refused = TelemetryBatchSchema.safeParse({ events: [{ vehicleId: "T-1", ts: ts(), readings: proto }] });
    expect(paths(refused.error!)).toEqual(["events.0.readings.__proto__"]);
    // Not finite (possible only from code, JSON has no such numbers).
    const infinite = TelemetryBatchSchema.safeParse({ events: [{ vehicleId: "T-1", ts: ts(), readings: { a: Infinity, b: NaN } }] });
    expect(paths(infinite.error!)).toEqual(["events.0.readings.a", "events.0.readings.b"]);
  });
});
