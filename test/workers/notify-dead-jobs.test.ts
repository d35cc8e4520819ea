/// <reference path="../stand-ins/env.d.ts" />
import { describe, expect, it } from "vitest";
import { addVehicles, createTenant, userWithRole } from "./helpers";
import { deliveriesOf, prefs, received, staffWithPhone } from "./notification-helpers";
import { adminCall, consume, deliveryRow, openAlert, queuedSms, recordingQueue, withBindings } from "./notify-helpers";

describe("dead letters and re-drive", { timeout: 30_000 }, () => {
  it("a planning job that ran out of retries is listed for admins and re-driven once", async () => {
    const tenant = await createTenant();
    const { "X-1": vehicle } = await addVehicles(tenant, ["X-1"]);
    const manager = await staffWithPhone(tenant, "manager", prefs({ critical: ["sms"] }));
    const job = { type: "alert.raised", tenantId: tenant.id, alertId: await openAlert(tenant.id, vehicle!.id) };

    // The queue moved it to the dead-letter queue after max_retries: the DLQ consumer records it.
    expect((await consume([job], undefined, "fleetpulse-notify-dlq")).explicitAcks).toHaveLength(1);
    const listed = await adminCall("GET", "/api/notifications/dead-jobs", tenant.admin.token);
    expect(listed.status).toBe(200);
    const { items } = (await listed.json()) as { items: { id: string; type: string; status: string; job: unknown; deaths: number }[] };
    expect(items).toEqual([expect.objectContaining({ type: "alert.raised", status: "dead", job, deaths: 1 })]);

    const otherRole = await userWithRole(tenant, "manager");
    expect((await adminCall("GET", "/api/notifications/dead-jobs", otherRole.token)).status).toBe(403);
    const stranger = await createTenant();
    expect((await adminCall("POST", `/api/notifications/dead-jobs/${items[0]!.id}/redrive`, stranger.admin.token)).status).toBe(404);

    const { queue, jobs } = recordingQueue();
    const redriven = await adminCall(
      "POST",
      `/api/notifications/dead-jobs/${items[0]!.id}/redrive`,
      tenant.admin.token,
      withBindings({ NOTIFY_QUEUE: queue }),
    );
    expect(redriven.status).toBe(200);
    expect(await redriven.json()).toMatchObject({ status: "redriven", redrivenBy: tenant.admin.id });
    expect(jobs).toEqual([job]);
    expect((await adminCall("POST", `/api/notifications/dead-jobs/${items[0]!.id}/redrive`, tenant.admin.token)).status).toBe(409);

    // The re-driven job runs: the manager is told once.
    await consume(jobs);
    expect(await received("sms", { to: manager.phone })).toHaveLength(1);
    expect((await deliveriesOf(tenant, `&userId=${manager.id}`))[0]).toMatchObject({ status: "sent" });
  });

  it("a dead delivery is re-driven by an admin and sent; only dead ones can be", async () => {
    const tenant = await createTenant();
    const { "X-2": vehicle } = await addVehicles(tenant, ["X-2"]);
    const manager = await staffWithPhone(tenant, "manager");
    const alertId = await openAlert(tenant.id, vehicle!.id);
    const id = await queuedSms(tenant.id, alertId, manager.id);
    expect((await adminCall("POST", `/api/notifications/${id}/redrive`, tenant.admin.token)).status).toBe(409);

    // Its deliver job dies (dead-letter queue): the row is `dead`.
    await consume([{ type: "deliver", tenantId: tenant.id, deliveryId: id }], undefined, "fleetpulse-notify-dlq");
    expect(await deliveryRow(id)).toMatchObject({ status: "dead" });

    const { queue, jobs } = recordingQueue();
    const res = await adminCall("POST", `/api/notifications/${id}/redrive`, tenant.admin.token, withBindings({ NOTIFY_QUEUE: queue }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id, status: "queued" });
    await consume(jobs);
    expect(await deliveryRow(id)).toMatchObject({ status: "sent", attempts: 1 });
    expect(await received("sms", { to: manager.phone })).toHaveLength(1);
    // The alert's decisions keep both outcomes: the one the re-drive overwrote (recorded by the
    // re-open trigger, migration 0033) and the send, read from the row itself.
    const explained = await adminCall("GET", `/api/alerts/${alertId}/decisions`, tenant.admin.token);
    const { items } = (await explained.json()) as {
      items: { userId: string; channel: string; outcome: string; reason: string; detail: Record<string, unknown> }[];
    };
    expect(items.filter((d) => d.detail.deliveryId === id)).toEqual([
      expect.objectContaining({ userId: manager.id, channel: "sms", outcome: "skipped", reason: "dead" }),
      expect.objectContaining({ userId: manager.id, channel: "sms", outcome: "told", reason: "preference" }),
    ]);
  });
});
