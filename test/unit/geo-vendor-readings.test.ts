import { describe, expect, it } from "vitest";
import { mapGeotabFeed } from "../../worker/integrations/geotab/mapping";
import { mapMotive } from "../../worker/integrations/motive/mapping";
import { mapSamsara } from "../../worker/integrations/samsara/mapping";

/** What geofence and offline rules read from each vendor: `lat`/`lon` fixes and the `ignition` state. */

const NOW = Date.parse("2026-03-02T14:10:00Z");
const at = (secondsAgo: number) => new Date(NOW - secondsAgo * 1000).toISOString();

describe("vendor positions and ignition", () => {
  it("Samsara: gps samples give lat/lon, engineStates give ignition (Off → 0, On and Idle → 1)", () => {
    const mapped = mapSamsara(
      {
        eventId: "evt-1",
        eventTime: at(0),
        eventType: "VehicleStatsUpdated",
        data: {
          vehicle: { id: "v1" },
          gps: { time: at(90), latitude: 52.1, longitude: 4.2 },
          engineStates: [
            { time: at(60), value: "On" },
            { time: at(30), value: "Idle" },
            { time: at(10), value: "Off" },
          ],
        },
      },
      NOW,
    );
    if (!mapped.ok) throw new Error(JSON.stringify(mapped.errors));
    const byTs = Object.fromEntries(mapped.events.map((e) => [e.ts, e.readings]));
    expect(byTs[NOW - 90_000]).toEqual({ lat: 52.1, lon: 4.2 });
    expect([byTs[NOW - 60_000], byTs[NOW - 30_000], byTs[NOW - 10_000]]).toEqual([{ ignition: 1 }, { ignition: 1 }, { ignition: 0 }]);
  });

  it("Samsara: an unknown engine state is named by its path", () => {
    const mapped = mapSamsara(
      {
        eventId: "evt-2",
        eventTime: at(0),
        eventType: "VehicleStatsUpdated",
        data: { vehicle: { id: "v1" }, engineStates: { time: at(5), value: "Sleeping" } },
      },
      NOW,
    );
    expect(mapped.ok ? [] : mapped.errors.map((e) => e.path)).toEqual(["data.engineStates.value"]);
  });

  it("Geotab: LogRecords give lat/lon, DiagnosticIgnitionId gives ignition", () => {
    const logs = mapGeotabFeed("LogRecord", [{ dateTime: at(20), device: { id: "b1" }, latitude: 43.45, longitude: -79.68 }], NOW);
    expect(logs.events[0]!.readings).toEqual({ lat: 43.45, lon: -79.68 });
    const status = mapGeotabFeed(
      "StatusData",
      [{ dateTime: at(5), device: { id: "b1" }, diagnostic: { id: "DiagnosticIgnitionId" }, data: 0 }],
      NOW,
    );
    expect(status.events[0]!.readings).toEqual({ ignition: 0 });
  });

  it("Motive: vehicle locations give lat/lon", () => {
    const mapped = mapMotive(
      { action: "vehicle_location_updated", id: 7, vehicle_id: 42, located_at: at(15), lat: 37.77, lon: -122.42 },
      "imperial",
      NOW,
    );
    if (!mapped.ok) throw new Error(JSON.stringify(mapped.errors));
    expect(mapped.events[0]!.readings).toMatchObject({ lat: 37.77, lon: -122.42 });
  });
});
