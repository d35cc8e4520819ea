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

    // The job's delivery rows are written in one batch (with what sending them reads); the claims
    // that come next fail: the rows are there (SMS queued), nothing sent, each send handed back to
    // the queue.
    const handedBack = recordingQueue();
    const faulty = withBindings({
      DB: faultyD1(env.DB, (q) => /^update "deliveries" set "status" = \?, "claimed_at"/i.test(q)),
      NOTIFY_QUEUE: handedBack.queue,
    });
    await runJob(faulty, job);
    const written = await deliveriesOf(tenant, "&channel=sms");
    expect(written.filter((d) => d.status === "queued")).toHaveLength(managers.length);
    expect(handedBack.jobs.map((j) => j.type)).toEqual(managers.map(() => "deliver"));
    for (const manager of managers) expect(await received("sms", { to: manager.phone })).toHaveLength(0);

    // The queue retries the job: the rows written before are sent, once each.
    await runJob(env, job);
    for (const manager of managers) expect(await received("sms", { to: manager.phone })).toHaveLength(1);
    const sms = (await deliveriesOf(tenant, "&channel=sms")).filter((d) => d.userId !== tenant.admin.id);
    expect(sms.map((d) => [d.status, d.attempts])).toEqual(managers.map(() => ["sent", 1]));

    // The handed-back sends and a third run of the job (more redeliveries) send nothing more.
    for (const handed of handedBack.jobs) await runJob(env, handed);
    await runJob(env, job);
    for (const manager of managers) expect(await received("sms", { to: manager.phone })).toHaveLength(1);
  });

  it("a D1 error in the planning job's write batch writes nothing; the retried job plans and sends once", async () => {
    const tenant = await createTenant();
    const { "P-5": vehicle } = await addVehicles(tenant, ["P-5"]);
    const manager = await staffWithPhone(tenant, "manager", prefs({ critical: ["sms"] }));
    const alertId = await openAlert(tenant.id, vehicle!.id);
    const job = { type: "alert.raised", tenantId: tenant.id, alertId } as const;
    // Sending's reads are the batch's last statements: their failure undoes the rows before them.
    const faulty = withBindings({ DB: faultyD1(env.DB, (q) => /^select .* from "deliveries" where .*json_each/i.test(q)) });
    await expect(runJob(faulty, job)).rejects.toThrow();
    expect(await deliveriesOf(tenant, "&channel=sms")).toEqual([]);
    await runJob(env, job);
    expect(await received("sms", { to: manager.phone })).toHaveLength(1);
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
