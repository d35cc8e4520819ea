// Chooses the charging-voltage detector's settings on the VALIDATION drives only: the most
// sensitive setting (smallest h, then k, then floor) with no charging false alarm over the clean
// validation history; printed in that order, the first with 0 is the choice.
// Run: node models/vehicle/select-voltage.mjs (prints the comparison; the choice is copied into
// hyperparameters.js). No voltage faults are injected: the car's data has none to compare with.
import "../node-env.js";
import { createVehicleHealth, initialHealthState } from "./index.js";
import { SERVED_MODELS } from "./served-models.js";
import { drivesOf } from "./dataset.mjs";
import { faultStudy } from "./evaluate-faults.mjs";
import { COOLANT_DETECTOR, ERRATIC_DETECTOR, VOLTAGE_DETECTOR } from "./hyperparameters.js";

const drives = drivesOf("validation");
for (const h of [8])
  for (const k of [0.5, 1, 2])
    for (const sdFloor of [0.03, 0.08, 0.15]) {
      const voltage = { ...VOLTAGE_DETECTOR, sdFloor, k, h };
      const engine = createVehicleHealth(SERVED_MODELS, { coolant: COOLANT_DETECTOR, voltage, erratic: ERRATIC_DETECTOR });
      const r = await faultStudy(engine, drives, { initialState: initialHealthState, faults: [] });
      console.log(
        `voltage h ${h} k ${k} sdFloor ${sdFloor} V: ${r.chargingFalseAlarms} charging false alarms in ${r.engineHoursAfterCalibration} engine h`,
      );
    }
