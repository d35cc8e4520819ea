/// <reference path="../stand-ins/env.d.ts" />
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deliver } from "../../worker/notifications/deliver";
import { runJob } from "../../worker/notifications/consumer";
import { OUTCOME_UNKNOWN, QUEUED_GRACE_MS, SENDING_DEADLINE_MS, sweepStaleDeliveries } from "../../worker/notifications/sweep";
import { addVehicles, createTenant } from "./helpers";
import { deliveriesOf, prefs, received, staffWithPhone } from "./notification-helpers";
import { consume, deliveryRow, faultyD1, openAlert, queuedSms, recordingQueue, withBindings } from "./notify-helpers";

describe("delivery state machine", { timeout: 30_000 }, () => {
  it("a D1 error halfway through planning: the retried job sends every delivery exactly once", async () => {
    const tenant = await createTenant();
    const { "P-1": vehicle } = await addVehicles(tenant, ["P-1"]);
    const managers = [];
    for (let i = 0; i < 3; i++) managers.push(await staffWithPhone(tenant, "manager", prefs({ critical: ["sms"] })));
    const alertId = await openAlert(tenant.id, vehicle!.id);
    const job = { type: "alert.raised", tenantId: tenant.id, alertId } as const;

    // The job's delivery rows are written in one batch; reading them back to send fails: the rows
    // are there (SMS queued), nothing sent yet.
    const faulty = withBindings({ DB: faultyD1(env.DB, (q) => /^select .* from "deliveries" where .*"deliveries"\."id" in/i.test(q)) });
    await expect(runJob(faulty, job)).rejects.toThrow();
    const written = await deliveriesOf(tenant, "&channel=sms");
    expect(written.filter((d) => d.status === "queued").length).toBeGreaterThan(0);

    // The queue retries the job: the rows written before are sent, the rest planned and sent.
    await runJob(env, job);
    for (const manager of managers) expect(await received("sms", { to: manager.phone })).toHaveLength(1);
    const sms = (await deliveriesOf(tenant, "&channel=sms")).filter((d) => d.userId !== tenant.admin.id);
    expect(sms.map((d) => [d.status, d.attempts])).toEqual(managers.map(() => ["sent", 1]));

    // A third run (another redelivery) sends nothing more.
    await runJob(env, job);
    for (const manager of managers) expect(await received("sms", { to: manager.phone })).toHaveLength(1);
  });

  it("a queue redelivery, even concurrent, makes one provider request", async () => {
    const tenant = await createTenant();
    const { "P-2": vehicle } = await addVehicles(tenant, ["P-2"]);
    const manager = await staffWithPhone(tenant, "manager");
    const id = await queuedSms(tenant.id, await openAlert(tenant.id, vehicle!.id), manager.id);
    const job = { type: "deliver", tenantId: tenant.id, deliveryId: id };

    const results = await Promise.all([consume([job, job]), consume([job])]);
    for (const result of results) expect(result.retryMessages).toEqual([]);
    expect(await received("sms", { to: manager.phone })).toHaveLength(1);
    expect(await deliveryRow(id)).toMatchObject({ status: "sent", attempts: 1 });
  });

  it("a crash after the provider accepted: no second request, not on retry, redelivery or sweep", async () => {
    const tenant = await createTenant();
    const { "P-3": vehicle } = await addVehicles(tenant, ["P-3"]);
    const manager = await staffWithPhone(tenant, "manager");
    const id = await queuedSms(tenant.id, await openAlert(tenant.id, vehicle!.id), manager.id);

    // Twilio accepts, then recording `sent` fails (twice): the sender dies with the row claimed.
    const faulty = withBindings({ DB: faultyD1(env.DB, (q) => /^update "deliveries" set .*"sent_at"/i.test(q)) });
    await expect(deliver(faulty, tenant.id, id)).rejects.toThrow(/Failed query: update "deliveries"/);
    expect(await received("sms", { to: manager.phone })).toHaveLength(1);
    expect(await deliveryRow(id)).toMatchObject({ status: "sending", attempts: 1 });

    // The queue retries and redelivers the job: the claimed row is never sent again.
    const result = await consume([
      { type: "deliver", tenantId: tenant.id, deliveryId: id },
      { type: "deliver", tenantId: tenant.id, deliveryId: id },
    ]);
    expect(result.retryMessages).toEqual([]);
    expect(await received("sms", { to: manager.phone })).toHaveLength(1);

    // Past the deadline, the sweep cannot know whether Twilio got it: `dead`, never repeated.
    const { queue, jobs } = recordingQueue();
    const swept = await sweepStaleDeliveries(withBindings({ NOTIFY_QUEUE: queue }), Date.now() + SENDING_DEADLINE_MS + 1000);
    expect(swept.abandoned).toContain(id);
    expect(jobs.some((j) => j.type === "deliver" && j.deliveryId === id)).toBe(false);
    expect(await deliveryRow(id)).toMatchObject({ status: "dead", lastError: OUTCOME_UNKNOWN });
    expect(await received("sms", { to: manager.phone })).toHaveLength(1);
  });

  it("the stale sweep re-queues a row whose job was lost, and it is sent once", async () => {
    const tenant = await createTenant();
    const { "P-4": vehicle } = await addVehicles(tenant, ["P-4"]);
    const manager = await staffWithPhone(tenant, "manager");
    const longAgo = Date.now() - QUEUED_GRACE_MS - 60_000;
    const stuck = await queuedSms(tenant.id, await openAlert(tenant.id, vehicle!.id), manager.id, { dueAt: longAgo, updatedAt: longAgo });
    const recent = await queuedSms(tenant.id, await openAlert(tenant.id, vehicle!.id), manager.id, { dueAt: Date.now() + 60_000 });

    const { queue, jobs } = recordingQueue();
    const swept = await sweepStaleDeliveries(withBindings({ NOTIFY_QUEUE: queue }));
    expect(swept.requeued).toContain(stuck);
    expect(swept.requeued).not.toContain(recent);
    // A second sweep right after leaves it alone (it was just handed back).
    expect((await sweepStaleDeliveries(withBindings({ NOTIFY_QUEUE: recordingQueue().queue }))).requeued).not.toContain(stuck);

    await consume(jobs.filter((j) => j.type === "deliver" && j.deliveryId === stuck));
    expect(await deliveryRow(stuck)).toMatchObject({ status: "sent", attempts: 1 });
    expect(await received("sms", { to: manager.phone })).toHaveLength(1);
  });
});
