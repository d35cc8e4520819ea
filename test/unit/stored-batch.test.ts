// A batch's raw row (durable-objects/stored-batch.ts): events stored either as the rules took them
// or as the verified body's own text with its vehicles' ids; both read back as the same events.
import { describe, expect, it } from "vitest";
import { readStoredEvents, storedEvents } from "../../durable-objects/stored-batch";
import { readTelemetryBody } from "../../worker/lib/telemetry-body";

const base = Date.now() - 60_000;
const at = (s: number) => new Date(base + s * 1000).toISOString();

describe("a batch's stored events", () => {
  it("reads a body stored as its own text back as the events the rules took", () => {
    // Whitespace, an event without readings, codes, and a vehicle named twice: the text as sent.
    const text = `{ "events": [
      {"vehicleId": "TRUCK-1", "ts": "${at(0)}", "readings": {"speedKph": 88.5, "rpm": 1800}},
      {"vehicleId": "TRUCK-2", "ts": "${at(1)}", "dtc": ["P0217"]},
      {"vehicleId": "TRUCK-1", "ts": "${at(2)}", "readings": {}, "dtc": []}
    ] }`;
    const read = readTelemetryBody(new TextEncoder().encode(text));
    if (!read.ok) throw new Error(JSON.stringify(read.errors));
    expect(read.text).toBe(text);
    const ids = new Map([
      ["TRUCK-1", "veh_1"],
      ["TRUCK-2", "veh_2"],
    ]);
    const events = read.events.map((e) => ({ ...e, vehicleId: ids.get(e.vehicleId)! }));
    const stored = storedEvents(events, { text: read.text, externals: ids });
    expect(readStoredEvents(stored)).toEqual(events);
    expect(events[1]).toEqual({ vehicleId: "veh_2", ts: Date.parse(at(1)), readings: {}, dtc: ["P0217"] });
  });

  it("maps vehicles whose external ids are object keys of their own (__proto__, constructor)", () => {
    const text = JSON.stringify({ events: ["__proto__", "constructor"].map((vehicleId) => ({ vehicleId, ts: at(0) })) });
    const read = readTelemetryBody(new TextEncoder().encode(text));
    if (!read.ok) throw new Error(JSON.stringify(read.errors));
    const ids = new Map([
      ["__proto__", "veh_p"],
      ["constructor", "veh_c"],
    ]);
    const events = read.events.map((e) => ({ ...e, vehicleId: ids.get(e.vehicleId)! }));
    expect(readStoredEvents(storedEvents(events, { text: read.text, externals: ids })).map((e) => e.vehicleId)).toEqual(["veh_p", "veh_c"]);
  });

  it("reads events stored as an array (other vendors' batches, rows from before) and a row retention emptied", () => {
    const events = [{ vehicleId: "veh_1", ts: 1_700_000_000_000, readings: { speedKph: 1 }, dtc: ["P0300"], dtcChange: "opened" as const }];
    expect(readStoredEvents(storedEvents(events))).toEqual(events);
    expect(readStoredEvents("[]")).toEqual([]);
  });
});
