/**
 * Recalibration from the fleet's outcomes: Platt scaling per component once MIN_OUTCOMES have
 * accrued, applied to the served risk; a new trouble code is recorded as an outcome.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { calibrate, fitPlatt, MIN_OUTCOMES } from "../../durable-objects/risk-calibration";
import { addVehicles, call, createTenant, isoAt, postTelemetry } from "./helpers";

describe("Platt scaling per component", () => {
  it("is not fitted below MIN_OUTCOMES, and then pulls over-confident scores toward the observed rate", () => {
    const few = Array.from({ length: MIN_OUTCOMES - 1 }, () => ({ predicted: 0.9, confirmed: false }));
    expect(fitPlatt(few)).toBeNull();
    // The model said 0.9 forty times; the workshop confirmed the failure 10 times in 40.
    const outcomes = Array.from({ length: 40 }, (_, i) => ({ predicted: 0.9, confirmed: i < 10 }));
    const scale = fitPlatt(outcomes)!;
    expect(scale.n).toBe(40);
    const p = calibrate({ engine: scale }, "engine", 0.9);
    expect(p).toBeGreaterThan(0.2);
    expect(p).toBeLessThan(0.32);
    // Other components keep the model's own probability; a higher score never maps lower.
    expect(calibrate({ engine: scale }, "brakes", 0.9)).toBe(0.9);
    expect(calibrate({ engine: scale }, "engine", 0.95)).toBeGreaterThanOrEqual(p);
  });

  it("separates scores that discriminate: confirmed high ones rise, refuted low ones fall", () => {
    const outcomes = [
      ...Array.from({ length: 15 }, () => ({ predicted: 0.6, confirmed: true })),
      ...Array.from({ length: 15 }, () => ({ predicted: 0.3, confirmed: false })),
    ];
    const scale = fitPlatt(outcomes)!;
    expect(calibrate({ cooling: scale }, "cooling", 0.6)).toBeGreaterThan(0.8);
    expect(calibrate({ cooling: scale }, "cooling", 0.3)).toBeLessThan(0.2);
  });
});

describe("outcomes in the tenant object", { timeout: 60_000 }, () => {
  it("changes the served score once enough no-fault outcomes accrued for the component", async () => {
    const tenant = await createTenant();
    const { "CAL-1": vehicle } = await addVehicles(tenant, ["CAL-1"]);
    await postTelemetry(tenant, { events: [{ vehicleId: "CAL-1", ts: isoAt(0), readings: { speedKph: 50 }, dtc: ["P0300"] }] });
    const risk = async () =>
      (await (await call("GET", `/api/vehicles/${vehicle!.id}/risk`, { token: tenant.admin.token })).json()) as {
        score: number;
        components: { component: string; score: number }[];
      };
    const engineScore = async () => (await risk()).components.find((c) => c.component === "engine")!.score;
    const raw = await engineScore();
    expect(raw).toBeGreaterThan(0.7);

    const hub = env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenant.id));
    const record = (i: number) =>
      hub.recordOutcome(tenant.id, {
        workOrderId: `wo_cal_${i}`,
        vehicleId: vehicle!.id,
        alertId: null,
        component: "engine",
        confirmed: false,
      });
    for (let i = 0; i < MIN_OUTCOMES - 1; i++) expect(await record(i)).toEqual({ recorded: true });
    expect(await record(0)).toEqual({ recorded: false }); // the same work order twice counts once
    expect(await engineScore()).toBe(raw); // not enough outcomes yet
    await record(MIN_OUTCOMES - 1);
    const after = await engineScore();
    expect(after).toBeLessThan(raw / 2);
    const summary = await hub.outcomeSummary(tenant.id);
    expect(summary).toHaveLength(1);
    expect(summary[0]).toMatchObject({ component: "engine", outcomes: MIN_OUTCOMES, confirmed: 0 });
    expect(summary[0]!.calibration!.n).toBe(MIN_OUTCOMES);
  });

  it("records a new trouble code as a confirmed outcome for its component, against the probability before it", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["DTC-1"]);
    await postTelemetry(tenant, { events: [{ vehicleId: "DTC-1", ts: isoAt(0), readings: { coolantTempC: 88 }, dtc: [] }] });
    await postTelemetry(tenant, {
      events: [{ vehicleId: "DTC-1", ts: isoAt(5), readings: { coolantTempC: 88 }, dtc: ["P0217", "P0301"] }],
    });
    // The same codes again are not new.
    await postTelemetry(tenant, {
      events: [{ vehicleId: "DTC-1", ts: isoAt(10), readings: { coolantTempC: 88 }, dtc: ["P0217", "P0301"] }],
    });
    const hub = env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenant.id));
    const summary = await hub.outcomeSummary(tenant.id);
    expect(summary.map(({ component, outcomes, confirmed }) => ({ component, outcomes, confirmed }))).toEqual([
      { component: "cooling", outcomes: 1, confirmed: 1 },
      { component: "engine", outcomes: 1, confirmed: 1 },
    ]);
  });
});
