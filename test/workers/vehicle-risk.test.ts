/**
 * A risk for every vehicle that sends ordinary telematics, through the signed webhook: a numeric
 * score with label, horizon in days, named features and the per-component breakdown; fault codes
 * and a drifting coolant raise it; the list carries it too.
 */
import { describe, expect, it } from "vitest";
import { driveTime } from "./drive";
import { addVehicles, call, createTenant, isoAt, postTelemetry, type TestTenant } from "./helpers";

driveTime();

interface Risk {
  score: number | null;
  score7d: number | null;
  label: string | null;
  horizon: string | null;
  horizonDays: number | null;
  confidence: number | null;
  modelVersion: string | null;
  at: string | null;
  topFeatures: { name: string; contribution: number }[] | null;
  components: {
    component: string;
    score: number;
    score7d: number;
    label: string;
    confidence: number;
    dueDate: string | null;
    evidence: { name: string; contribution: number }[];
  }[];
}

const riskOf = async (tenant: TestTenant, vehicleId: string) =>
  (await (await call("GET", `/api/vehicles/${vehicleId}/risk`, { token: tenant.admin.token })).json()) as Risk;

/**
 * Ten minutes of ordinary telematics, one event every 5 s (120 events), sent as a vendor would:
 * a minute per signed batch. `coolantDrift` °C is added linearly over the ten minutes.
 */
async function driveTenMinutes(
  tenant: TestTenant,
  externalId: string,
  options: { coolantDrift?: number; dtc?: string[]; brakePadMm?: number; start?: number } = {},
) {
  const start = options.start ?? 0;
  for (let minute = 0; minute < 10; minute++) {
    const events = Array.from({ length: 12 }, (_, k) => {
      const i = minute * 12 + k;
      const t = start + i * 5;
      const speedKph = 55 + 25 * Math.sin(i / 9);
      return {
        vehicleId: externalId,
        ts: isoAt(t),
        readings: {
          speedKph,
          rpm: 900 + speedKph * 22,
          engineLoadPct: 35 + 15 * Math.sin(i / 7),
          engineTempC: 92 + Math.sin(i / 11),
          coolantTempC: 88 + Math.sin(i / 13) + ((options.coolantDrift ?? 0) * i) / 119,
          intakeAirTempC: 24,
          oilPressureKpa: 310 + 20 * Math.sin(i / 5),
          batteryV: 14.1,
          fuelPct: 70 - i * 0.02,
          odometerKm: 120_000 + i * 0.08,
          engineHours: 4_200 + i / 720,
          brakePadMm: options.brakePadMm ?? 9,
          tirePressureKpa: 690,
          accelG: 0.05 * Math.sin(i / 3),
        },
        ...(options.dtc && minute === 0 && k === 0 ? { dtc: options.dtc } : {}),
      };
    });
    const res = await postTelemetry(tenant, { events });
    expect(res.status).toBe(202);
  }
}

describe("a risk for every vehicle from ordinary telematics", { timeout: 60_000 }, () => {
  it("scores a van and a worn truck after 10 minutes: numeric, labelled, in days, named, by component; the truck higher", async () => {
    const tenant = await createTenant();
    const { VAN: van, TRUCK: truck } = await addVehicles(tenant, ["VAN", "TRUCK"]);
    await driveTenMinutes(tenant, "VAN");
    await driveTenMinutes(tenant, "TRUCK", { coolantDrift: 10, dtc: ["P0217", "P0520"] });

    const vanRisk = await riskOf(tenant, van!.id);
    const truckRisk = await riskOf(tenant, truck!.id);
    for (const risk of [vanRisk, truckRisk]) {
      expect(risk.score).toBeTypeOf("number");
      expect(risk.score).toBeGreaterThanOrEqual(0);
      expect(risk.score).toBeLessThanOrEqual(1);
      expect(risk.score7d).toBeLessThanOrEqual(risk.score!);
      expect(["low", "elevated", "high"]).toContain(risk.label);
      expect(risk).toMatchObject({ horizon: "30 days", horizonDays: 30 });
      expect(risk.confidence).toBeGreaterThan(0);
      expect(risk.modelVersion).toBeTruthy();
      expect(risk.components.map((c) => c.component).sort()).toEqual(["brakes", "charging", "cooling", "engine", "tyres"]);
      // One risk: 1 − Π(1 − component), up to the rounding of each part.
      const combined = 1 - risk.components.reduce((q, c) => q * (1 - c.score), 1);
      expect(Math.abs(combined - risk.score!)).toBeLessThan(0.01);
    }
    expect(truckRisk.score!).toBeGreaterThan(vanRisk.score!);
    expect(truckRisk.label).toBe("high");
    // The codes' meanings, in words, lead the truck's features.
    const names = truckRisk.topFeatures!.map((f) => f.name);
    expect(names.some((n) => /P0217.*over-temperature/i.test(n))).toBe(true);
    expect(names.some((n) => /P0520.*oil pressure/i.test(n))).toBe(true);
    const engine = truckRisk.components.find((c) => c.component === "engine")!;
    expect(engine.label).toBe("high");
    expect(engine.evidence.map((e) => e.name).join(" ")).toMatch(/fault code P0217/);
    // Ten minutes are too few to judge the coolant against this engine's own normal: the cooling
    // component says so (and its confidence is low) rather than guessing (see vehicle-risk-faults.test.ts).
    const cooling = truckRisk.components.find((c) => c.component === "cooling")!;
    expect(cooling.evidence.map((e) => e.name).join(" ")).toMatch(/learning this vehicle's normal coolant/);
    expect(cooling.confidence).toBeLessThan(0.5);

    // The list shows the same risk, so the fleet screen needs no request per vehicle.
    const list = (await (await call("GET", "/api/vehicles?limit=10", { token: tenant.admin.token })).json()) as {
      items: { id: string; risk: Risk }[];
    };
    expect(list.items.find((v) => v.id === truck!.id)!.risk.score).toBe(truckRisk.score);
    expect(list.items.find((v) => v.id === van!.id)!.risk.label).toBe(vanRisk.label);
  });

  it("answers null fields before any telemetry, and 404 for another tenant's vehicle", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    const { IDLE: idle } = await addVehicles(tenant, ["IDLE"]);
    expect(await riskOf(tenant, idle!.id)).toMatchObject({ score: null, label: null, horizon: null, components: [] });
    const res = await call("GET", `/api/vehicles/${idle!.id}/risk`, { token: other.admin.token });
    expect(res.status).toBe(404);
  });

  it("names an unlisted code by its standard family", async () => {
    const tenant = await createTenant();
    const { FAM: vehicle } = await addVehicles(tenant, ["FAM"]);
    await postTelemetry(tenant, { events: [{ vehicleId: "FAM", ts: isoAt(0), readings: { speedKph: 40 }, dtc: ["P0456", "C1234"] }] });
    const risk = await riskOf(tenant, vehicle!.id);
    const evidence = risk.components.find((c) => c.component === "engine")!.evidence.map((e) => e.name);
    expect(evidence).toContain("fault code P0456: auxiliary emission control fault");
    expect(evidence).toContain("fault code C1234: manufacturer-specific chassis fault (brakes, steering or suspension)");
  });
});
