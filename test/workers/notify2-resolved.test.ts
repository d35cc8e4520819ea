/// <reference path="../stand-ins/env.d.ts" />
/** Resolved is news too (issue 13 item 2): inbox and push to those told, SMS only on opt-in, signed webhooks. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runJob } from "../../worker/notifications/consumer";
import { drainQueue, driveTime } from "./drive";
import { addVehicles, call, createTenant } from "./helpers";
import { alertInD1, customerEndpoint, resolveInD1 } from "./notify2-helpers";
import { consume } from "./notify-helpers";
import { deliveriesOf, prefs, received, staffWithPhone, standIn } from "./notification-helpers";

driveTime();

type Inbox = { items: { title: string; body: string; alertId: string }[] };

describe("alert.resolved", { timeout: 30_000 }, () => {
  it("tells those told of the raise in the inbox and by push; SMS only for users who opted in; nobody else", async () => {
    const tenant = await createTenant();
    const { "R-1": vehicle } = await addVehicles(tenant, ["R-1"]);
    const optIn = await staffWithPhone(tenant, "manager", { ...prefs({ critical: ["inapp", "push", "sms"] }), notifyResolved: ["sms"] });
    const plain = await staffWithPhone(tenant, "manager", prefs({ critical: ["inapp", "push", "sms"] }));
    const technician = await staffWithPhone(tenant, "technician", prefs({ critical: ["inapp", "sms"] }));
    const subscription = (await (await standIn("/__push/subscriptions", { method: "POST" })).json()) as { endpoint: string };
    expect((await call("POST", "/api/push/subscriptions", { token: optIn.token, body: subscription })).status).toBe(201);
    const pushId = subscription.endpoint.split("/").pop()!;

    const alertId = await alertInD1(tenant.id, vehicle!.id, "critical");
    await runJob(env, { type: "alert.raised", tenantId: tenant.id, alertId });
    expect(await received("sms", { to: optIn.phone })).toHaveLength(1);
    expect(await received("sms", { to: plain.phone })).toHaveLength(1);

    const resolvedAt = await resolveInD1(alertId, plain.id);
    const job = { type: "alert.resolved" as const, tenantId: tenant.id, alertId, resolvedAt, resolvedBy: plain.id };
    await runJob(env, job);
    await runJob(env, job); // a redelivered job tells nobody twice

    const optInSms = await received("sms", { to: optIn.phone });
    expect(optInSms).toHaveLength(2);
    expect(optInSms[1]!.body).toMatch(/RESOLVED: Unit R-1 — coolant_temp/);
    expect(optInSms[1]!.body).toContain(`by manager ${plain.phone}`);
    expect(await received("sms", { to: plain.phone })).toHaveLength(1); // not opted in
    const pushes = await received("push", { id: pushId });
    expect(pushes.map((p) => p.payload.title)).toEqual([expect.stringMatching(/^CRITICAL/), expect.stringMatching(/^RESOLVED/)]);

    for (const user of [optIn, plain, tenant.admin]) {
      const inbox = (await (await call("GET", "/api/me/inbox", { token: user.token })).json()) as Inbox;
      expect(inbox.items.map((i) => i.title)).toEqual([expect.stringMatching(/^RESOLVED/), expect.stringMatching(/^CRITICAL/)]);
    }
    // The technician may not see the alert and was never told: nothing now either.
    const techInbox = (await (await call("GET", "/api/me/inbox", { token: technician.token })).json()) as Inbox;
    expect(techInbox.items).toHaveLength(0);
    expect(await received("sms", { to: technician.phone })).toHaveLength(0);

    const resolvedRows = (await deliveriesOf(tenant, `&alertId=${alertId}&topic=alert.resolved`)).filter((d) => d.userId);
    expect(resolvedRows.every((d) => d.status === "sent")).toBe(true);
    expect(resolvedRows.filter((d) => d.channel === "sms").map((d) => d.userId)).toEqual([optIn.id]);
  });

  it("tells one who heard of the alert only in another alert's group message", async () => {
    const tenant = await createTenant();
    const { "R-4": vehicle } = await addVehicles(tenant, ["R-4"]);
    // SMS only for medium alerts, no in-app: the group message is all this manager was told.
    const manager = await staffWithPhone(tenant, "manager", prefs({ medium: ["sms"] }));
    const first = await alertInD1(tenant.id, vehicle!.id, "medium", "coolant_temp");
    await runJob(env, { type: "alert.raised", tenantId: tenant.id, alertId: first });
    const joined = await alertInD1(tenant.id, vehicle!.id, "medium", "battery_low", "Battery 11.2 V");
    await runJob(env, { type: "alert.raised", tenantId: tenant.id, alertId: joined });
    await drainQueue({ until: Date.now() + 10 * 60_000 });
    const [grouped] = await received("sms", { to: manager.phone });
    expect(grouped!.body).toMatch(/2 alerts on Unit R-4/);
    expect((await deliveriesOf(tenant, `&alertId=${joined}&userId=${manager.id}`)).length).toBe(0); // no row of its own

    const resolvedAt = await resolveInD1(joined, null);
    await runJob(env, { type: "alert.resolved", tenantId: tenant.id, alertId: joined, resolvedAt, resolvedBy: null });
    const inbox = (await (await call("GET", "/api/me/inbox", { token: manager.token })).json()) as Inbox;
    expect(inbox.items.map((i) => [i.title.split(":")[0], i.alertId])).toEqual([["RESOLVED", joined]]);
  });

  it("a new alert's page goes before the news that another resolved, when both are in one queue batch", async () => {
    const tenant = await createTenant();
    const { "R-9": vehicle } = await addVehicles(tenant, ["R-9"]);
    const manager = await staffWithPhone(tenant, "manager", prefs({ critical: ["push"] }));
    const subscription = (await (await standIn("/__push/subscriptions", { method: "POST" })).json()) as { endpoint: string };
    expect((await call("POST", "/api/push/subscriptions", { token: manager.token, body: subscription })).status).toBe(201);
    const pushId = subscription.endpoint.split("/").pop()!;
    const first = await alertInD1(tenant.id, vehicle!.id, "critical");
    await runJob(env, { type: "alert.raised", tenantId: tenant.id, alertId: first });
    const resolvedAt = await resolveInD1(first, manager.id);
    const second = await alertInD1(tenant.id, vehicle!.id, "critical");

    // The resolve's job was queued first; the new alert's page still goes out first.
    await consume([
      { type: "alert.resolved", tenantId: tenant.id, alertId: first, resolvedAt, resolvedBy: manager.id },
      { type: "alert.raised", tenantId: tenant.id, alertId: second },
    ]);
    const pushes = await received("push", { id: pushId });
    expect(pushes.map((p) => [p.payload.title.split(":")[0], p.payload.alertId])).toEqual([
      ["CRITICAL", first],
      ["CRITICAL", second],
      ["RESOLVED", first],
    ]);
  });

  it("sends alert.resolved to subscribed customer endpoints, Standard-Webhooks signed, once per resolve", async () => {
    const tenant = await createTenant();
    const { "R-2": vehicle } = await addVehicles(tenant, ["R-2"]);
    const resolvedHook = await customerEndpoint(tenant, ["alert.resolved"]);
    const createdHook = await customerEndpoint(tenant, ["alert.created"]);
    const alertId = await alertInD1(tenant.id, vehicle!.id, "high");
    await runJob(env, { type: "alert.raised", tenantId: tenant.id, alertId });
    const resolvedAt = await resolveInD1(alertId, null);
    const job = { type: "alert.resolved" as const, tenantId: tenant.id, alertId, resolvedAt, resolvedBy: null };
    await runJob(env, job);
    await runJob(env, job);

    const got = await received("webhook", { id: resolvedHook.receiverId });
    expect(got).toHaveLength(1); // the stand-in verified the signature with the issued secret
    expect(got[0]!.body).toMatchObject({ type: "alert.resolved", data: { id: alertId, status: "resolved", resolvedAt } });
    expect(got[0]!.webhookId).toMatch(/^dlv_/);
    expect((await received("webhook", { id: createdHook.receiverId })).map((h) => h.type)).toEqual(["alert.created"]);
    const log = (await (
      await call("GET", `/api/integrations/webhooks/${resolvedHook.hookId}/deliveries`, { token: tenant.admin.token })
    ).json()) as { items: { id: string; event: string; status: string }[] };
    expect(log.items).toEqual([expect.objectContaining({ id: got[0]!.webhookId, event: "alert.resolved", status: "sent" })]);
  });
});
