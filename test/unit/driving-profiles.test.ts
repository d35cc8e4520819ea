import { describe, expect, it } from "vitest";
import { type DrivingProfiles, drivingSignals } from "../../durable-objects/driving-anomalies";

/** drivingSignals over one batch: profiles per (vehicle, driver), at most four per vehicle, saved once per vehicle. */
describe("driving profiles", () => {
  it("keep the four most recently used drivers of a vehicle, each stepped by its own events", () => {
    const stored = new Map<string, DrivingProfiles>();
    const saves: string[] = [];
    const drivers = ["d1", "d2", "d3", "d4", "d5", "d1"];
    const events = drivers.map((_, i) => ({ vehicleId: "v", ts: 1_000 + i * 1_000, readings: { speedKph: 50 + i } }));
    let i = 0;
    drivingSignals(
      events,
      () => drivers[i++],
      (id) => stored.get(id),
      (id, profiles) => {
        saves.push(id);
        stored.set(id, profiles);
      },
    );
    const profiles = stored.get("v")!;
    // d1, least recently used, went when d5 came; it came back with a fresh profile and d2 went.
    expect(Object.keys(profiles).sort()).toEqual(["d1", "d3", "d4", "d5"]);
    expect(profiles.d1!.usedAt).toBe(6_000);
    expect(profiles.d1!.last).toEqual({ ts: 6_000, speedKph: 55 });
    expect(saves).toEqual(["v"]);
  });
});
