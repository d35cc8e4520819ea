import { describe, expect, it } from "vitest";
import { renderReminder, renderSpec } from "../../worker/notifications/message";
import { reminderFor } from "../../worker/notifications/reminders";

const DAY = 86_400_000;
const NOW = Date.parse("2026-12-01T00:00:00Z");
const pair = {
  vehicleId: "veh_1",
  vehicleName: "Unit 7",
  planId: "mpl_1",
  planName: "Oil change",
  baselineServiceId: null,
  dueAtKm: 10_000,
  dueAtEngineHours: null,
  dueDate: NOW + 40 * DAY,
  remainingKm: 500,
  remainingEngineHours: null,
  remainingDays: 40,
  forecastDate: NOW + 19 * DAY,
};

describe("maintenance reminder messages", () => {
  it("names the vehicle, the plan and each due point, with the forecast when due soon", () => {
    const spec = reminderFor({ ...pair, status: "due_soon" })!;
    expect(spec).toMatchObject({ topic: "maintenance:mpl_1:veh_1:start:due_soon", severity: "medium" });
    const m = renderReminder(spec, "https://fleet.example/");
    expect(m.title).toBe("Service due soon: Unit 7 — Oil change");
    expect(m.body).toBe(
      "Oil change for Unit 7 is due soon: due at 10,000 km (500 km left) or on 2027-01-10 (40 days left), whichever comes first. Expected around 2026-12-20 at the current use. Open: https://fleet.example/maintenance?vehicleId=veh_1",
    );
    expect(m.url).toBe("https://fleet.example/maintenance?vehicleId=veh_1");
    expect(renderSpec(spec, "https://fleet.example")).toEqual(m);
  });

  it("says how far past an overdue service is, as severity high, keyed by the interval's baseline", () => {
    const spec = reminderFor({
      ...pair,
      status: "overdue",
      baselineServiceId: "svc_9",
      remainingKm: -120.04,
      dueAtEngineHours: 500,
      remainingEngineHours: -2.5,
      dueDate: null,
      remainingDays: null,
    })!;
    expect(spec).toMatchObject({ topic: "maintenance:mpl_1:veh_1:svc_9:overdue", severity: "high", status: "overdue" });
    const m = renderReminder(spec, "https://fleet.example");
    expect(m.title).toBe("Service overdue: Unit 7 — Oil change");
    expect(m.body).toContain(
      "is overdue: due at 10,000 km (120 km past) or at 500 engine hours (2.5 h past), whichever comes first. Open:",
    );
    expect(m.body).not.toContain("Expected around");
  });

  it("makes no reminder for a pair that is fine, and renders alert specs unchanged", () => {
    expect(reminderFor({ ...pair, status: "ok" })).toBeNull();
    const alert = renderSpec(
      {
        vehicleId: "veh_1",
        vehicleName: "Unit 7",
        severity: "high",
        alerts: [{ id: "alr_1", ruleName: "Overheating", message: "engineTempC 116 > 110" }],
      },
      "https://x.example",
    );
    expect(alert.title).toBe("HIGH: Unit 7 — Overheating");
  });
});
