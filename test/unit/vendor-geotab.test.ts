import { describe, expect, it } from "vitest";
import { geotabUrl } from "../../worker/integrations/geotab/client";
import { faultCode, mapGeotabFeed } from "../../worker/integrations/geotab/mapping";
import { roundKey } from "../../worker/integrations/geotab/poller";

const NOW = Date.parse("2026-03-02T14:10:00Z");
const t = (secondsAgo: number) => new Date(NOW - secondsAgo * 1000).toISOString();
const status = (id: string, data: number, secondsAgo = 0, device = "b1") => ({
  dateTime: t(secondsAgo),
  device: { id: device },
  diagnostic: { id },
  data,
});

describe("mapGeotabFeed", () => {
  it("converts StatusData by diagnostic: m → km, s → h, °C, kPa, V, %, rpm; one event per device and instant", () => {
    const records = [
      status("DiagnosticOdometerId", 120345200),
      status("DiagnosticEngineHoursId", 18433440),
      status("DiagnosticEngineCoolantTemperatureId", 96),
      status("DiagnosticEngineOilPressureId", 310),
      status("DiagnosticGoDeviceVoltageId", 13.9),
      status("DiagnosticFuelLevelId", 54.5),
      status("DiagnosticEngineSpeedId", 1450),
      status("DiagnosticIgnitionId", 1),
      status("DiagnosticFuelLevelId", 50, 0, "b2"),
    ];
    expect(mapGeotabFeed("StatusData", records, NOW)).toEqual({
      events: [
        {
          deviceId: "b1",
          ts: NOW,
          readings: {
            odometerKm: 120345.2,
            engineHours: 5120.4,
            coolantTempC: 96,
            engineTempC: 96,
            oilPressureKpa: 310,
            batteryV: 13.9,
            fuelPct: 54.5,
            rpm: 1450,
            ignition: 1,
          },
        },
        { deviceId: "b2", ts: NOW, readings: { fuelPct: 50 } },
      ],
      unmapped: 0,
    });
  });

  it("maps log records (km/h) and harsh-driving exception rules; skips unreadable, future and other-rule records", () => {
    const logs = mapGeotabFeed(
      "LogRecord",
      [
        { dateTime: t(10), device: { id: "b1" }, latitude: 43.45, longitude: -79.68, speed: 84 },
        { dateTime: t(-3600), device: { id: "b1" }, latitude: 43.45, longitude: -79.68, speed: 84 },
        { dateTime: "garbage", device: { id: "b1" }, latitude: 1, longitude: 1 },
      ],
      NOW,
    );
    expect(logs).toEqual({
      events: [{ deviceId: "b1", ts: NOW - 10_000, readings: { lat: 43.45, lon: -79.68, speedKph: 84 } }],
      unmapped: 2,
    });
    const exceptions = mapGeotabFeed(
      "ExceptionEvent",
      [
        { activeFrom: t(5), device: { id: "b1" }, rule: { id: "RuleHarshBrakingId" } },
        { activeFrom: t(5), device: { id: "b1" }, rule: { id: "RuleJackrabbitStartsId" } },
        { activeFrom: t(5), device: { id: "b1" }, rule: { id: "RuleIdlingId" } },
      ],
      NOW,
    );
    expect(exceptions).toEqual({ events: [{ deviceId: "b1", ts: NOW - 5000, readings: { harshBrake: 1, harshAccel: 1 } }], unmapped: 1 });
  });

  it("reports active faults as DTCs: J1939 SPN/FMI, the OBD code named by the diagnostic, else the id", () => {
    const fault = (diagnostic: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
      dateTime: t(0),
      device: { id: "b1" },
      diagnostic,
      ...extra,
    });
    expect(faultCode(fault({ id: "d1", code: 110 }, { failureMode: { id: "f", code: 0 } }) as never)).toBe("SPN110-FMI0");
    expect(faultCode(fault({ id: "d1" }) as never, { code: 110, source: { id: "SourceJ1939Id" } })).toBe("SPN110");
    expect(
      faultCode(fault({ id: "d2" }) as never, { code: 535, name: "P0217 Engine coolant over temperature", source: { id: "SourceObdId" } }),
    ).toBe("P0217");
    expect(faultCode(fault({ id: "aB3dq8S0EkOQ4kIYrUx0Hw" }) as never)).toBe("AB3DQ8S0EKOQ4KIY");
    const mapped = mapGeotabFeed(
      "FaultData",
      [
        fault({ id: "d1", code: 110 }, { failureMode: { id: "f", code: 0 }, faultState: "Active" }),
        fault({ id: "d1", code: 111 }, { faultState: "Inactive" }),
      ],
      NOW,
    );
    expect(mapped).toEqual({ events: [{ deviceId: "b1", ts: NOW, readings: {}, dtc: ["SPN110-FMI0"] }], unmapped: 1 });
  });
});

describe("geotabUrl and round keys", () => {
  it("puts the tenant's MyGeotab server into the production URL, leaves a stand-in URL alone, refuses other hosts", () => {
    expect(geotabUrl("https://my.geotab.com/apiv1", "my501.geotab.com")).toBe("https://my501.geotab.com/apiv1");
    expect(geotabUrl("http://127.0.0.1:9100/apiv1", "my.geotab.com")).toBe("http://127.0.0.1:9100/apiv1");
    expect(() => geotabUrl("https://my.geotab.com/apiv1", "169.254.169.254")).toThrow(/InvalidServer/);
    expect(() => geotabUrl("https://my.geotab.com/apiv1", "geotab.com.evil.example")).toThrow(/InvalidServer/);
  });

  it("names a round by every feed's starting version (or the seeded page's end)", () => {
    const page = (fromVersion: string | undefined, toVersion: string) => ({ ...(fromVersion ? { fromVersion } : {}), count: 1, toVersion });
    expect(
      roundKey({ LogRecord: page("a", "b"), StatusData: page(undefined, "c"), FaultData: page("d", "d"), ExceptionEvent: page("e", "f") }),
    ).toBe("geotab:LogRecord:a,StatusData:seed-c,FaultData:d,ExceptionEvent:e");
  });
});
