import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { DrivingSample } from "../../worker/domain/anomaly";
import { CALM, driveTrace } from "../unit/anomaly-traces";
import { runHubAlarmSettled, settledStates } from "./drive";
import { addVehicles, call, createTenant, postTelemetry, userWithRole, type TestTenant } from "./helpers";

const START = Date.now() - 3 * 3600_000;
const SECONDS = 6000;

/** Posts a driving trace as signed webhook batches of at most 1,000 events. */
async function postTrace(tenant: TestTenant, externalId: string, trace: DrivingSample[]) {
  for (let i = 0; i < trace.length; i += 1000) {
    const events = trace
      .slice(i, i + 1000)
      .map((s) => ({ vehicleId: externalId, ts: new Date(s.ts).toISOString(), readings: { speedKph: +s.speedKph!.toFixed(2) } }));
    const res = await postTelemetry(tenant, { events });
    if (res.status !== 202) throw new Error(`telemetry: ${res.status} ${await res.text()}`);
  }
}

async function anomalyAlerts(tenant: TestTenant) {
  await env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenant.id)).syncNow();
  const res = await call("GET", "/api/alerts?type=anomaly", { token: tenant.admin.token });
  return (
    (await res.json()) as { items: { ruleId: string; vehicleId: string; severity: string; occurrences: number; createdAt: string }[] }
  ).items;
}

/** A second after `after` at which the trace cruises steadily above 50 km/h for 20 s. */
function steadyAt(trace: DrivingSample[], after: number) {
  for (let t = after; t < trace.length - 10; t++) {
    const speeds = trace.slice(t - 10, t + 10).map((s) => s.speedKph!);
    if (Math.min(...speeds) > 50 && Math.max(...speeds) - Math.min(...speeds) < 6) return t;
  }
  throw new Error("no steady stretch");
}

describe("driver-behaviour anomalies through the signed webhook", { timeout: 120_000 }, () => {
  it("learns the assigned driver's baseline, then raises one anomaly alert for harsh braking (cooldown for the repeat)", async () => {
    const tenant = await createTenant();
    const driver = await userWithRole(tenant, "driver");
    const { "DRV-1": vehicle } = await addVehicles(tenant, ["DRV-1"], { driverId: driver.id });
    const seed = 5;
    const clean = driveTrace(seed, CALM, SECONDS, [], START);
    const first = steadyAt(clean, 4500);
    const second = steadyAt(clean, first + 600);
    const trace = driveTrace(
      seed,
      CALM,
      SECONDS,
      [
        { kind: "braking", at: first, mps2: 6, seconds: 3 },
        { kind: "braking", at: second, mps2: 6, seconds: 3 },
      ],
      START,
    );

    // Normal driving up to the first harsh stop: the baseline settles, nothing is raised.
    await postTrace(tenant, "DRV-1", trace.slice(0, first));
    expect(await anomalyAlerts(tenant)).toEqual([]);

    await postTrace(tenant, "DRV-1", trace.slice(first, second));
    const raised = await anomalyAlerts(tenant);
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ ruleId: "builtin:anomaly:braking", vehicleId: vehicle!.id, severity: "medium", occurrences: 1 });
    const at = Date.parse(raised[0]!.createdAt);
    expect(at - (START + first * 1000)).toBeGreaterThanOrEqual(0);
    expect(at - (START + first * 1000)).toBeLessThan(3000);

    // The same manoeuvre ten-odd minutes later is inside the one-hour cooldown: an occurrence.
    await postTrace(tenant, "DRV-1", trace.slice(second));
    const after = await anomalyAlerts(tenant);
    expect(after).toHaveLength(1);
    expect(after[0]!.occurrences).toBe(2);

    // The baseline belongs to the assigned driver (kept in the vehicle's state in the object).
    await runHubAlarmSettled(tenant.id); // settles the state journal into the vehicles' rows
    const keys = await runInDurableObject(env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenant.id)), async (_hub, state) => {
      const stored = settledStates(state.storage.sql)[vehicle!.id] as { driving: Record<string, unknown> };
      return Object.keys(stored.driving);
    });
    expect(keys).toEqual([driver.id]);
  });
});
