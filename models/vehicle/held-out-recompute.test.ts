// The held-out figures can be recomputed from the committed predictions (reports/*.csv, two
// decimals) without the drives: the coolant sensor's warm-driving MAE and the clean drives'
// alarms match reports/carobd-vehicle-health.json.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const reports = new URL("../reports/", import.meta.url);
const csv = (name: string) => {
  const [head, ...lines] = readFileSync(new URL(name, reports), "utf8").trim().split("\n");
  const keys = head!.split(",");
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [keys[i], v])) as Record<string, string>);
};
const report = JSON.parse(readFileSync(new URL("carobd-vehicle-health.json", reports), "utf8"));

describe("held-out figures from the committed predictions", () => {
  it("coolant MAE on warm-engine driving (coolant ≥ 70 °C, > 5 km/h)", () => {
    const warmDriving = csv("carobd-test-predictions.csv").filter((r) => Number(r.coolant_c) >= 70 && Number(r.speed_kph) > 5);
    const mae = warmDriving.reduce((s, r) => s + Math.abs(Number(r.coolant_c) - Number(r.expected_coolant_c)), 0) / warmDriving.length;
    const want = report.virtualSensors.coolantTempC.warmEngineDriving;
    expect(warmDriving.length).toBe(want.minutes);
    expect(Math.abs(mae - want.mae)).toBeLessThan(0.01); // the CSV keeps two decimals
  });

  it("no cooling alarm on the clean held-out drives, as reported", () => {
    const trace = csv("carobd-test-clean-trace.csv");
    const alarmMinutes = trace.filter((r) => r.cooling_alarm === "1").length;
    expect(alarmMinutes).toBe(report.faultDetection.minutesInAlarmClean);
    expect(report.faultDetection.falseAlarms).toBe(0);
  });
});
