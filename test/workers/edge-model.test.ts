import { describe, expect, it } from "vitest";
import { engineFeatures } from "../../models/features.js";
import { loadModel, scoreEngineWindows, scoreReadings } from "../../models/load.js";
import ai4iCard from "../../models/artifacts/ai4i/card.json";
import ai4iModel from "../../models/artifacts/ai4i/model.json";
import ai4iWeights from "../../models/artifacts/ai4i/weights.bin";
import engineCard from "../../models/artifacts/cmapss-fd001/card.json";
import engineModel from "../../models/artifacts/cmapss-fd001/model.json";
import engineWeights from "../../models/artifacts/cmapss-fd001/weights.bin";
import ai4iFixture from "../../models/fixtures/ai4i.json";
import engineFixture from "../../models/fixtures/cmapss-fd001.json";

describe("quantized models inside workerd", () => {
  it("computes the same features and the same scores as Node on the fixtures", async () => {
    const engine = await loadModel(engineModel as never, engineWeights as ArrayBuffer);
    const windows = engineFixture.cases.map((c) => c.window);
    // Feature extraction is the same module as in training: identical numbers on the fixture.
    for (const c of engineFixture.cases) {
      expect([...engineFeatures(c.window as never, (engineCard as never as { preprocessing: never }).preprocessing)]).toEqual(c.features.map((f) => Math.fround(f)));
    }
    const scores = scoreEngineWindows(engine, engineCard as never, windows as never);
    scores.forEach((s, i) => {
      expect(Math.abs(s.rul - engineFixture.cases[i]!.expected.rul)).toBeLessThan(engineFixture.tolerance);
      expect(Math.abs(s.pFail30 - engineFixture.cases[i]!.expected.pFail30)).toBeLessThan(engineFixture.tolerance);
    });

    const classifier = await loadModel(ai4iModel as never, ai4iWeights as ArrayBuffer);
    const out = scoreReadings(classifier, ai4iCard as never, ai4iFixture.cases.map((c) => c.reading) as never);
    expect(out).toHaveLength(ai4iFixture.cases.length);
    out.forEach((score, i) => expect(Math.abs(score - ai4iFixture.cases[i]!.expected.score)).toBeLessThan(ai4iFixture.tolerance));
  });
});

describe("risk scoring in the tenant's object, end to end through the webhook", () => {
  it("scores a replayed C-MAPSS engine, serves GET /risk, and raises one predictive_failure alert", async () => {
    const { addVehicles, call, createTenant, postTelemetry, TIME_BASE } = await import("./helpers");
    const { env } = await import("cloudflare:workers");
    const tenant = await createTenant();
    const { "ENG-1": vehicle } = await addVehicles(tenant, ["ENG-1"]);
    // Test engine 1's last 31 cycles, then a degraded window from a fixture case that is near failure.
    const nearFailure = engineFixture.cases.reduce((a, b) => (b.expected.pFail30 > a.expected.pFail30 ? b : a));
    expect(nearFailure.expected.pFail30).toBeGreaterThan(0.5);
    const events = nearFailure.window.map((reading, i) => ({ vehicleId: "ENG-1", ts: new Date(TIME_BASE + i * 1000).toISOString(), readings: reading }));
    expect((await postTelemetry(tenant, { events })).status).toBe(202);

    const risk = (await (await call("GET", `/api/vehicles/${vehicle!.id}/risk`, { token: tenant.admin.token })).json()) as {
      score: number;
      label: string;
      horizon: string;
      modelVersion: string;
      topFeatures: { name: string; contribution: number }[];
    };
    expect(Math.abs(risk.score - nearFailure.expected.pFail30)).toBeLessThan(engineFixture.tolerance);
    expect(risk).toMatchObject({ label: "high", horizon: "30 cycles", modelVersion: "cmapss-fd001@1.0.0" });
    expect(risk.topFeatures).toHaveLength(3);

    // Repeats inside the one-day cooldown raise occurrences, not new alerts.
    const more = nearFailure.window.slice(-3).map((reading, i) => ({ vehicleId: "ENG-1", ts: new Date(TIME_BASE + 100_000 + i * 1000).toISOString(), readings: reading }));
    await postTelemetry(tenant, { events: more });
    await env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenant.id)).syncNow();
    const alerts = (await (await call("GET", "/api/alerts?type=predictive_failure", { token: tenant.admin.token })).json()) as { items: { occurrences: number; severity: string }[] };
    expect(alerts.items).toHaveLength(1);
    expect(alerts.items[0]!.severity).toBe("high");
  });
});
