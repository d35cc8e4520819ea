/**
 * The stale-delivery sweep runs from each tenant's own alarm (no cron call anywhere here), for
 * that tenant only: a `queued` row whose job was lost is handed back and sent once, a stalled SMS
 * claim turns `dead`, and another tenant's stuck row is left to its own object.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { OUTCOME_UNKNOWN, QUEUED_GRACE_MS, SENDING_DEADLINE_MS } from "../../worker/notifications/sweep";
import { PERIODIC_JOBS } from "../../durable-objects/schedule";
import { addVehicles, createTenant } from "./helpers";
import { drainQueue, driveTime, heldMessages, runHubAlarm } from "./drive";
import { received, staffWithPhone } from "./notification-helpers";
import { deliveryRow, openAlert, queuedSms } from "./notify-helpers";

driveTime();

const hubOf = (tenantId: string) => env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenantId));
const dueAt = (tenantId: string) =>
  runInDurableObject(
    hubOf(tenantId),
    (_hub, state) =>
      state.storage.sql.exec<{ due_at: number }>("SELECT due_at FROM schedule WHERE job = 'staleDeliveries'").toArray()[0]?.due_at,
  );
const makeDue = (tenantId: string) =>
  runInDurableObject(hubOf(tenantId), (_hub, state) =>
    state.storage.sql.exec("UPDATE schedule SET due_at = 0 WHERE job = 'staleDeliveries'"),
  );

async function stuckTenant(externalId: string) {
  const tenant = await createTenant();
  const { [externalId]: vehicle } = await addVehicles(tenant, [externalId]);
  const manager = await staffWithPhone(tenant, "manager");
  const longAgo = Date.now() - QUEUED_GRACE_MS - 60_000;
  const stuck = await queuedSms(tenant.id, await openAlert(tenant.id, vehicle!.id), manager.id, { dueAt: longAgo, updatedAt: longAgo });
  return { tenant, vehicle: vehicle!, manager, stuck, longAgo };
}

describe("stale-delivery sweep on the tenant's alarm", { timeout: 30_000 }, () => {
  it("is on every tenant's schedule, at most 5 minutes away", async () => {
    const { tenant } = await stuckTenant("S-0");
    const at = await dueAt(tenant.id);
    expect(at).toBeDefined();
    expect(at! - Date.now()).toBeLessThanOrEqual(PERIODIC_JOBS.staleDeliveries);
  });

  it("re-queues this tenant's lost row (sent once) and leaves another tenant's row alone", async () => {
    const mine = await stuckTenant("S-1");
    const other = await stuckTenant("S-2");

    await makeDue(mine.tenant.id);
    await runHubAlarm(mine.tenant.id);
    expect(heldMessages(mine.tenant.id)).toContainEqual({ type: "deliver", tenantId: mine.tenant.id, deliveryId: mine.stuck });
    expect(heldMessages(other.tenant.id)).toEqual([]);
    expect((await deliveryRow(other.stuck)).updatedAt).toBe(other.longAgo);

    await drainQueue();
    expect(await deliveryRow(mine.stuck)).toMatchObject({ status: "sent", attempts: 1 });
    expect(await received("sms", { to: mine.manager.phone })).toHaveLength(1);
    expect(await deliveryRow(other.stuck)).toMatchObject({ status: "queued", attempts: 0 });

    // The job is due again one period later; running it now finds nothing more to hand back.
    expect((await dueAt(mine.tenant.id))! - Date.now()).toBeLessThanOrEqual(PERIODIC_JOBS.staleDeliveries);
    await makeDue(mine.tenant.id);
    await runHubAlarm(mine.tenant.id);
    expect(heldMessages(mine.tenant.id)).toEqual([]);
  });

  it("settles a stalled SMS claim as dead (outcome unknown), never sending it again", async () => {
    const { tenant, vehicle, manager } = await stuckTenant("S-3");
    const claimedAt = Date.now() - SENDING_DEADLINE_MS - 60_000;
    const stalled = await queuedSms(tenant.id, await openAlert(tenant.id, vehicle.id), manager.id, {
      status: "sending",
      attempts: 1,
      claimedAt,
      updatedAt: claimedAt,
    });

    await makeDue(tenant.id);
    await runHubAlarm(tenant.id);
    expect(await deliveryRow(stalled)).toMatchObject({ status: "dead", lastError: OUTCOME_UNKNOWN, attempts: 1 });
    expect(heldMessages(tenant.id)).not.toContainEqual({ type: "deliver", tenantId: tenant.id, deliveryId: stalled });
  });
});
