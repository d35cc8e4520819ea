/**
 * A new tenant object replays the stored batches past the settle cursor into the latest readings,
 * the driving baselines and the rule clocks (durable-objects/batch-replay.ts), and reads the rest
 * from the journal. Whatever it does, it must end where the instance that took the batches would
 * have: the same batches posted to two tenants, one of them evicted twice along the way, settle
 * into the same vehicle states (the health models' state aside: it is journaled, see below).
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { driveTime, freezeClock, runHubAlarmSettled, settledStates } from "./drive";
import { addVehicles, call, createTenant, isoAt, postTelemetry, type TestTenant, userWithRole } from "./helpers";

driveTime();

const hubOf = (tenantId: string) => env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenantId));
const evict = (tenantId: string) => runInDurableObject(hubOf(tenantId), (_hub, state) => state.abort("evicted")).catch(() => {});

/** Six batches of two vehicles' driving, an event each every 10 s, with a low-oil episode, a fault code and a late event. */
function batch(n: number) {
  const events = [];
  for (let k = 0; k < 6; k++) {
    const t = n * 60 + k * 10;
    const speedKph = 40 + 30 * Math.sin(t / 50) + (n === 4 && k === 3 ? 60 : 0);
    events.push({
      vehicleId: "RP1",
      ts: isoAt(t),
      readings: {
        speedKph,
        accelG: 0.1 * Math.cos(t / 20),
        // The last batch does not report oil pressure: the late event below is the only one the oil rule sees.
        ...(n === 5 ? {} : { oilPressureKpa: n === 2 ? 60 : 300 }),
        engineTempC: 90,
        batteryV: 14,
      },
    });
    events.push({
      vehicleId: "RP2",
      ts: isoAt(t + 3),
      readings: { speedKph: speedKph / 2, coolantTempC: 85 },
      ...(n === 3 && k === 0 ? { dtc: ["P0300"] } : {}),
    });
  }
  // A late event, older than the oil rule's clock after batch 4 (not evaluated) but not after batch 3:
  // a clock left behind by the eviction would let it start a low-oil hold.
  if (n === 5) events.push({ vehicleId: "RP1", ts: isoAt(n * 60 - 50), readings: { oilPressureKpa: 50 } });
  return { events };
}

async function fleet(tenant: TestTenant) {
  const vehicles = await addVehicles(tenant, ["RP1", "RP2"]);
  const driver = await userWithRole(tenant, "driver");
  return { vehicles, driverId: driver.id };
}

/** The settled states with each tenant's own ids (vehicles, rules, alerts, driver) named alike. */
async function settledOf(tenant: TestTenant, names: Record<string, string>) {
  await runHubAlarmSettled(tenant.id);
  const rules = (await (await call("GET", "/api/rules", { token: tenant.admin.token })).json()) as {
    items: { id: string; name: string }[];
  };
  for (const rule of rules.items) names[rule.id] = `rule:${rule.name}`;
  const raw = await runInDurableObject(hubOf(tenant.id), (_hub, state) => JSON.stringify(settledStates(state.storage.sql)));
  let text = raw.replace(/"alertId":"[^"]+"/g, '"alertId":"alert"');
  for (const [id, name] of Object.entries(names)) text = text.replaceAll(id, name);
  return JSON.parse(text) as Record<string, Record<string, unknown>>;
}

describe("a new instance replays the stored batches to the state the old one held", { timeout: 60_000 }, () => {
  it("the same batches, with and without two evictions, settle into the same readings, rule clocks, episodes and driving baselines", async () => {
    freezeClock();
    const steady = await createTenant();
    const evicted = await createTenant();
    const a = await fleet(steady);
    const b = await fleet(evicted);
    for (let n = 0; n < 6; n++) {
      // The second vehicle gets its driver after the first batch: its baselines change hands.
      if (n === 1)
        for (const [tenant, f] of [
          [steady, a],
          [evicted, b],
        ] as const) {
          const res = await call("PATCH", `/api/vehicles/${f.vehicles.RP2!.id}`, {
            token: tenant.admin.token,
            body: { driverId: f.driverId },
          });
          expect(res.status).toBe(200);
        }
      for (const tenant of [steady, evicted]) expect((await postTelemetry(tenant, batch(n))).status).toBe(202);
      if (n === 2 || n === 4) await evict(evicted.id);
    }
    const names = (f: typeof a) => ({ [f.vehicles.RP1!.id]: "RP1", [f.vehicles.RP2!.id]: "RP2", [f.driverId]: "driver" });
    const expected = await settledOf(steady, names(a));
    const replayed = await settledOf(evicted, names(b));

    expect(Object.keys(expected).sort()).toEqual(["RP1", "RP2"]);
    // The run did what the replay has to rebuild: clocks moved, an episode opened, a driver took over.
    expect(JSON.stringify(expected.RP1!.rules)).toContain('"alertId":"alert"');
    expect(Object.keys(expected.RP2!.driving as object).sort()).toEqual(["driver", "vehicle"]);
    // The health models' state is journaled, not replayed: it rides with a batch once 10 s old, so
    // an eviction sooner loses its last updates (vehicle-states.ts); the clock is frozen here.
    const replayable = ({ latest, rules, driving }: Record<string, unknown>) => ({ latest, rules, driving });
    for (const vehicle of ["RP1", "RP2"]) expect(replayable(replayed[vehicle]!)).toEqual(replayable(expected[vehicle]!));
  });
});
