import { describe, expect, it } from "vitest";
import { mapMotive } from "../../worker/integrations/motive/mapping";
import { signMotive } from "../../worker/integrations/motive/signature";
import { fixture } from "../fixtures/vendors";

const NOW = Date.parse("2026-03-02T14:10:00Z");
const ok = (body: unknown, units: "imperial" | "metric" = "imperial") => {
  const mapped = mapMotive(body, units, NOW);
  if (!mapped.ok) throw new Error(JSON.stringify(mapped.errors));
  return mapped;
};
const errorPaths = (body: unknown) => {
  const mapped = mapMotive(body, "imperial", NOW);
  return mapped.ok ? [] : mapped.errors.map((e) => e.path).sort();
};

describe("Motive signature", () => {
  it("matches both examples of Motive's documentation (hex HMAC-SHA1 of the raw body)", async () => {
    expect(await signMotive("8cbd43f98ba1e33c28c9", '{"action":"test"}')).toBe("5e1a966298ba4f3e91847aea8746198ca0530dd2");
    expect(await signMotive("d9d36bea41c44ae49d1bfc4a48ba2abe", '["fault_code_closed"]')).toBe("f04a8386a21a6cba0447024e83b3f0983352bb72");
  });
});

describe("mapMotive", () => {
  it("maps a location in imperial or metric units, keyed by the location id", () => {
    const body = fixture("motive-vehicle-location-updated", NOW);
    const imperial = ok(body);
    expect(imperial.key).toBe("motive:location:5d3d5cf6-501f-4566-ad07-a80c05c743a7");
    expect(imperial.events).toEqual([
      {
        vehicleId: "8675309",
        vehiclePath: "vehicle_id",
        ts: NOW,
        readings: {
          lat: 34.0522,
          lon: -118.2437,
          speedKph: 88.51392,
          odometerKm: 120347.227123,
          engineHours: 5120.4,
          fuelUsedL: 45175.861313,
        },
      },
    ]);
    expect(ok(body, "metric").events[0]!.readings).toMatchObject({ speedKph: 55, odometerKm: 74780.3, fuelUsedL: 11934.2 });
    expect(ok({ ...body, action: "vehicle_location_received" }).key).toBe(imperial.key);
  });

  it("maps opened fault codes (OBD as labelled, J1939 as SPN/FMI) keyed apart from other objects with the same id", () => {
    const obd = ok(fixture("motive-fault-code-opened", NOW));
    expect(obd.key).toBe("motive:fault_code:4416723");
    expect(obd.events).toEqual([
      { vehicleId: "8675309", vehiclePath: "vehicle.id", ts: NOW, readings: {}, dtc: ["P0217"], dtcChange: "opened" },
    ]);
    const j1939 = ok({
      action: "fault_code_opened",
      id: 7,
      code: 110,
      fmi: 0,
      first_observed_at: new Date(NOW).toISOString(),
      vehicle_id: 12,
    });
    expect(j1939.events[0]).toMatchObject({ vehicleId: "12", vehiclePath: "vehicle_id", dtc: ["SPN110-FMI0"] });
    expect(
      errorPaths({
        action: "fault_code_opened",
        id: 7,
        code: "not a code!",
        first_observed_at: new Date(NOW).toISOString(),
        vehicle_id: 12,
      }),
    ).toEqual(["code"]);
    expect(errorPaths({ action: "fault_code_opened", id: 7, code: "P0217" })).toEqual(["first_observed_at", "vehicle_id"]);
    // Closing a code is not "no codes active": a change the hub applies to the vehicle's active list.
    const closed = ok({ action: "fault_code_closed", id: 7, code: "P0217", last_observed_at: new Date(NOW).toISOString(), vehicle_id: 12 });
    expect(closed.key).toBe("motive:fault_code_closed:7");
    expect(closed.events).toEqual([
      { vehicleId: "12", vehiclePath: "vehicle_id", ts: NOW, readings: {}, dtc: ["P0217"], dtcChange: "closed" },
    ]);
  });

  it("derives braking g from a hard brake's speeds and duration; counts corners; ignores camera-only behaviours", () => {
    const brake = ok(fixture("motive-driver-performance-hard-brake", NOW));
    expect(brake.key).toBe("motive:driver_performance_event:914278");
    expect(brake.events[0]!.readings).toEqual({ harshBrake: 1, lat: 34.0501, lon: -118.2512, accelG: -0.501439 });
    expect(brake.events[0]!.ts).toBe(NOW - 2000);
    const corner = ok({
      action: "driver_performance_event_created",
      id: 1,
      type: "hard_corner",
      start_time: new Date(NOW).toISOString(),
      vehicle: { id: 5 },
    });
    expect(corner.events[0]!.readings).toEqual({ harshCorner: 1 });
    const noEnd = ok({
      action: "driver_performance_event_updated",
      id: 2,
      type: "hard_brake",
      start_time: new Date(NOW).toISOString(),
      current_vehicle: { id: 5 },
    });
    expect(noEnd.events[0]).toMatchObject({ vehiclePath: "current_vehicle.id", readings: { harshBrake: 1 } });
    expect(
      ok({ action: "driver_performance_event_created", id: 3, type: "cell_phone", start_time: new Date(NOW).toISOString(), vehicle_id: 5 })
        .events,
    ).toEqual([]);
  });

  it("acknowledges the test request and actions without vehicle data; names bad fields", () => {
    expect(ok({ action: "test" })).toEqual({ ok: true, action: "test", key: null, events: [] });
    expect(ok({ action: "hos_violation_upserted", id: 9 }).events).toEqual([]);
    expect(errorPaths({ id: 1 })).toEqual(["action"]);
    const body = fixture<Record<string, unknown>>("motive-vehicle-location-updated", NOW);
    expect(errorPaths({ ...body, lat: 91, located_at: "today" })).toEqual(["lat", "located_at"]);
    expect(errorPaths(fixture("motive-vehicle-location-updated", NOW - 8 * 86_400_000))).toEqual(["located_at"]);
  });
});
