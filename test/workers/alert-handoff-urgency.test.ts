import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ALERT_WORK_DELAY_MS } from "../../durable-objects/deferred-writes";
import { advanceClock, driveTime, freezeClock } from "./drive";
import { addVehicles, createTenant, postTelemetry } from "./helpers";

// The object's alarm runs when the test says, so its pending time can be read.
driveTime();

describe("when a new alert's work is handed to the alarm", () => {
  it("hands a critical alert's work off at once, and a high one after the coalescing window", async () => {
    // An hour ahead of the runtime's clock: an alarm set for "now" stays pending and can be read.
    const now = freezeClock(Date.now() + 60 * 60_000);
    const pendingAfter = async (events: { readings: Record<string, number>; dtc?: string[] }[]) => {
      const tenant = await createTenant();
      await addVehicles(tenant, ["T-1"]);
      const batch = events.map((e, i) => ({ vehicleId: "T-1", ts: new Date(now - 20_000 + i * 10_000).toISOString(), ...e }));
      expect((await postTelemetry(tenant, { events: batch })).status).toBe(202);
      return runInDurableObject(env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenant.id)), (_hub, state) => state.storage.getAlarm());
    };
    // Low oil pressure held for 10 s: critical. A fault code: high.
    expect(await pendingAfter([{ readings: { oilPressureKpa: 60 } }, { readings: { oilPressureKpa: 60 } }])).toBe(now);
    expect(await pendingAfter([{ readings: { speedKph: 50 }, dtc: ["P0217"] }])).toBe(now + ALERT_WORK_DELAY_MS);
  });

  it("a critical alert's pending alarm is not pushed back by the next batch's deferred writes", async () => {
    const now = freezeClock(Date.now() + 60 * 60_000);
    const tenant = await createTenant();
    await addVehicles(tenant, ["T-1"]);
    const post = async (at: number, readings: Record<string, number>) =>
      expect((await postTelemetry(tenant, { events: [{ vehicleId: "T-1", ts: new Date(at).toISOString(), readings }] })).status).toBe(202);
    await post(now - 10_000, { oilPressureKpa: 60 });
    await post(now, { oilPressureKpa: 60 }); // held 10 s: the critical alert, its work due now
    advanceClock(1_000); // the alarm has not run yet (the test runs it); a later batch only buffers readings
    await post(now + 1_000, { speedKph: 40 });
    const pending = await runInDurableObject(env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenant.id)), (_hub, state) =>
      state.storage.getAlarm(),
    );
    expect(pending).toBe(now);
  });
});
