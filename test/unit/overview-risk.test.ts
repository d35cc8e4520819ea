// The Overview's "Vehicles at risk" from the fleet list's own risks (app/src/risky-vehicles.ts):
// only elevated and high ratings with a score count.
import { describe, expect, it } from "vitest";
import { riskyVehicles } from "../../app/src/risky-vehicles";

describe("riskyVehicles", () => {
  it("keeps the vehicles the edge model rates elevated or high, with their score", () => {
    const risky = riskyVehicles([
      { id: "a", risk: { label: "high", score: 0.82 } },
      { id: "b", risk: { label: "elevated", score: 0.41 } },
      { id: "c", risk: { label: "low", score: 0.05 } },
      { id: "d", risk: { label: null, score: null } },
      { id: "e", risk: { label: "high", score: null } },
    ]);
    expect([...risky]).toEqual([
      ["a", { label: "high", score: 0.82 }],
      ["b", { label: "elevated", score: 0.41 }],
    ]);
  });
});
