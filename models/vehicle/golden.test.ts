// The health engine's outputs on real carOBD minutes (golden-scenario.mjs: eight vehicles, 160
// batched calls, every per-reading path) must match the recorded outputs of the engine before
// the per-minute rewrite (golden/health-outputs.json.gz, written by write-golden.mjs).
// Tolerance (docs/vehicle-health.md "Speed"): numbers within 1e-6 absolute or relative, every
// string, flag, component list and state key identical.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { goldenRecord, replayGolden } from "./golden-scenario.mjs";
import { createVehicleHealth } from "./index.js";
import { SERVED_MODELS } from "./served-models.js";

const TOLERANCE = 1e-6;

/** Paths where `got` differs from `want` beyond the tolerance (first few). */
function differences(got: unknown, want: unknown, path = "", out: string[] = []): string[] {
  if (out.length >= 10) return out;
  if (typeof want === "number" && typeof got === "number") {
    const ok = got === want || Math.abs(got - want) <= TOLERANCE * Math.max(1, Math.abs(want));
    if (!ok) out.push(`${path}: ${got} ≠ ${want}`);
  } else if (want && typeof want === "object" && got && typeof got === "object") {
    const keys = new Set([...Object.keys(want), ...Object.keys(got)]);
    for (const k of keys) differences((got as never)[k], (want as never)[k], `${path}/${k}`, out);
  } else if (got !== want) out.push(`${path}: ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`);
  return out;
}

describe("golden outputs on real carOBD minutes", () => {
  it("the engine reproduces the recorded components and states", async () => {
    const want = JSON.parse(gunzipSync(readFileSync(new URL("golden/health-outputs.json.gz", import.meta.url))).toString("utf8"));
    const got = goldenRecord(await replayGolden(createVehicleHealth(SERVED_MODELS)));
    expect(got.length).toBe(want.length);
    expect(differences(JSON.parse(JSON.stringify(got)), want)).toEqual([]);
  }, 120_000);
});
