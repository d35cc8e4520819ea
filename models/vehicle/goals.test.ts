// The confidence bounds the goals report quotes, against textbook values, and the committed
// cards against the words train.mjs writes.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { INTENDED_USE } from "./card-text.js";
import { casesToShowRate, hoursToShowRate, proportionLower, rateUpperPer100h } from "./goals.mjs";

describe("goal bounds", () => {
  it("gives the exact Poisson upper limits per 100 hours", () => {
    // 95 % one-sided upper limits of a Poisson mean: 2.996 for 0 events, 4.744 for 1, 6.296 for 2.
    expect(rateUpperPer100h(0, 100)).toBeCloseTo(2.996, 3);
    expect(rateUpperPer100h(1, 100)).toBeCloseTo(4.744, 3);
    expect(rateUpperPer100h(2, 100)).toBeCloseTo(6.296, 3);
    expect(rateUpperPer100h(0, 7.18)).toBeCloseTo(41.72, 2);
    expect(Math.ceil(hoursToShowRate(1))).toBe(300);
  });

  it("gives the exact Clopper-Pearson lower limits", () => {
    expect(proportionLower(8, 8)).toBeCloseTo(0.05 ** (1 / 8), 6); // 0.688
    expect(proportionLower(5, 10)).toBeCloseTo(0.2224, 4);
    expect(proportionLower(0, 10)).toBe(0);
    expect(casesToShowRate(0.95)).toBe(59); // 0.95^59 < 0.05 < 0.95^58
  });
});

describe("virtual sensor cards", () => {
  it("carry the intended use train.mjs writes and a held-out evaluation", () => {
    for (const name of ["carobd-coolant", "carobd-voltage"] as const) {
      const card = JSON.parse(readFileSync(new URL(`../artifacts/${name}/card.json`, import.meta.url), "utf8"));
      expect(card.intendedUse).toBe(INTENDED_USE[name]);
      expect(card.limitations.length).toBeGreaterThan(0);
      expect(card.evaluation.maeWarmEngineDriving.mae).toBeTypeOf("number");
    }
  });
});
