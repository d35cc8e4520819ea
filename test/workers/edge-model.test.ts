/**
 * The tenant object's models after the C-MAPSS/AI4I models left the edge: no benchmark endpoint
 * outside development, and state stored for those models dropped on upgrade, the vehicle scored
 * by the health models from its next readings.
 */
import { describe, expect, it } from "vitest";

describe("edge models in the tenant object", { timeout: 30_000 }, () => {
  it("has no benchmark endpoint outside development", async () => {
    const { call, PLATFORM_TOKEN } = await import("./helpers");
    const res = await call("POST", "/api/dev/bench/model", { token: PLATFORM_TOKEN, body: { batches: 1 } });
    expect(res.status).toBe(404);
  });

  it("drops stored C-MAPSS windows and AI4I scores on upgrade, keeps the rest, and scores the vehicle afresh", async () => {
    const { addVehicles, call, createTenant, postTelemetry, isoAt } = await import("./helpers");
    const { env } = await import("cloudflare:workers");
    const { runInDurableObject } = await import("cloudflare:test");
    const { HUB_MIGRATIONS, replaceEdgeModelState } = await import("../../durable-objects/hub-storage");
    const tenant = await createTenant();
    const { "OLD-1": old } = await addVehicles(tenant, ["OLD-1"]);
    const hub = env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenant.id));
    expect((await postTelemetry(tenant, { events: [{ vehicleId: "OLD-1", ts: isoAt(0), readings: { speedKph: 30 } }] })).status).toBe(202);
    const { runHubAlarmSettled, settledStates } = await import("./drive");
    await runHubAlarmSettled(tenant.id); // settles the state journal into the vehicle's row
    await runInDurableObject(hub, (_object, state) => {
      const sql = state.storage.sql;
      // As the previous version stored it: an engine window, its score and a machine score beside the readings.
      const previous = JSON.stringify({
        latest: { ts: Date.parse(isoAt(0)), readings: { speedKph: 30 }, readingTs: { speedKph: Date.parse(isoAt(0)) }, dtc: [] },
        rules: {},
        engineWindow: [[1, 641.8]],
        engineLayout: "cycle,s2",
        risk: { score: 0.9, rul: 10, at: 1, modelVersion: "cmapss-fd001@1.0.0" },
        machineRisk: { score: 0.5, at: 1, modelVersion: "ai4i@1.0.0", reading: {} },
      });
      // Stored as that version did, one row per vehicle (the steps after it page them again).
      sql.exec("CREATE TABLE vehicle_state (vehicle_id TEXT PRIMARY KEY, data TEXT NOT NULL)");
      sql.exec("INSERT INTO vehicle_state (vehicle_id, data) VALUES (?, ?)", old!.id, previous);
      sql.exec("DELETE FROM vehicle_state_pages");
      // Back to before the step that drops them (the steps after it run again too).
      sql.exec("UPDATE _schema SET version = ?", HUB_MIGRATIONS.indexOf(replaceEdgeModelState));
    });
    await runInDurableObject(hub, (_object, state) => state.abort("restart")).catch(() => {});

    const fresh = env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenant.id));
    const before = (await (await call("GET", `/api/vehicles/${old!.id}/risk`, { token: tenant.admin.token })).json()) as { score: unknown };
    expect(before.score).toBeNull(); // the old engine score is gone, not shown as this model's
    await runInDurableObject(fresh, (_object, state) => {
      const stored = settledStates(state.storage.sql)[old!.id]!;
      expect(Object.keys(stored).sort()).toEqual(["latest", "rules"]);
      const tables = state.storage.sql.exec("SELECT 1 FROM sqlite_master WHERE name = 'vehicle_state'").toArray();
      expect(tables).toEqual([]); // its rows moved to pages
      expect(state.storage.sql.exec<{ version: number }>("SELECT version FROM _schema").one().version).toBe(HUB_MIGRATIONS.length);
    });

    await postTelemetry(tenant, { events: [{ vehicleId: "OLD-1", ts: isoAt(5), readings: { speedKph: 40, coolantTempC: 88 } }] });
    const after = (await (await call("GET", `/api/vehicles/${old!.id}/risk`, { token: tenant.admin.token })).json()) as {
      score: number;
      horizon: string;
    };
    expect(after.score).toBeTypeOf("number");
    expect(after.horizon).toBe("30 days");
  });
});
