/** The 412 merge: one-sided changes taken from their side, conflicts decided by the person, untouched fields equal theirs. */
import { describe, expect, it } from "vitest";
import { changesOf, mergeDrafts } from "../../app/src/conflict-merge";

const before = { name: "Unit 1", type: "truck", vin: "", driverId: "d1" };
const mine = { name: "Unit 1 (Ann)", type: "van", vin: "", driverId: "d1" };
const theirs = { name: "Unit 1 (Bob)", type: "truck", vin: "VIN9", driverId: "d1" };
const fields = ["name", "type", "vin", "driverId"] as const;

describe("conflict merge", () => {
  it("names how each field changed, leaving out fields nobody changed", () => {
    expect(changesOf(before, mine, theirs, fields)).toEqual([
      { field: "name", change: "conflict" },
      { field: "type", change: "mine" },
      { field: "vin", change: "theirs" },
    ]);
    expect(changesOf(before, { ...before, vin: "X" }, { ...before, vin: "X" }, fields)).toEqual([{ field: "vin", change: "both" }]);
  });

  it("keeps my one-sided changes, takes theirs, and lets me decide conflicts", () => {
    expect(mergeDrafts(before, mine, theirs, new Set(["name"]))).toEqual({
      name: "Unit 1 (Ann)",
      type: "van",
      vin: "VIN9",
      driverId: "d1",
    });
    expect(mergeDrafts(before, mine, theirs, new Set())).toEqual({ name: "Unit 1 (Bob)", type: "van", vin: "VIN9", driverId: "d1" });
  });

  it("never lets an untouched field differ from theirs (so it is never re-sent)", () => {
    const merged = mergeDrafts(before, mine, theirs, new Set(["name"]));
    const sent = Object.keys(merged).filter((k) => merged[k as keyof typeof merged] !== theirs[k as keyof typeof theirs]);
    expect(sent.sort()).toEqual(["name", "type"]);
  });
});
