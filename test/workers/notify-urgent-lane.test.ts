/**
 * A critical alert's planning job goes on its own queue (durable-objects/notify-outbox.ts), so a
 * page never waits behind a backlog of other alerts' notification work; everything else stays on
 * the normal queue. Both queues' jobs are planned and sent by the same consumer.
 */
import { describe, expect, it } from "vitest";
import { driveTime, drainQueue, heldMessages, runHubAlarm, URGENT } from "./drive";
import { addVehicles, countRows, createTenant, isoAt, postTelemetry } from "./helpers";

driveTime();

type Job = { type: string; alertId: string };
const NOTIFY = "fleetpulse-notify";

describe("the urgent notification lane", { timeout: 30_000 }, () => {
  it("a critical alert's raise is queued on the urgent queue, a high one's on the normal queue; both are delivered", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["U-1", "U-2"]);
    const events = [
      // Low oil pressure held 10 s: critical.
      ...[0, 10].map((s) => ({ vehicleId: "U-1", ts: isoAt(s), readings: { oilPressureKpa: 60 } })),
      // A fault code: high.
      { vehicleId: "U-2", ts: isoAt(10), readings: { speedKph: 20 }, dtc: ["P0217"] },
    ];
    expect((await postTelemetry(tenant, { events })).status).toBe(202);
    await runHubAlarm(tenant.id);

    const urgent = heldMessages(tenant.id, URGENT) as Job[];
    const normal = (heldMessages(tenant.id, NOTIFY) as Job[]).filter((job) => job.type === "alert.raised");
    expect(urgent).toHaveLength(1);
    expect(urgent[0]).toMatchObject({ type: "alert.raised" });
    expect(normal).toHaveLength(1);
    expect(normal[0]!.alertId).not.toBe(urgent[0]!.alertId);

    await drainQueue();
    expect(heldMessages(tenant.id)).toEqual([]);
    for (const { alertId } of [urgent[0]!, normal[0]!])
      expect(await countRows("deliveries", "tenant_id = ? AND alert_id = ?", tenant.id, alertId)).toBeGreaterThan(0);
  });
});
