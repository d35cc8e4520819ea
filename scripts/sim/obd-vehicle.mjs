// Demo vehicles driven by REAL operating patterns: each replays carOBD drives (one road car's
// 1 Hz OBD-II: rpm, speed, engine load, coolant, intake air, control-module voltage; see
// models/data/README.md) one second per tick, parks for a few minutes between drives, and adds
// what the vendor mappings also send (odometer, engine hours, brake pads, tyre pressure,
// oil pressure, position). A few vehicles carry a DEVELOPING fault that stays under every
// threshold rule for a long while, so the health model's risk rises first:
//   TRUCK-001 cooling: coolant creeps up to +14 °C over an hour (the 110 °C rule needs more)
//   TRUCK-002 charging: alternator weakening, charging voltage −1.4 V over an hour; resting
//             voltage sagging too (the 11.8 V rule stays quiet)
//   TRUCK-003 brakes: pads at 4.2 mm wearing 0.3 mm per hour (demo-accelerated)
//   TRUCK-004 tyres: a slow leak, −20 kPa per hour
// The one-shot faults of vehicle-model.mjs (overheating, oil pressure drop, ...) still work.
import { listCarObdDrives, loadCarObdDrives } from "../../models/data/carobd.js";

const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
const jitter = (scale) => (Math.random() - 0.5) * 2 * scale;

export const DEVELOPING = ["cooling", "charging", "brakes", "tyres"];

/** Every non-empty carOBD drive, loaded once (a few seconds: gunzip + hash check). */
let drives = null;
function allDrives() {
  drives ??= loadCarObdDrives(listCarObdDrives()).filter((d) => d.rows.length > 600);
  return drives;
}

export class ObdVehicle {
  constructor(externalId, index) {
    this.externalId = externalId;
    this.index = index;
    this.driveIndex = (index * 7) % allDrives().length;
    this.row = (index * 137) % allDrives()[this.driveIndex].rows.length; // start mid-drive, warm
    this.parkedFor = 0;
    this.elapsed = 0; // seconds since the simulation started
    this.developing = index < DEVELOPING.length ? DEVELOPING[index] : null;
    this.fuel = 40 + ((index * 7) % 55);
    this.odometer = 40_000 + index * 7_919;
    this.engineHours = 1_200 + index * 211;
    this.pads = this.developing === "brakes" ? 4.2 : 6 + (index % 5);
    this.tyre = 228 + (index % 4) * 3;
    this.lat = 52.52 + index * 0.01;
    this.lon = 13.4 + index * 0.01;
    this.lastSpeed = 0;
    this.fault = null;
    this.faultTicks = 0;
    this.extraHeat = 0;
    this.dtc = [];
  }

  inject(fault, ticks) {
    this.fault = fault;
    this.faultTicks = ticks;
  }

  /** The carOBD row for this second, or null while parked between drives. */
  nextRow() {
    if (this.parkedFor > 0) {
      this.parkedFor--;
      return null;
    }
    const d = allDrives()[this.driveIndex];
    const row = d.rows[this.row];
    this.row += 2; // the logger wrote about two rows per second
    if (this.row >= d.rows.length) {
      this.driveIndex = (this.driveIndex + 1) % allDrives().length;
      this.row = 0;
      this.parkedFor = 120 + Math.floor(Math.random() * 180);
    }
    return row;
  }

  /** Advances one second and returns one telemetry event at `ts` (ms). */
  step(ts, seconds = 1) {
    this.elapsed += seconds;
    const f = this.faultTicks > 0 ? this.fault : null;
    if (this.faultTicks > 0 && --this.faultTicks === 0) this.fault = null;
    const hours = this.elapsed / 3600;
    const row = this.nextRow();
    const running = row !== null && row.rpm > 300;

    let speed = row ? row.speedKph : 0;
    if (f === "speeding") speed = clamp(speed + 60, 0, 135);
    let coolant = row ? row.coolantTempC : clamp(85 - this.parkedFor * 0.02, 40, 95);
    if (this.developing === "cooling") coolant += Math.min(14, 14 * hours);
    this.extraHeat = f === "overheating" ? this.extraHeat + 2.5 : Math.max(0, this.extraHeat - 1);
    coolant += this.extraHeat;
    // Control-module voltage: charging while running, resting (~12.6 V) while parked.
    let volts = row && running ? row.batteryV : 12.62 + jitter(0.02);
    if (this.developing === "charging") volts -= running ? Math.min(1.4, 1.4 * hours) : Math.min(0.25, 0.25 * hours);
    if (f === "batterySag") volts = clamp(volts - 2.2, 10.5, 14.4);

    const km = (speed * seconds) / 3600;
    this.odometer += km;
    if (running) this.engineHours += seconds / 3600;
    this.fuel = clamp(this.fuel - km * 0.06, 0, 100);
    if (this.fuel < 8) this.fuel = 85; // refuelled
    this.lat += km * 0.00001;
    this.lon += km * 0.00001;
    // Pads wear with braking distance; the developing case wears fast so the demo shows it.
    const braking = Math.max(0, this.lastSpeed - speed);
    this.pads = clamp(this.pads - braking * 2e-6 - (this.developing === "brakes" ? (0.3 * seconds) / 3600 : 0), 0.5, 12);
    this.tyre = this.developing === "tyres" ? this.tyre - (20 * seconds) / 3600 : this.tyre;
    const accelG = f === "harshBraking" ? -0.55 - Math.random() * 0.2 : clamp((speed - this.lastSpeed) / 3.6 / 9.81, -0.6, 0.6);
    this.lastSpeed = speed;
    if (f === "dtc" && this.dtc.length === 0) this.dtc = [["P0217", "P0520", "P0562", "P0300"][Math.floor(Math.random() * 4)]];
    if (f !== "dtc" && this.dtc.length && Math.random() < 0.02) this.dtc = [];

    /** @type {Record<string, number>} */
    const readings = {
      speedKph: +speed.toFixed(1),
      rpm: row ? Math.round(row.rpm) : 0,
      coolantTempC: +coolant.toFixed(1),
      engineTempC: +(coolant + 3).toFixed(1),
      batteryV: +volts.toFixed(2),
      fuelPct: +this.fuel.toFixed(1),
      odometerKm: +this.odometer.toFixed(2),
      engineHours: +this.engineHours.toFixed(3),
      brakePadMm: +(this.pads + jitter(0.05)).toFixed(2),
      tirePressureKpa: +(this.tyre + (coolant - 80) * 0.05 + jitter(1.5)).toFixed(1),
      accelG: +accelG.toFixed(3),
      lat: +this.lat.toFixed(5),
      lon: +this.lon.toFixed(5),
    };
    if (row) {
      readings.engineLoadPct = +row.engineLoadPct.toFixed(1);
      readings.intakeAirTempC = +row.intakeAirTempC.toFixed(1);
    }
    if (running) readings.oilPressureKpa = Math.round(f === "oilPressureDrop" ? 60 : 180 + row.rpm * 0.06 + jitter(5));
    return { vehicleId: this.externalId, ts: new Date(ts).toISOString(), readings, dtc: this.dtc };
  }
}
