// Unit tests for the pure model helpers (metrics, quantizer, features). Fixture reproduction
// through the loader is covered by `node models/check.mjs`.
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { averagePrecision, rocAuc, thresholdAtFpr, atThreshold, regression } from "./metrics.js";
import { quantizeUint8, quantizeWeights } from "./quantize.js";
import { engineRawFeatures, engineRow, engineRowRawFeatures, engineRowWindow, ai4iRawFeatures, AI4I_FEATURES } from "./features.js";

describe("metrics", () => {
  it("average precision and ROC-AUC match sklearn on small cases", () => {
    // sklearn: average_precision_score([0,0,1,1],[.1,.4,.35,.8]) = 0.8333, roc_auc_score = 0.75
    expect(averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.833333, 6);
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.75, 12);
    // ties form one step (AP) and count half (ROC)
    expect(averagePrecision([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9])).toBeCloseTo(0.833333, 6);
    expect(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9])).toBeCloseTo(0.875, 12);
  });

  it("threshold at FPR keeps FPR under the cap on the data it was chosen on", () => {
    const y = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1];
    const s = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.97, 0.99];
    const t = thresholdAtFpr(y, s, 0.1);
    expect(t).toBe(0.95);
    expect(atThreshold(y, s, t)).toMatchObject({ tp: 2, fp: 1, fpr: 0.1, recall: 1 });
  });

  it("PHM08 penalises late predictions harder than early ones", () => {
    expect(regression([10], [0]).phm08Score).toBeCloseTo(Math.E - 1, 12);
    expect(regression([0], [13]).phm08Score).toBeCloseTo(Math.E - 1, 12);
    expect(regression([3, 1], [0, 0]).rmse).toBeCloseTo(Math.sqrt(5), 12);
  });
});

tf.env().set("PROD", true); // no "install tfjs-node" banner

describe("uint8 quantizer", () => {
  it("round-trips through tfjs-core io.decodeWeights within half a step, zero exact", () => {
    const values = Float32Array.from({ length: 257 }, (_, i) => Math.sin(i * 1.7) * (i % 7 === 0 ? 0 : 0.8) - 0.1);
    const { weightSpecs, weightData } = quantizeWeights([{ name: "w", shape: [257], dtype: "float32" }], values.buffer);
    expect(weightSpecs[0]!.quantization).toMatchObject({ dtype: "uint8", original_dtype: "float32" });
    expect(weightData.byteLength).toBe(257);
    const decoded = tf.io.decodeWeights(weightData, weightSpecs as tf.io.WeightsManifestEntry[]);
    const back = decoded.w!.dataSync();
    const scale = weightSpecs[0]!.quantization!.scale!;
    values.forEach((v, i) => {
      expect(Math.abs(back[i]! - v)).toBeLessThanOrEqual(scale / 2 + 1e-6);
      if (v === 0) expect(back[i]).toBe(0);
    });
  });

  it("handles constant and all-positive tensors like tfjs-converter", () => {
    expect(quantizeUint8(Float32Array.from([0.5, 0.5]))).toMatchObject({ min: 0.5, scale: 1 });
    const q = quantizeUint8(Float32Array.from([1, 2, 3]));
    expect(q.min).toBe(1); // 0 not in range: no nudging
    expect(Array.from(q.data)).toEqual([0, 128, 255]); // 127.5 rounds half to even
  });
});

describe("features", () => {
  const rampSpec = {
    sensors: ["a", "b"],
    stats: ["tail", "mean", "slope", "curv", "resid"] as const,
    windowLength: 5,
    tailLength: 2,
    useCycle: true,
    mean: [],
    std: [],
  };
  const reading = (cycle: number, a: number) => ({ cycle, a, b: a * a, other: 99 });

  it("engine rows are [cycle, ...sensors in spec order], only the newest windowLength readings", () => {
    expect(engineRow(reading(7, 3), rampSpec)).toEqual([7, 3, 9]);
    expect(engineRow({ a: 1, b: 2 }, rampSpec)).toEqual([NaN, 1, 2]);
    expect(() => engineRow({ cycle: 1, a: 1 }, rampSpec)).toThrow("lacks sensor b");
    expect(
      engineRowWindow(
        [1, 2, 3, 4, 5, 6, 7].map((t) => reading(t, t)),
        rampSpec,
      ).map((r) => r[0]),
    ).toEqual([3, 4, 5, 6, 7]);
  });

  it("front-pads short engine windows with the first reading and ignores readings older than the window", () => {
    const short = [reading(1, 1), reading(2, 2), reading(3, 3)];
    const padded = [short[0]!, short[0]!, ...short];
    expect(Array.from(engineRawFeatures(short, rampSpec))).toEqual(Array.from(engineRawFeatures(padded, rampSpec)));
    const long = [reading(0, 50), reading(0, -50), ...padded];
    expect(Array.from(engineRawFeatures(long, rampSpec))).toEqual(Array.from(engineRawFeatures(padded, rampSpec)));
    // Rows as the tenant's object keeps them (through JSON) give the same numbers.
    const rows = JSON.parse(JSON.stringify(engineRowWindow(short, rampSpec))) as number[][];
    expect(Array.from(engineRowRawFeatures(rows, rampSpec))).toEqual(Array.from(engineRawFeatures(short, rampSpec)));
  });

  it("rejects missing sensors and cycles, also in persisted rows (NaN is stored as null)", () => {
    expect(() => engineRowRawFeatures([], rampSpec)).toThrow("empty");
    expect(() => engineRowRawFeatures([[1, 2, null as never]], rampSpec)).toThrow("lacks sensor b");
    expect(() => engineRowRawFeatures([[null as never, 2, 3]], rampSpec)).toThrow("lacks cycle");
    expect(() => engineRowRawFeatures([[null as never, 2, 3]], { ...rampSpec, useCycle: false })).not.toThrow();
    expect(() => engineRowRawFeatures([[1, 2, 3]], { ...rampSpec, stats: ["median" as never] })).toThrow("unknown engine stat median");
  });

  it("slope of a linear ramp is exact, tail is the mean of the last readings, cycle last", () => {
    const w = Array.from({ length: 10 }, (_, t) => ({ cycle: t + 1, a: 2 * t + 5 }));
    const f = engineRawFeatures(w, {
      sensors: ["a"],
      stats: ["tail", "mean", "slope", "curv"],
      windowLength: 10,
      tailLength: 2,
      useCycle: true,
      mean: [],
      std: [],
    });
    expect(Array.from(f)).toEqual([22, 14, 2, 0, 10]);
  });

  it("HDF region follows the published rule in float64, including the 8.6 K knife edge", () => {
    const th = {
      hdfTempDiffK: 8.6,
      hdfRpm: 1380,
      pwfMinW: 3500,
      pwfMaxW: 9000,
      osfStrainMinNm: { L: 11000, M: 12000, H: 13000 },
      twfWearMin: 200,
    };
    const spec = { thresholds: th, mean: [], std: [] };
    const i = AI4I_FEATURES.indexOf("hdfRegion");
    const base = { type: "L" as const, rpm: 1300, torqueNm: 40, toolWearMin: 10 };
    for (const [air, proc] of [
      [300.0, 308.6],
      [298.9, 307.5],
      [302.4, 311.0],
    ] as const) {
      const f = ai4iRawFeatures({ ...base, airTempK: air, processTempK: proc }, spec);
      expect(f[i]).toBe(proc - air < 8.6 ? 1 : 0);
    }
    const p = ai4iRawFeatures({ ...base, rpm: 1500, airTempK: 300, processTempK: 310 }, spec);
    expect(p[AI4I_FEATURES.indexOf("powerW")]).toBeCloseTo((40 * 1500 * 2 * Math.PI) / 60, 9);
    expect(p[AI4I_FEATURES.indexOf("strainMinNm")]).toBe(400);
  });
});
