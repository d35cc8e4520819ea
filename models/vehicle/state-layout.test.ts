// The working layout of a vehicle's state (state-layout.js): the same keys in the same order
// whatever the state's origin, and nothing added to or lost from the stored JSON.
import { describe, expect, it } from "vitest";
import type { HealthReading, HealthState, VehicleHealthState } from "./index.js";
import { initialHealthState, updateVehicleHealth } from "./index.js";
import { stateCopy } from "./state-layout.js";

const T0 = Date.UTC(2026, 0, 5, 6);

/** Half a minute of 1 Hz readings: the state ends with an open minute and smoothed conditions. */
const readings = (start: number): HealthReading[] =>
  Array.from({ length: 30 }, (_, k) => ({
    ts: T0 + (start + k) * 1000,
    readings: {
      rpm: 1800,
      speedKph: 50,
      engineLoadPct: 40,
      coolantTempC: 88 + k / 10,
      batteryV: 14.1,
      brakePadMm: 7,
      tirePressureKpa: 230,
    },
  }));

/** Every part's keys, in order. @param {VehicleHealthState} s */
const layout = (s: VehicleHealthState) => ({
  top: Object.keys(s),
  sig: Object.keys(s.sig),
  acc: s.sig.acc ? Object.keys(s.sig.acc as object) : null,
  cool: Object.keys(s.cool),
  rough: Object.keys(s.rough),
  pads: Object.keys(s.pads),
});

describe("state layout", () => {
  it("gives a new state, a returned one and one parsed from storage the same layout", async () => {
    let state: HealthState = initialHealthState();
    for (let call = 0; call < 3; call++)
      [{ state }] = (await updateVehicleHealth([{ state, readings: readings(call * 30) }], T0 + (call + 1) * 30_000)) as never;
    const returned = state as VehicleHealthState;
    const parsed = JSON.parse(JSON.stringify(returned)) as VehicleHealthState;
    expect(returned.sig.acc).not.toBeNull(); // an open minute, with its smoothed conditions
    expect(layout(stateCopy(parsed))).toEqual(layout(returned));
    expect(Object.keys(stateCopy(initialHealthState() as VehicleHealthState))).toEqual(layout(returned).top);
  });

  it("copies every stored field and adds none to the JSON", async () => {
    const [{ state }] = (await updateVehicleHealth([{ state: initialHealthState(), readings: readings(0) }], T0 + 30_000)) as never;
    const stored = JSON.parse(JSON.stringify(state));
    expect(JSON.parse(JSON.stringify(stateCopy(stored)))).toEqual(stored);
    expect(JSON.stringify(stateCopy(stored))).toBe(JSON.stringify(stored));
  });
});
