// A small physical-ish model of a truck's telemetry, with faults that can be injected.
// Normal values sit well inside the default rules; each fault drives one rule over its line.

const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
const jitter = (scale) => (Math.random() - 0.5) * 2 * scale;

export const FAULTS = ["overheating", "oilPressureDrop", "harshBraking", "batterySag", "dtc", "speeding"];

export class SimVehicle {
  constructor(externalId, index) {
    this.externalId = externalId;
    this.speed = 60 + (index % 5) * 8;
    this.engineTemp = 88 + (index % 3);
    this.oil = 320;
    this.battery = 13.9;
    this.fuel = 40 + ((index * 7) % 55);
    this.odometer = 40_000 + index * 7_919;
    this.engineHours = 1_200 + index * 211;
    this.lat = 52.52 + index * 0.01;
    this.lon = 13.4 + index * 0.01;
    this.fault = null;
    this.faultTicks = 0;
    this.dtc = [];
  }

  inject(fault, ticks) {
    this.fault = fault;
    this.faultTicks = ticks;
  }

  /** Advances `seconds` of driving and returns one telemetry event at `ts` (ms). */
  step(ts, seconds = 1) {
    const f = this.faultTicks > 0 ? this.fault : null;
    if (this.faultTicks > 0 && --this.faultTicks === 0) this.fault = null;

    this.speed = clamp(this.speed + jitter(3), 0, f === "speeding" ? 135 : 105);
    if (f === "speeding") this.speed = clamp(this.speed + 4, 0, 135);
    this.engineTemp =
      f === "overheating"
        ? clamp(this.engineTemp + 2.5, 80, 125)
        : clamp(this.engineTemp + (90 - this.engineTemp) * 0.1 + jitter(0.5), 80, 125);
    this.oil = f === "oilPressureDrop" ? clamp(this.oil - 60, 40, 450) : clamp(this.oil + (320 - this.oil) * 0.2 + jitter(5), 40, 450);
    this.battery =
      f === "batterySag"
        ? clamp(this.battery - 0.3, 10.5, 14.4)
        : clamp(this.battery + (13.9 - this.battery) * 0.2 + jitter(0.02), 10.5, 14.4);
    const accelG = f === "harshBraking" ? -0.55 - Math.random() * 0.2 : jitter(0.08);
    if (f === "dtc" && this.dtc.length === 0) this.dtc = [["P0217", "P0520", "P0562", "P0300"][Math.floor(Math.random() * 4)]];
    if (f !== "dtc" && this.dtc.length && Math.random() < 0.02) this.dtc = [];

    const km = (this.speed * seconds) / 3600;
    this.odometer += km;
    this.engineHours += seconds / 3600;
    this.fuel = clamp(this.fuel - km * 0.03, 0, 100);
    this.lat += km * 0.00001;
    this.lon += km * 0.00001;
    return {
      vehicleId: this.externalId,
      ts: new Date(ts).toISOString(),
      readings: {
        speedKph: +this.speed.toFixed(1),
        rpm: Math.round(800 + this.speed * 15),
        engineTempC: +this.engineTemp.toFixed(1),
        coolantTempC: +(this.engineTemp - 4).toFixed(1),
        oilPressureKpa: Math.round(this.oil),
        batteryV: +this.battery.toFixed(2),
        fuelPct: +this.fuel.toFixed(1),
        odometerKm: +this.odometer.toFixed(2),
        engineHours: +this.engineHours.toFixed(3),
        accelG: +accelG.toFixed(3),
        lat: +this.lat.toFixed(5),
        lon: +this.lon.toFixed(5),
      },
      dtc: this.dtc,
    };
  }
}
