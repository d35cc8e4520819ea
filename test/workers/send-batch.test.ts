/// <reference path="../stand-ins/env.d.ts" />
/**
 * A queue batch's sends of one tenant read what they need once (consumer.ts `runSends`), each
 * still claimed and sent on its own.
 */
import { describe, expect, it } from "vitest";
import { countD1Writes } from "./d1-writes";
import { driveTime } from "./drive";
import { addVehicles, createTenant } from "./helpers";
import { consume, deliveryRow, openAlert, queuedSms } from "./notify-helpers";
import { received, staffWithPhone } from "./notification-helpers";

driveTime();

describe("a batch of sends", { timeout: 30_000 }, () => {
  it("four SMS of one tenant: one read for all, then a claim and a record each; every one sent once", async () => {
    const tenant = await createTenant();
    const vehicles = await addVehicles(tenant, ["S-1"]);
    const people = [];
    for (let i = 0; i < 4; i++) people.push(await staffWithPhone(tenant, "manager"));
    const alertId = await openAlert(tenant.id, vehicles["S-1"]!.id);
    const rows = await Promise.all(people.map((p) => queuedSms(tenant.id, alertId, p.id)));
    let result: Awaited<ReturnType<typeof consume>> | undefined;
    const counted = await countD1Writes(
      async () => void (result = await consume(rows.map((deliveryId) => ({ type: "deliver", tenantId: tenant.id, deliveryId })))),
    );
    expect(result!.explicitAcks).toHaveLength(4);
    // One by one it was a read, a claim and a record per send: 12.
    expect(counted.calls).toBe(1 + 2 * 4);
    for (const [i, person] of people.entries()) {
      expect(await received("sms", { to: person.phone })).toHaveLength(1);
      expect((await deliveryRow(rows[i]!)).status).toBe("sent");
    }
  });
});
