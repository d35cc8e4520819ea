/**
 * The webhook batch's one-pass check (worker/schemas/telemetry.ts `plainTelemetryEvents`) may
 * only vouch for batches `TelemetryBatchSchema` accepts, and must return exactly the events the
 * schema's output maps to; anything else goes to the schema, which names the bad fields. Random
 * JSON-shaped batches near the schema's edges hold the two together.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { incomingEvent } from "../../worker/lib/telemetry-body";
import { plainTelemetryEvents, TelemetryBatchSchema } from "../../worker/schemas/telemetry";

const NOW = Date.parse("2026-12-05T12:00:00.000Z");
const DAY = 86_400_000;
beforeAll(() => {
  vi.useFakeTimers({ now: NOW, toFake: ["Date"] });
});
afterAll(() => {
  vi.useRealTimers();
});

const validTime = fc.integer({ min: NOW - 7 * DAY + 1000, max: NOW + 4 * 60_000 }).map((t) => new Date(t).toISOString());
const time = fc.oneof(
  validTime,
  validTime.map((t) => t.replace("Z", "+02:00")),
  validTime.map((t) => t.replace(/\.\d+Z$/, "Z")),
  fc.integer({ min: NOW - 30 * DAY, max: NOW + DAY }).map((t) => new Date(t).toISOString()),
  fc.constantFrom("2026-02-30T00:00:00Z", "2026-12-05T24:00:00Z", "2026-12-05T12:00Z", "2026-12-05 12:00:00Z", "yesterday", ""),
  fc.integer(),
);
const code = fc.oneof(fc.constantFrom("P0217", "U0100", "P0300-1"), fc.string({ maxLength: 18 }));
const name = fc.oneof(fc.constantFrom("speedKph", "rpm", "", "x".repeat(64), "x".repeat(65)), fc.string({ maxLength: 70 }));
const reading = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.double(), fc.string({ maxLength: 3 }), fc.constant(null));

type Event = Record<string, unknown>;
/** A well-formed event the schema accepts. */
const goodEvent = fc.record(
  {
    vehicleId: fc.string({ minLength: 1, maxLength: 64 }),
    ts: validTime,
    readings: fc.dictionary(
      fc.string({ minLength: 1, maxLength: 64 }).filter((n) => n !== "__proto__"),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      { maxKeys: 4 },
    ),
    dtc: fc.array(fc.constantFrom("P0217", "U0100"), { maxLength: 3 }),
  },
  { requiredKeys: ["vehicleId", "ts"] },
);
/** One change at the schema's edges (most of them make the event invalid, some keep it valid). */
const mutation: fc.Arbitrary<(e: Event) => void> = fc.oneof(
  fc.oneof(fc.constantFrom("", "v".repeat(64), "v".repeat(65)), fc.string({ maxLength: 70 }), fc.integer()).map((v) => (e: Event) => {
    e.vehicleId = v;
  }),
  time.map((t) => (e: Event) => {
    e.ts = t;
  }),
  fc.tuple(name, reading).map(([n, r]) => (e: Event) => {
    e.readings = { ...(e.readings as object), [n]: r };
  }),
  fc.constant((e: Event) => {
    // JSON.parse makes "__proto__" an own key, as a webhook body's would be.
    e.readings = JSON.parse('{"speedKph": 1, "__proto__": 2}');
  }),
  fc.constantFrom(null, [1], "12", { nested: { a: 1 } }).map((r) => (e: Event) => {
    e.readings = r;
  }),
  fc
    .oneof(fc.array(code, { maxLength: 4 }), fc.array(fc.constant("P0217"), { minLength: 63, maxLength: 66 }), fc.constant("P0217"))
    .map((d) => (e: Event) => {
      e.dtc = d;
    }),
  fc.constantFrom("vehicleId", "ts", "readings", "dtc").map((k) => (e: Event) => {
    delete e[k];
  }),
  fc.constant((e: Event) => {
    e.colour = "red";
  }),
);
const event = fc.tuple(goodEvent, fc.array(mutation, { maxLength: 2 })).map(([e, changes]) => {
  const copy: Event = { ...e };
  for (const change of changes) change(copy);
  return copy;
});
const batch = fc.oneof(
  fc.record({ events: fc.array(event, { minLength: 1, maxLength: 3 }) }),
  fc.record({ events: fc.array(event, { maxLength: 2 }), extra: fc.constant(1) }),
  fc.constantFrom(null, [], "events", { events: {} }, { events: [] }),
);
/** What the webhook's body is: JSON, parsed. */
const asJson = (value: unknown) => JSON.parse(JSON.stringify(value) ?? "null") as unknown;

describe("the one-pass telemetry check", () => {
  it("vouches only for batches the schema accepts, with the events the schema's output maps to", () => {
    const seen = { vouched: 0, refused: 0 };
    fc.assert(
      fc.property(batch, (raw) => {
        const value = asJson(raw);
        const plain = plainTelemetryEvents(value);
        const parsed = TelemetryBatchSchema.safeParse(value);
        seen[plain ? "vouched" : "refused"]++;
        if (plain === null) return;
        expect(parsed.success).toBe(true);
        expect(plain).toEqual(parsed.data!.events.map(incomingEvent));
      }),
      { numRuns: 5000 },
    );
    // Both sides were exercised: the check vouched for many batches and left many to the schema.
    expect(Math.min(seen.vouched, seen.refused)).toBeGreaterThan(250);
  });

  it("leaves each of the schema's edges to the schema, which refuses them", () => {
    const ok = { vehicleId: "T-1", ts: new Date(NOW).toISOString(), readings: { speedKph: 1 }, dtc: ["P0217"] };
    const edges: unknown[] = [
      [null],
      [[ok]],
      ["T-1"],
      [{ ...ok, vehicleId: "" }],
      [{ ...ok, vehicleId: "v".repeat(65) }],
      [{ ...ok, vehicleId: 7 }],
      [{ ...ok, ts: "2026-02-30T00:00:00Z" }],
      [{ ...ok, ts: new Date(NOW - 8 * DAY).toISOString() }],
      [{ ...ok, ts: new Date(NOW + 6 * 60_000).toISOString() }],
      [{ ...ok, readings: { ["x".repeat(65)]: 1 } }],
      [{ ...ok, readings: { "": 1 } }],
      [{ ...ok, readings: JSON.parse('{"__proto__": 1}') }],
      [{ ...ok, readings: { speedKph: "1" } }],
      [{ ...ok, readings: [1] }],
      [{ ...ok, readings: null }],
      [{ ...ok, dtc: ["p0217"] }],
      [{ ...ok, dtc: Array.from({ length: 65 }, () => "P0217") }],
      [{ ...ok, dtc: "P0217" }],
      [{ ...ok, colour: "red" }],
      [{ vehicleId: "T-1", readings: {} }],
    ];
    expect(plainTelemetryEvents(asJson({ events: [ok] }))).not.toBeNull();
    for (const events of edges) {
      const value = asJson({ events });
      expect(plainTelemetryEvents(value), JSON.stringify(events).slice(0, 80)).toBeNull();
      expect(TelemetryBatchSchema.safeParse(value).success).toBe(false);
    }
    expect(plainTelemetryEvents(asJson({ events: [ok], extra: 1 }))).toBeNull();
  });

  it("vouches for every batch of well-formed events, up to 1,000 (so ingest takes the fast path)", () => {
    fc.assert(
      fc.property(fc.array(goodEvent, { minLength: 1, maxLength: 5 }), (events) => {
        expect(plainTelemetryEvents(asJson({ events }))).not.toBeNull();
      }),
    );
    const many = (n: number) => ({ events: Array.from({ length: n }, () => ({ vehicleId: "T-1", ts: new Date(NOW).toISOString() })) });
    expect(plainTelemetryEvents(asJson(many(1000)))).toHaveLength(1000);
    expect(plainTelemetryEvents(asJson(many(1001)))).toBeNull();
    expect(plainTelemetryEvents(asJson({ events: [] }))).toBeNull();
  });
});
