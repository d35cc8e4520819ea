import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { mapSamsara } from "../../worker/integrations/samsara/mapping";
import { signSamsara } from "../../worker/integrations/samsara/signature";
import { fixture } from "../fixtures/vendors";

const NOW = Date.parse("2026-03-02T14:10:00Z");
const at = (secondsAgo: number) => new Date(NOW - secondsAgo * 1000).toISOString();
const envelope = (eventType: string, data: unknown) => ({ eventId: "evt-1", eventTime: at(0), eventType, orgId: 1, webhookId: "w", data });
const ok = (body: unknown) => {
  const mapped = mapSamsara(body, NOW);
  if (!mapped.ok) throw new Error(JSON.stringify(mapped.errors));
  return mapped;
};
const errorPaths = (body: unknown) => {
  const mapped = mapSamsara(body, NOW);
  return mapped.ok ? [] : mapped.errors.map((e) => e.path).sort();
};

describe("Samsara signature", () => {
  it("is hex HMAC-SHA256 over v1:{timestamp}:{body} keyed with the base64-decoded secret", async () => {
    const secret = Buffer.from("0123456789abcdef0123456789abcdef").toString("base64");
    const body = '{"eventId":"e","eventMs":1,"eventType":"Ping","event":{}}';
    const expected = createHmac("sha256", Buffer.from(secret, "base64")).update(`v1:1700000000:${body}`).digest("hex");
    expect(await signSamsara(secret, 1700000000, body)).toBe(`v1=${expected}`);
  });
});

describe("mapSamsara", () => {
  it("maps vehicle stats with their units: milli-°C, mV, mph, m, s → °C, V, km/h, km, h", () => {
    const { events, eventId } = ok(fixture("samsara-vehicle-stats", NOW - 60_000));
    expect(eventId).toBe("0f6b2f52-3c1e-4e5f-b7a4-9d2c8e1a7b30");
    expect(events).toEqual([
      {
        vehicleId: "281474991840886",
        vehiclePath: "data.vehicle.id",
        ts: NOW - 62_120,
        readings: {
          lat: 52.520008,
          lon: 13.404954,
          speedKph: 86.904576,
          coolantTempC: 92.5,
          engineTempC: 92.5,
          oilPressureKpa: 310,
          batteryV: 13.85,
          rpm: 1450,
          fuelPct: 54,
          odometerKm: 120345.2,
          engineHours: 5120.4,
        },
      },
    ]);
  });

  it("takes lists of samples (the stats feed form) as one event per instant and names a bad sample by index", () => {
    const data = {
      vehicle: { id: "v1" },
      engineCoolantTemperatureMilliC: [
        { time: at(60), value: 111000 },
        { time: at(30), value: 112500 },
      ],
      gps: [{ time: at(30), latitude: 1.5, longitude: 2.5, speedMilesPerHour: 10 }],
    };
    expect(ok(envelope("VehicleStatsUpdated", data)).events.map((e) => [e.ts, e.readings])).toEqual([
      [NOW - 30_000, { lat: 1.5, lon: 2.5, speedKph: 16.09344, coolantTempC: 112.5, engineTempC: 112.5 }],
      [NOW - 60_000, { coolantTempC: 111, engineTempC: 111 }],
    ]);
    const bad = {
      ...data,
      engineCoolantTemperatureMilliC: [
        { time: at(60), value: 1 },
        { time: "noon", value: 2 },
      ],
    };
    expect(errorPaths(envelope("VehicleStatsUpdated", bad))).toEqual(["data.engineCoolantTemperatureMilliC.1.time"]);
  });

  it("turns J1939 and OBD-II fault codes into DTCs", () => {
    const fault = ok(fixture("samsara-engine-fault-on", NOW));
    expect(fault.events).toEqual([
      { vehicleId: "281474991840886", vehiclePath: "data.vehicle.id", ts: NOW, readings: {}, dtc: ["SPN110-FMI0"] },
    ]);
    const obd = ok(envelope("EngineFaultOn", { vehicle: { id: 42 }, fault: { obdii: { dtcShortCode: "P0217" } } }));
    expect(obd.events[0]).toMatchObject({ vehicleId: "42", dtc: ["P0217"] });
    const stats = ok(
      envelope("VehicleStatsUpdated", {
        vehicle: { id: "v1" },
        faultCodes: {
          time: at(5),
          j1939: {
            diagnosticTroubleCodes: [
              { spnId: 1666, fmiId: 20 },
              { spnId: 100, fmiId: 1 },
            ],
          },
          obdii: { diagnosticTroubleCodes: [{ confirmedDtcs: [{ dtcShortCode: "p0420" }] }] },
        },
      }),
    );
    expect(stats.events[0]!.dtc).toEqual(["SPN1666-FMI20", "SPN100-FMI1", "P0420"]);
    expect(errorPaths(envelope("EngineFaultOn", { vehicle: { id: "v" }, fault: {} }))).toEqual(["data.fault"]);
  });

  it("maps speeding incidents (mph) and 1.0 harsh-event alerts; acknowledges types without vehicle data", () => {
    const incident = ok(fixture("samsara-alert-incident-speeding", NOW));
    expect(incident.events).toEqual([
      {
        vehicleId: "281474991840886",
        vehiclePath: "data.conditions.0.details.severeSpeeding.vehicle.id",
        ts: NOW - 5_683,
        readings: { speedKph: 130.356864 },
      },
    ]);
    const legacy = ok({
      eventId: "e",
      eventMs: NOW,
      eventType: "Alert",
      event: { alertConditionId: "HarshEvent", startMs: NOW - 1000, device: { id: 212014918732717 } },
    });
    expect(legacy.events).toEqual([
      { vehicleId: "212014918732717", vehiclePath: "event.device.id", ts: NOW - 1000, readings: { harshEvent: 1 } },
    ]);
    expect(ok(fixture("samsara-route-stop-arrival", NOW)).events).toEqual([]);
    expect(ok({ eventId: "p", eventMs: NOW, eventType: "Ping", event: {} }).events).toEqual([]);
    expect(ok(envelope("DriverCreated", { driver: { id: "1" } })).events).toEqual([]);
  });

  it("refuses envelopes without id, type or time, stats-only types without stats, and times outside the window", () => {
    expect(errorPaths({ data: {} })).toEqual(["eventId", "eventMs", "eventType"]);
    expect(errorPaths(envelope("VehicleStatsUpdated", { vehicle: { id: "v" } }))).toEqual(["data"]);
    expect(errorPaths(envelope("VehicleStatsUpdated", { vehicle: { id: "v" }, fuelPercents: { time: at(8 * 86_400), value: 3 } }))).toEqual(
      ["data.fuelPercents.time"],
    );
    expect(errorPaths(envelope("VehicleStatsUpdated", { vehicle: { id: "v" }, fuelPercents: { time: at(-600), value: 3 } }))).toEqual([
      "data.fuelPercents.time",
    ]);
    expect(errorPaths([1, 2])).toEqual(["(body)"]);
  });
});
