// Unit tests of the vehicle health engine (models/vehicle): the contract the tenant's object
// relies on, the residual detector, the wear trends, and the plain-JS forward pass vs tfjs.
import { describe, expect, it } from "vitest";
import { initialHealthState, loadVehicleHealth, updateVehicleHealth, createVehicleHealth, VEHICLE_HEALTH_VERSION } from "./index.js";
import type { ComponentHealth, HealthReading, HealthState } from "./index.js";
import { SERVED_MODELS } from "./served-models.js";
import { denseLayers, predictExpected, predictWithTfjs } from "./predict.js";
import { loadModel } from "../load.js";
import { servedDenseLayers } from "./served-dense.js";
import { calibrated, initialDetector, updateDetector } from "./detector.js";
import { minuteRows, RUN_FEATURE_CAP_MIN } from "./signals.js";
import { expectedCrossing, fitTrend, initialTrend, pReachWithin, pushTrend } from "./trend.js";

const MIN = 60_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5, 6);

/** One minute of 10-second readings of a car cruising; `coolantExtra` models a developing fault. */
function minute(m: number, opts: { coolantExtra?: number; drop?: string[] } = {}): HealthReading[] {
  return Array.from({ length: 6 }, (_, j) => {
    const ts = T0 + m * MIN + j * 10_000;
    const wave = Math.sin((m * 6 + j) / 7);
    const readings: Record<string, number> = {
      rpm: 1900 + 300 * wave,
      speedKph: 60 + 15 * wave,
      engineLoadPct: 38 + 8 * wave,
      intakeAirTempC: 32,
      coolantTempC: (m < 12 ? 40 + 4 * m : 89 + 0.7 * Math.sin(m / 3)) + (opts.coolantExtra ?? 0) + (j % 2) * 0.5,
      batteryV: 14.1 + 0.05 * wave,
      brakePadMm: 7 - (m * 0.2) / 1440,
      tirePressureKpa: 232,
    };
    for (const k of opts.drop ?? []) delete readings[k];
    return { ts, readings };
  });
}

async function drive(minutes: number, opts: (m: number) => Parameters<typeof minute>[1] = () => ({})) {
  let state: HealthState = initialHealthState();
  let components: ComponentHealth[] = [];
  for (let m = 0; m < minutes; m++) {
    const [r] = await updateVehicleHealth([{ state, readings: minute(m, opts(m)) }], T0 + (m + 1) * MIN);
    state = r!.state;
    components = r!.components;
  }
  return { state, components };
}

const byName = (cs: ComponentHealth[], c: string) => cs.find((x) => x.component === c)!;

describe("vehicle health contract", () => {
  it("scores ordinary telematics: every component numeric, state JSON and at most 2 KB", async () => {
    await loadVehicleHealth();
    await loadVehicleHealth(); // idempotent
    expect(VEHICLE_HEALTH_VERSION).toMatch(/^vehicle-health-/);
    const { state, components } = await drive(60);
    expect(components.map((c) => c.component).sort()).toEqual(["brakes", "charging", "cooling", "tyres"]);
    for (const c of components) {
      for (const v of [c.p7, c.p30, c.confidence]) expect(v).toBeGreaterThanOrEqual(0);
      for (const v of [c.p7, c.p30, c.confidence]) expect(v).toBeLessThanOrEqual(1);
      expect(c.p7).toBeLessThanOrEqual(c.p30);
    }
    const json = JSON.stringify(state);
    expect(JSON.parse(json)).toEqual(state);
    expect(json.length).toBeLessThanOrEqual(2048);
    expect(byName(components, "cooling").p30).toBeLessThan(0.2);
    expect(byName(components, "cooling").confidence).toBeGreaterThan(0.8);
  });

  it("a coolant temperature creeping up raises cooling risk with the reason in words", async () => {
    const healthy = await drive(75);
    const faulty = await drive(75, (m) => ({ coolantExtra: m >= 55 ? Math.min(10, (m - 55) * 0.8) : 0 }));
    const c = byName(faulty.components, "cooling");
    expect(c.p30).toBeGreaterThan(0.5);
    expect(c.p30).toBeGreaterThan(byName(healthy.components, "cooling").p30);
    expect(c.evidence[0]!.text).toMatch(/coolant \d+ °C above this vehicle's normal/);
  });

  it("missing engine load and intake air lower confidence but do not stop scoring", async () => {
    const full = await drive(60);
    const partial = await drive(60, () => ({ drop: ["engineLoadPct", "intakeAirTempC"] }));
    const c = byName(partial.components, "cooling");
    expect(Number.isFinite(c.p30)).toBe(true);
    expect(c.confidence).toBeLessThan(byName(full.components, "cooling").confidence);
  });

  it("never mutates the state it is given, ignores junk state and replays", async () => {
    const { state } = await drive(20);
    const before = JSON.stringify(state);
    const [a] = await updateVehicleHealth([{ state, readings: minute(20) }], T0 + 21 * MIN);
    expect(JSON.stringify(state)).toBe(before);
    // The same minute again (a retried batch) changes nothing that was already scored.
    const [b] = await updateVehicleHealth([{ state: a!.state, readings: minute(20) }], T0 + 21 * MIN);
    expect((b!.state as { cool: { n: number } }).cool.n).toBe((a!.state as { cool: { n: number } }).cool.n);
    const [c] = await updateVehicleHealth([{ state: "garbage", readings: [] }], T0);
    expect(c!.components).toEqual([]);
  });

  it("one batch scores many vehicles independently", async () => {
    const engine = createVehicleHealth(SERVED_MODELS);
    const items = [0, 1, 2].map((v) => ({ state: initialHealthState(), readings: v === 1 ? [] : minute(0) }));
    const out = await engine.update(items, T0 + MIN);
    expect(out).toHaveLength(3);
    expect(out[1]!.components).toEqual([]);
    expect(out[0]!.components.length).toBe(4);
  });
});

describe("minute features", () => {
  it("stop counting run time at the longest training run, so a steady engine's expected coolant stays put", async () => {
    // Three hours of identical steady cruising at 1 reading per 10 s.
    const stream = Array.from({ length: 180 * 6 }, (_, i) => ({
      ts: T0 + i * 10_000,
      readings: { speedKph: 60, rpm: 2100, engineLoadPct: 40, intakeAirTempC: 22, coolantTempC: 89 },
    }));
    const rows = minuteRows(stream);
    const at = (min: number) => rows.find((r) => Math.round(r.runMin) === min)!;
    expect(at(60).features.slice(4, 6)).toEqual([RUN_FEATURE_CAP_MIN, Math.log1p(RUN_FEATURE_CAP_MIN)]);
    expect(at(170).features).toEqual(at(60).features);
    const s = SERVED_MODELS.coolant;
    const model = await loadModel(s.modelJson as never, Uint8Array.from(Buffer.from(s.weightsBase64, "base64")).buffer);
    const sensor = { ...s, model, dense: denseLayers(model) };
    const [late, hour, end] = predictExpected(sensor, [at(50).features, at(60).features, at(170).features]);
    expect(Math.abs(end! - hour!)).toBeLessThan(1e-9);
    expect(Math.abs(end! - late!)).toBeLessThan(1e-9);
  });
});

describe("residual detector", () => {
  const p = { warmupMin: 30, sdFloor: 1, k: 0.5, h: 8, adapt: 0.002, cap: 3, zClip: 4, idleFactor: 2, warmingFactor: 2, warmingMin: 15 };
  it("learns the vehicle's own offset, stays quiet on its normal and alarms on +8", () => {
    const d = initialDetector();
    // This engine runs 6 °C above what the virtual sensor expects: that is its normal.
    for (let i = 0; i < 30; i++) updateDetector(d, 6 + Math.sin(i) * 0.5, p);
    expect(calibrated(d, p)).toBe(true);
    let level = 0;
    for (let i = 0; i < 200; i++) level = Math.max(level, updateDetector(d, 6 + Math.sin(i) * 0.5, p));
    expect(level).toBeLessThan(1);
    const minutes = [1, 2, 3, 4, 5].map(() => updateDetector(d, 14, p));
    expect(minutes.findIndex((l) => l >= 1)).toBeGreaterThanOrEqual(0);
  });
});

describe("wear trends", () => {
  const tp = {
    bucketMs: 900_000,
    halfLifeDays: 30,
    noiseFloor: 0.05,
    minBuckets: 3,
    minSpanDays: 0.02,
    slopePrior: { mean: -0.03, sd: 0.03 },
  };
  it("pads wearing 0.2 mm/day from 5 mm reach 3 mm in about 10 days", () => {
    const s = initialTrend();
    for (let h = 0; h <= 24 * 7; h += 2) pushTrend(s, T0 + h * 3_600_000, 5 + 1.4 - (0.2 * h) / 24, tp);
    const now = T0 + 7 * DAY;
    const f = fitTrend(s, now, tp)!;
    expect(f.slopePerDay).toBeCloseTo(-0.2, 1);
    const due = expectedCrossing(f, 3, now)!;
    expect((due - now) / DAY).toBeCloseTo(10, 0);
    expect(pReachWithin(f, 3, 30)).toBeGreaterThan(0.99);
    expect(pReachWithin(f, 3, 7)).toBeLessThan(0.05);
  });
  it("an hour of noisy readings does not make a healthy part look due", () => {
    const s = initialTrend();
    for (let m = 0; m <= 60; m += 1) pushTrend(s, T0 + m * MIN, 6 + 0.05 * Math.sin(m * 1.7), tp);
    const f = fitTrend(s, T0 + 60 * MIN, tp)!;
    expect(pReachWithin(f, 3, 30)).toBeLessThan(0.05);
  });
  it("a steady level gives no date and a small probability", () => {
    const s = initialTrend();
    for (let h = 0; h <= 24 * 7; h += 2) pushTrend(s, T0 + h * 3_600_000, 6 + 0.05 * Math.sin(h), tp);
    const f = fitTrend(s, T0 + 7 * DAY, tp)!;
    expect(pReachWithin(f, 3, 30)).toBeLessThan(0.01);
  });
});

describe("virtual sensors", () => {
  it("the edge's tfjs-core decoding gives the same dense layers as the full tfjs layers model", async () => {
    for (const key of ["coolant", "voltage"] as const) {
      const s = SERVED_MODELS[key];
      const bytes = Uint8Array.from(Buffer.from(s.weightsBase64, "base64"));
      const viaLayers = denseLayers(await loadModel(s.modelJson as never, bytes.buffer));
      const viaCore = await servedDenseLayers(s.modelJson as never, bytes.buffer);
      expect(viaCore.map((l) => [l.inputs, l.units, l.relu])).toEqual(viaLayers.map((l) => [l.inputs, l.units, l.relu]));
      viaCore.forEach((l, i) => {
        expect(Array.from(l.kernel)).toEqual(Array.from(viaLayers[i]!.kernel));
        expect(Array.from(l.bias)).toEqual(Array.from(viaLayers[i]!.bias));
      });
    }
  });
  it("the plain-JS forward pass equals tfjs predict on the committed uint8 models", async () => {
    for (const key of ["coolant", "voltage"] as const) {
      const s = SERVED_MODELS[key];
      const bytes = Uint8Array.from(Buffer.from(s.weightsBase64, "base64"));
      const model = await loadModel(s.modelJson as never, bytes.buffer);
      const m = { ...s, model, dense: denseLayers(model) };
      const rows = Array.from({ length: 50 }, (_, i) => [
        1 + i / 25,
        i * 2,
        20 + i,
        25 + (i % 10),
        Math.min(60, i),
        Math.log1p(i),
        30,
        30,
        i,
        1.5,
        i % 2,
        0,
      ]);
      const a = predictExpected(m as never, rows);
      const b = predictWithTfjs(m as never, rows);
      for (let i = 0; i < rows.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-3);
    }
  });
});
