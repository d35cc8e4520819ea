/** POST /api/rules/preview: a draft rule replayed over the stored telemetry of the last 7 days. */
import { describe, expect, it } from "vitest";
import { addVehicles, call, countRows, createTenant, postTelemetry, userWithRole } from "./helpers";

const MIN = 60_000;
/** A ts `minutes` ago. */
const ago = (minutes: number) => new Date(Date.now() - minutes * MIN).toISOString();
const draft = {
  name: "Hot engine",
  metric: "engineTempC",
  op: "gt",
  threshold: 100,
  forSeconds: 60,
  severity: "high",
  cooldownSeconds: 600,
};

type Preview = {
  alerts: number;
  episodes: number;
  eventsEvaluated: number;
  vehicles: { vehicleId: string; vehicleName: string; alerts: number; episodes: number }[];
};

describe("rule preview", () => {
  it("counts the alerts a draft rule would have raised, per vehicle, with forSeconds and cooldown as live", async () => {
    const tenant = await createTenant();
    const v = await addVehicles(tenant, ["PV-1", "PV-2"]);
    // PV-1: hot for 2 minutes (fires), cool, hot again 5 min later (within the 10 min cooldown: reopens),
    // then hot again 30 min later (a new alert). PV-2: hot for 30 s only (never held 60 s).
    const events = [
      ...[120, 119, 118].map((m) => ({ vehicleId: "PV-1", ts: ago(m), readings: { engineTempC: 105 } })),
      { vehicleId: "PV-1", ts: ago(117), readings: { engineTempC: 90 } },
      ...[112, 111, 110].map((m) => ({ vehicleId: "PV-1", ts: ago(m), readings: { engineTempC: 106 } })),
      { vehicleId: "PV-1", ts: ago(109), readings: { engineTempC: 90 } },
      ...[80, 79].map((m) => ({ vehicleId: "PV-1", ts: ago(m), readings: { engineTempC: 107 } })),
      { vehicleId: "PV-1", ts: ago(78), readings: { speedKph: 50 } },
      { vehicleId: "PV-2", ts: ago(60), readings: { engineTempC: 120 } },
      { vehicleId: "PV-2", ts: new Date(Date.now() - 60 * MIN + 30_000).toISOString(), readings: { engineTempC: 120 } },
      { vehicleId: "PV-2", ts: ago(59), readings: { engineTempC: 80 } },
    ];
    expect((await postTelemetry(tenant, { events })).status).toBe(202);
    const alertsBefore = await countRows("alerts", "tenant_id = ?", tenant.id);

    const res = await call("POST", "/api/rules/preview", { token: tenant.admin.token, body: draft });
    expect(res.status, await res.clone().text()).toBe(200);
    const preview = (await res.json()) as Preview;
    expect(preview).toMatchObject({ alerts: 2, episodes: 3 });
    expect(preview.vehicles).toEqual([{ vehicleId: v["PV-1"]!.id, vehicleName: "Unit PV-1", alerts: 2, episodes: 3 }]);
    // Events that carry the metric: 10 of PV-1 (not its speed-only one) and 3 of PV-2.
    expect(preview.eventsEvaluated).toBe(13);

    // A lower bar catches PV-2 too; limiting the rule to PV-2 leaves PV-1 out.
    const all = (await (
      await call("POST", "/api/rules/preview", { token: tenant.admin.token, body: { ...draft, forSeconds: null } })
    ).json()) as Preview;
    expect(all.vehicles.map((x) => x.vehicleName).sort()).toEqual(["Unit PV-1", "Unit PV-2"]);
    const only = (await (
      await call("POST", "/api/rules/preview", {
        token: tenant.admin.token,
        body: { ...draft, forSeconds: null, vehicleIds: [v["PV-2"]!.id] },
      })
    ).json()) as Preview;
    expect(only).toMatchObject({ alerts: 1, vehicles: [{ vehicleName: "Unit PV-2", alerts: 1 }] });

    // Nothing was saved or raised by previewing.
    expect(await countRows("alert_rules", "tenant_id = ? AND name = ?", tenant.id, draft.name)).toBe(0);
    expect(await countRows("alerts", "tenant_id = ?", tenant.id)).toBe(alertsBefore);
  });

  it("validates the draft like POST /api/rules, scopes vehicle ids to the tenant and is for admins and managers", async () => {
    const [tenant, other] = [await createTenant(), await createTenant()];
    const foreign = await addVehicles(other, ["X-1"]);
    for (const [body, path] of [
      [{ ...draft, threshold: undefined }, "threshold"],
      [{ ...draft, extra: 1 }, "extra"],
    ] as const) {
      const bad = await call("POST", "/api/rules/preview", { token: tenant.admin.token, body });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual([path]);
    }
    const scoped = await call("POST", "/api/rules/preview", {
      token: tenant.admin.token,
      body: { ...draft, vehicleIds: [foreign["X-1"]!.id] },
    });
    expect(scoped.status).toBe(404);
    const technician = await userWithRole(tenant, "technician");
    expect((await call("POST", "/api/rules/preview", { token: technician.token, body: draft })).status).toBe(403);
  });
});
