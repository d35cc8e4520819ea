import { describe, expect, it } from "vitest";
import { ai4iFeatures, engineFeatures } from "../../models/features.js";
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
  it("has no benchmark endpoint outside development", async () => {
    const { call, PLATFORM_TOKEN } = await import("./helpers");
    const res = await call("POST", "/api/dev/bench/model", { token: PLATFORM_TOKEN, body: { batches: 1 } });
    expect(res.status).toBe(404);
  });

  it("computes the same features and the same scores as Node on the fixtures", async () => {
    const engine = await loadModel(engineModel as never, engineWeights as ArrayBuffer);
    const windows = engineFixture.cases.map((c) => c.window);
    // Feature extraction is the same module as in training: identical numbers on the fixture.
    for (const c of engineFixture.cases) {
      expect([...engineFeatures(c.window as never, (engineCard as never as { preprocessing: never }).preprocessing)]).toEqual(
        c.features.map((f) => Math.fround(f)),
      );
    }
    const scores = scoreEngineWindows(engine, engineCard as never, windows as never);
    scores.forEach((s, i) => {
      expect(Math.abs(s.rul - engineFixture.cases[i]!.expected.rul)).toBeLessThan(engineFixture.tolerance);
      expect(Math.abs(s.pFail30 - engineFixture.cases[i]!.expected.pFail30)).toBeLessThan(engineFixture.tolerance);
    });

    for (const c of ai4iFixture.cases) {
      expect([...ai4iFeatures(c.reading as never, (ai4iCard as never as { preprocessing: never }).preprocessing)]).toEqual(
        c.features.map((f) => Math.fround(f)),
      );
    }
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
    const events = nearFailure.window.map((reading, i) => ({
      vehicleId: "ENG-1",
      ts: new Date(TIME_BASE + i * 1000).toISOString(),
      readings: reading,
    }));
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
    const more = nearFailure.window
      .slice(-3)
      .map((reading, i) => ({ vehicleId: "ENG-1", ts: new Date(TIME_BASE + 100_000 + i * 1000).toISOString(), readings: reading }));
    await postTelemetry(tenant, { events: more });
    await env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenant.id)).syncNow();
    const alerts = (await (await call("GET", "/api/alerts?type=predictive_failure", { token: tenant.admin.token })).json()) as {
      items: { occurrences: number; severity: string }[];
    };
    expect(alerts.items).toHaveLength(1);
    expect(alerts.items[0]!.severity).toBe("high");
  });
});

describe("AI4I per-reading classifier in the tenant's object, through the webhook", { timeout: 30_000 }, () => {
  const PRODUCT_TYPE = { L: 0, M: 1, H: 2 } as const;
  type Case = (typeof ai4iFixture.cases)[number];
  // Telemetry readings are numbers: the card's type L|M|H travels as productType 0|1|2.
  const asReadings = (c: Case) => {
    const { type, ...numeric } = c.reading;
    return { ...numeric, productType: PRODUCT_TYPE[type as keyof typeof PRODUCT_TYPE] };
  };
  const byWhy = (text: string) => ai4iFixture.cases.find((c) => c.why.includes(text))!;

  it("scores each reading like Node, serves it in GET /risk and raises predictive_failure with cooldown", async () => {
    const { addVehicles, call, createTenant, postTelemetry, isoAt } = await import("./helpers");
    const { env } = await import("cloudflare:workers");
    const tenant = await createTenant();
    const { "MILL-1": mill } = await addVehicles(tenant, ["MILL-1"]);
    const risk = async () =>
      (await (await call("GET", `/api/vehicles/${mill!.id}/risk`, { token: tenant.admin.token })).json()) as {
        score: number;
        label: string;
        horizon: string;
        modelVersion: string;
        at: string;
        topFeatures: { name: string }[];
        models: unknown[];
      };
    const alerts = async () => {
      await env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenant.id)).syncNow();
      return (
        (await (await call("GET", "/api/alerts?type=predictive_failure", { token: tenant.admin.token })).json()) as {
          items: { occurrences: number; ruleId: string; vehicleId: string }[];
        }
      ).items;
    };
    const post = (events: { at: number; c: Case }[]) =>
      postTelemetry(tenant, { events: events.map(({ at, c }) => ({ vehicleId: "MILL-1", ts: isoAt(at), readings: asReadings(c) })) });

    const normal = byWhy("normal process");
    expect((await post([{ at: 1, c: normal }])).status).toBe(202);
    const low = await risk();
    expect(Math.abs(low.score - normal.expected.score)).toBeLessThan(ai4iFixture.tolerance);
    expect(low).toMatchObject({ label: "low", horizon: "current process", modelVersion: "ai4i@1.0.0", at: isoAt(1) });
    expect(low.models).toHaveLength(1);
    expect(await alerts()).toHaveLength(0);

    // Two failing readings in one batch: one batched predict, one episode, one alert; the newest reading's score is served.
    const hdf = byWhy("heat-dissipation");
    const pwf = byWhy("power band");
    expect(
      (
        await post([
          { at: 3, c: pwf },
          { at: 2, c: hdf },
        ])
      ).status,
    ).toBe(202);
    const high = await risk();
    expect(Math.abs(high.score - pwf.expected.score)).toBeLessThan(ai4iFixture.tolerance);
    expect(high).toMatchObject({ label: "high", at: isoAt(3) });
    expect(high.topFeatures).toHaveLength(3);
    const first = await alerts();
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ ruleId: "builtin:predictive_failure:ai4i", vehicleId: mill!.id, occurrences: 1 });

    // A normal reading ends the episode; the next failing one falls inside the cooldown: an occurrence, not a new alert.
    await post([{ at: 4, c: normal }]);
    await post([{ at: 5, c: byWhy("overstrain") }]);
    const after = await alerts();
    expect(after).toHaveLength(1);
    expect(after[0]!.occurrences).toBe(2);
  });

  it("reports both models for a vehicle that feeds both, the one nearer its own threshold first", async () => {
    const { addVehicles, call, createTenant, postTelemetry, isoAt } = await import("./helpers");
    const tenant = await createTenant();
    const { "BOTH-1": vehicle } = await addVehicles(tenant, ["BOTH-1"]);
    const engineCase = engineFixture.cases.reduce((a, b) => (b.expected.pFail30 < a.expected.pFail30 ? b : a)); // healthy engine
    const failing = byWhy("overstrain");
    const events = engineCase.window.map((reading, i) => ({
      vehicleId: "BOTH-1",
      ts: isoAt(i),
      readings: i === engineCase.window.length - 1 ? { ...reading, ...asReadings(failing) } : reading,
    }));
    expect((await postTelemetry(tenant, { events })).status).toBe(202);
    const risk = (await (await call("GET", `/api/vehicles/${vehicle!.id}/risk`, { token: tenant.admin.token })).json()) as {
      modelVersion: string;
      score: number;
      models: { modelVersion: string; score: number; rulCycles?: number }[];
    };
    expect(risk.models.map((m) => m.modelVersion).sort()).toEqual(["ai4i@1.0.0", "cmapss-fd001@1.0.0"]);
    expect(Math.abs(risk.models.find((m) => m.modelVersion.startsWith("cmapss"))!.score - engineCase.expected.pFail30)).toBeLessThan(
      engineFixture.tolerance,
    );
    expect(risk.models.find((m) => m.modelVersion.startsWith("cmapss"))!.rulCycles).toBeGreaterThan(0);
    expect(risk).toMatchObject({ modelVersion: "ai4i@1.0.0" });
    expect(Math.abs(risk.score - failing.expected.score)).toBeLessThan(ai4iFixture.tolerance);
  });
});

describe("engine windows stored before storage v4 (reading objects) after a restart", { timeout: 30_000 }, () => {
  it("become engine rows in the card's order and score bit-identically to the reading objects", async () => {
    const { addVehicles, call, createTenant, postTelemetry, isoAt } = await import("./helpers");
    const { env } = await import("cloudflare:workers");
    const { runInDurableObject } = await import("cloudflare:test");
    const { HUB_MIGRATIONS } = await import("../../durable-objects/hub-storage");
    const { engineWindowsToRows } = await import("../../durable-objects/vehicle-states");
    const tenant = await createTenant();
    const { "OLD-1": migrated, "NEW-1": fresh, "ODD-1": odd } = await addVehicles(tenant, ["OLD-1", "NEW-1", "ODD-1"]);
    const engineCase = engineFixture.cases[0]!;
    const older = engineCase.window.slice(0, -1);
    const newest = engineCase.window.at(-1)!;
    const hub = env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenant.id));
    // NEW-1 is fed through the current code; the other two get hand-written v3 state rows.
    const events = older.map((readings, i) => ({ vehicleId: "NEW-1", ts: isoAt(i), readings }));
    expect((await postTelemetry(tenant, { events })).status).toBe(202);
    const stateRow = (sql: SqlStorage, id: string) =>
      JSON.parse(sql.exec<{ data: string }>("SELECT data FROM vehicle_state WHERE vehicle_id = ?", id).one().data) as {
        engineWindow?: unknown[];
        engineLayout?: string;
      };
    await runInDurableObject(hub, (_object, state) => {
      const sql = state.storage.sql;
      // v3 kept each reading object whole, including telemetry keys the model does not read.
      const v3 = (window: object[]) =>
        JSON.stringify({
          latest: { ts: Date.parse(isoAt(older.length - 1)), readings: window.at(-1), dtc: [] },
          rules: {},
          engineWindow: window,
        });
      sql.exec("INSERT INTO vehicle_state (vehicle_id, data) VALUES (?, ?)", migrated!.id, v3(older.map((r) => ({ ...r, speedKph: 50 }))));
      sql.exec("INSERT INTO vehicle_state (vehicle_id, data) VALUES (?, ?)", odd!.id, v3(older.map(({ s2: _s2, ...r }) => r))); // lacks an input
      sql.exec("UPDATE _schema SET version = ?", HUB_MIGRATIONS.indexOf(engineWindowsToRows)); // back to before v4; later steps rerun
    });
    // Restart the object once the rows are committed: the next call builds it afresh from storage.
    await runInDurableObject(hub, (_object, state) => state.abort("restart")).catch(() => {});

    const last = (vehicleId: string) => ({ vehicleId, ts: isoAt(older.length), readings: newest });
    expect((await postTelemetry(tenant, { events: ["OLD-1", "NEW-1", "ODD-1"].map(last) })).status).toBe(202);
    const risk = async (id: string) =>
      (await (await call("GET", `/api/vehicles/${id}/risk`, { token: tenant.admin.token })).json()) as {
        score: number | null;
        models: { modelVersion: string; rulCycles?: number }[];
      };
    const [fromV3, fromRows, fromOdd] = [await risk(migrated!.id), await risk(fresh!.id), await risk(odd!.id)];
    // The same window scored by the object-based entry point in this isolate: exactly equal.
    const model = await loadModel(engineModel as never, engineWeights as ArrayBuffer);
    const [expected] = scoreEngineWindows(model, engineCard as never, [engineCase.window] as never);
    expect(fromV3.score).toBe(expected!.pFail30);
    expect(fromRows.score).toBe(expected!.pFail30);
    expect(fromV3.models[0]!.rulCycles).toBe(Math.round(expected!.rul));
    // A window that could never be scored is dropped; the newest reading starts a fresh one.
    expect(fromOdd.score).toBeTypeOf("number");
    // A stub that saw the abort stays broken: a new one reaches the restarted object.
    await runInDurableObject(env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenant.id)), (_object, state) => {
      const stored = stateRow(state.storage.sql, migrated!.id);
      expect(stored.engineLayout).toBe(["cycle", ...engineCard.preprocessing.sensors].join(","));
      expect(stored.engineWindow).toHaveLength(engineCase.window.length);
      expect(stored.engineWindow![0]).toEqual([
        older[0]!.cycle,
        ...engineCard.preprocessing.sensors.map((s) => older[0]![s as keyof (typeof older)[0]]),
      ]);
      expect(stateRow(state.storage.sql, odd!.id).engineWindow).toHaveLength(1);
      expect(state.storage.sql.exec<{ version: number }>("SELECT version FROM _schema").one().version).toBe(HUB_MIGRATIONS.length);
    });
  });
});
