/// <reference path="../stand-ins/env.d.ts" />
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { resetBreakers } from "../../worker/notifications/circuit-breaker";
import { runJob } from "../../worker/notifications/consumer";
import { addVehicles, call, createTenant, isoAt, postTelemetry } from "./helpers";
import { drainQueue, driveTime, heldMessages, runHubAlarm, settleTenant } from "./drive";
import { deliveriesOf, failNext, prefs, received, staffWithPhone, standIn } from "./notification-helpers";

// The tenant's alarm and the notification queue run when a test says so (see drive.ts).
driveTime();

const oilDrop = (externalId: string, start: number) =>
  [start, start + 10].map((s) => ({ vehicleId: externalId, ts: isoAt(s), readings: { oilPressureKpa: 60 } }));
const dtc = (externalId: string, s: number, code = "P0217") => ({ vehicleId: externalId, ts: isoAt(s), readings: {}, dtc: [code] });

/** Posts telemetry, then runs the tenant's alarm and every notification job due by `until` (default: now). */
async function raise(tenant: Awaited<ReturnType<typeof createTenant>>, events: unknown[], until?: number) {
  expect((await postTelemetry(tenant, { events })).status).toBe(202);
  await settleTenant(tenant.id, { until });
}

describe("notification pipeline", { timeout: 30_000 }, () => {
  it("tells everyone who may see a critical alert on their channels: push decrypted, SMS sent, in-app inbox; no phone → failed", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["N-1"]);
    const manager = await staffWithPhone(tenant, "manager");
    const subscription = (await (await standIn("/__push/subscriptions", { method: "POST" })).json()) as { endpoint: string; keys: unknown };
    expect((await call("POST", "/api/push/subscriptions", { token: manager.token, body: subscription })).status).toBe(201);

    await raise(tenant, oilDrop("N-1", 0));
    const [sms] = await received("sms", { to: manager.phone });
    expect(sms!.body).toMatch(/CRITICAL: Unit N-1 — Low oil pressure/);
    const id = subscription.endpoint.split("/").pop()!;
    const [push] = await received("push", { id });
    expect(push!.payload).toMatchObject({ severity: "critical", url: expect.stringContaining("/alerts/alr_") });
    expect(push!.payload.title).toContain("Low oil pressure");

    const rows = await deliveriesOf(tenant);
    expect(rows.filter((d) => d.status !== "queued").length).toBeGreaterThanOrEqual(5);
    const of = (userId: string, channel: string) => rows.find((d) => d.userId === userId && d.channel === channel);
    expect(of(manager.id, "sms")).toMatchObject({ status: "sent", attempts: 1 });
    expect(of(manager.id, "push")).toMatchObject({ status: "sent" });
    expect(of(manager.id, "inapp")).toMatchObject({ status: "sent" });
    expect(of(tenant.admin.id, "sms")).toMatchObject({ status: "failed", lastError: "No phone number on the user's profile" });
    const inbox = (await (await call("GET", "/api/me/inbox", { token: manager.token })).json()) as { items: { title: string }[] };
    expect(inbox.items[0]!.title).toContain("Low oil pressure");
  });

  it("defers non-critical notifications in quiet hours and sends them when they end; critical goes out at once", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["Q-1"]);
    await call("PUT", "/api/settings", { token: tenant.admin.token, body: { groupWaitSeconds: 0 } });
    const allDay = { start: "00:00", end: "23:59", timeZone: "UTC" };
    const manager = await staffWithPhone(tenant, "manager", prefs({ critical: ["sms"], high: ["sms"] }, allDay));

    await raise(tenant, [dtc("Q-1", 0)]);
    const [deferred] = await deliveriesOf(tenant, `&userId=${manager.id}&channel=sms`);
    expect(deferred!.status).toBe("queued");
    const quietEnd = Date.parse(deferred!.dueAt!);
    expect(quietEnd).toBeGreaterThan(Date.now());
    expect(new Date(quietEnd).toISOString().slice(11, 16)).toBe("23:59");
    expect(await received("sms", { to: manager.phone })).toEqual([]);

    // A critical alert during the same quiet hours is not held back.
    await raise(tenant, oilDrop("Q-1", 100));
    expect((await received("sms", { to: manager.phone })).find((m) => /Low oil pressure/.test(m.body))).toBeDefined();

    // When the quiet period ends, the deferred one is sent (the queue brings the job back then).
    await runJob(env, { type: "deliver", tenantId: tenant.id, deliveryId: deferred!.id }, quietEnd + 1000);
    const sent = await received("sms", { to: manager.phone });
    expect(sent.map((m) => /Diagnostic trouble code/.test(m.body))).toEqual([false, true]);
  });

  it("records and streams silenced alerts but notifies nobody", async () => {
    const tenant = await createTenant();
    const { "S-1": vehicle } = await addVehicles(tenant, ["S-1"]);
    await staffWithPhone(tenant, "manager", prefs({ critical: ["sms"], high: ["sms"] }));
    const silence = await call("POST", "/api/silences", {
      token: tenant.admin.token,
      body: {
        matchers: { vehicleId: vehicle!.id },
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        comment: "in the workshop",
      },
    });
    expect(silence.status).toBe(201);
    await raise(tenant, oilDrop("S-1", 0));
    const alerts = (await (await call("GET", "/api/alerts", { token: tenant.admin.token })).json()) as {
      items: { id: string; silenced: boolean }[];
    };
    expect(alerts.items).toHaveLength(1);
    expect(alerts.items[0]!.silenced).toBe(true);
    // The alarm has synced and queued whatever it would, and the queue has been drained.
    expect(heldMessages(tenant.id)).toEqual([]);
    expect(await deliveriesOf(tenant)).toEqual([]);
  });

  it("groups non-critical alerts of one vehicle into one message per channel naming each alert", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["G-1"]);
    await call("PUT", "/api/settings", { token: tenant.admin.token, body: { groupWaitSeconds: 2 } });
    const manager = await staffWithPhone(tenant, "manager", prefs({ high: ["sms"], medium: ["sms"] }));
    const braking = [0, 10, 20].map((s) => ({ vehicleId: "G-1", ts: isoAt(s), readings: { accelG: -0.7 } }));
    await raise(tenant, [...braking, dtc("G-1", 30)]);
    expect(await received("sms", { to: manager.phone })).toEqual([]); // held for the 2 s group wait
    await drainQueue({ until: Date.now() + 2_500 });
    const [sms] = await received("sms", { to: manager.phone });
    expect(sms!.body).toMatch(/2 alerts on Unit G-1/);
    expect(sms!.body).toMatch(/Harsh braking; Diagnostic trouble code/);
    await drainQueue({ until: Date.now() + 60_000 });
    expect(await received("sms", { to: manager.phone })).toHaveLength(1);
  });

  it("retries through the queue: two 503s then success is sent after 3 attempts; endless 503 is dead with its error", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["R-1", "R-2"]);
    const flaky = await staffWithPhone(tenant, "manager", prefs({ critical: ["sms"] }));
    await failNext("/2010-04-01/", [503, 503], flaky.phone);
    // Retry delays are 1 s in tests (NOTIFY_RETRY_DELAYS); 10 s of queue time covers every retry.
    await raise(tenant, oilDrop("R-1", 0), Date.now() + 10_000);
    const ok = (await deliveriesOf(tenant, `&userId=${flaky.id}`)).find((d) => d.status === "sent");
    expect(ok!.attempts).toBe(3);

    const tenant2 = await createTenant();
    await addVehicles(tenant2, ["R-9", "R-10"]);
    const broken = await staffWithPhone(tenant2, "manager", prefs({ critical: ["sms"] }));
    await failNext("/2010-04-01/", [503, 503, 503, 503, 503, 503], broken.phone);
    await raise(tenant2, oilDrop("R-9", 0), Date.now() + 10_000);
    const dead = (await deliveriesOf(tenant2, `&userId=${broken.id}`)).find((d) => d.status === "dead");
    expect(dead!.attempts).toBe(5); // 4 retry delays → 5 attempts
    expect(dead!.lastError).toMatch(/503/);

    // Five failures in a row opened Twilio's circuit: the next SMS waits without using an attempt.
    await raise(tenant2, oilDrop("R-10", 100));
    const held = (await deliveriesOf(tenant2, `&userId=${broken.id}&status=queued`)).find((d) => d.lastError?.includes("Circuit open"));
    expect(held!.attempts).toBe(0);
    resetBreakers();
  });

  it("never sends twice when jobs are redelivered, and a 410 from the push service removes the subscription", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["D-1"]);
    const manager = await staffWithPhone(tenant, "manager", prefs({ critical: ["sms", "push"] }));
    const subscription = (await (await standIn("/__push/subscriptions", { method: "POST" })).json()) as { endpoint: string };
    await call("POST", "/api/push/subscriptions", { token: manager.token, body: subscription });
    await standIn("/__gone", { method: "POST", body: JSON.stringify({ path: new URL(subscription.endpoint).pathname }) });
    await raise(tenant, oilDrop("D-1", 0));
    const sms = (await deliveriesOf(tenant, `&userId=${manager.id}&channel=sms`)).find((d) => d.status === "sent")!;
    const push = (await deliveriesOf(tenant, `&userId=${manager.id}&channel=push`)).find((d) => d.status === "failed");
    expect(push!.lastError).toMatch(/410/);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM push_subscriptions WHERE user_id = ?").bind(manager.id).first("n")).toBe(0);

    // Redeliveries of both the planning job and the send job change nothing.
    const before = await deliveriesOf(tenant);
    await runJob(env, { type: "alert.raised", tenantId: tenant.id, alertId: sms.alertId });
    await runJob(env, { type: "deliver", tenantId: tenant.id, deliveryId: sms.id });
    expect(await deliveriesOf(tenant)).toEqual(before);
    expect(await received("sms", { to: manager.phone })).toHaveLength(1);
  });

  it("fires escalation steps from the alarm and stops them on acknowledge", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["E-1", "E-2"]);
    const technician = await staffWithPhone(tenant, "technician");
    const policy = await call("PUT", "/api/escalation-policies/critical", {
      token: tenant.admin.token,
      body: {
        steps: [
          { afterMinutes: 0, roles: ["technician"], channels: ["sms"] },
          { afterMinutes: 10, roles: ["technician"], channels: ["voice"] },
        ],
      },
    });
    expect(policy.status).toBe(200);
    await raise(tenant, oilDrop("E-1", 0));
    const stepOne = (await deliveriesOf(tenant, `&userId=${technician.id}`)).find((d) => d.step === 1 && d.status === "sent")!;
    expect(stepOne.channel).toBe("sms");
    const hub = env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenant.id));
    const pending = () =>
      runInDurableObject(hub, (_i, state) =>
        state.storage.sql.exec<{ alert_id: string; step: number }>("SELECT alert_id, step FROM escalations").toArray(),
      );
    expect((await pending()).map((p) => p.step)).toEqual([2]);

    // Step 2 comes due (moved forward instead of waiting 10 minutes) while the alert is still open.
    await runInDurableObject(hub, (_instance, state) => state.storage.sql.exec("UPDATE escalations SET due_at = 0"));
    await runHubAlarm(tenant.id);
    await drainQueue();
    const [call2] = await received("voice", { to: technician.phone });
    expect(call2!.gather.action).toContain("/api/voice/ack?ticket=");

    // A second alert acknowledged before its step 2: the chain stops.
    await raise(tenant, oilDrop("E-2", 0));
    const second = (await deliveriesOf(tenant)).find((d) => d.step === 1 && d.alertId !== stepOne.alertId);
    expect((await call("POST", `/api/alerts/${second!.alertId}/ack`, { token: tenant.admin.token, body: {} })).status).toBe(200);
    expect(await pending()).toEqual([]);
  });
});

describe("notification settings API", () => {
  it("validates preferences, subscriptions, silences, policies and webhooks, naming each bad field", async () => {
    const tenant = await createTenant();
    const bad = await call("PUT", "/api/me/preferences", {
      token: tenant.admin.token,
      body: {
        channels: { critical: ["pager"], high: ["sms", "sms"], medium: [], low: [] },
        quietHours: { start: "25:00", end: "06:00", timeZone: "Mars/Base" },
        digestMinutes: -1,
      },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { path: string }[] }).errors.map((e) => e.path).sort()).toEqual([
      "channels.critical.0",
      "channels.high",
      "digestMinutes",
      "quietHours.start",
      "quietHours.timeZone",
    ]);
    const defaults = await (await call("GET", "/api/me/preferences", { token: tenant.admin.token })).json();
    expect(defaults).toEqual({
      channels: { critical: ["inapp", "push", "sms"], high: ["inapp", "push"], medium: ["inapp"], low: ["inapp"] },
      quietHours: null,
      digestMinutes: 0,
      notifyResolved: [],
    });

    const privateEndpoint = await call("POST", "/api/push/subscriptions", {
      token: tenant.admin.token,
      body: { endpoint: "http://10.0.0.7/push/x", keys: { p256dh: "B".repeat(87), auth: "A".repeat(22) } },
    });
    expect(privateEndpoint.status).toBe(400);
    expect(((await privateEndpoint.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe("endpoint");

    const silence = await call("POST", "/api/silences", {
      token: tenant.admin.token,
      body: { matchers: {}, startsAt: isoAt(10), endsAt: isoAt(0), comment: "" },
    });
    expect(((await silence.json()) as { errors: { path: string }[] }).errors.map((e) => e.path).sort()).toEqual([
      "comment",
      "endsAt",
      "matchers",
    ]);
    const policy = await call("PUT", "/api/escalation-policies/urgent", { token: tenant.admin.token, body: { steps: [] } });
    expect(policy.status).toBe(400);
    const hook = await call("POST", "/api/integrations/webhooks", {
      token: tenant.admin.token,
      body: { url: "https://hooks.customer.example/fleet", events: ["alert.created"] },
    });
    expect(hook.status).toBe(201);
    expect(((await hook.json()) as { secret: string }).secret).toMatch(/^whsec_/);
    expect((await call("GET", "/api/push/vapid-public-key")).status).toBe(200);
  });
});

describe("voice acknowledgement and customer webhooks", { timeout: 30_000 }, () => {
  it("acknowledges an alert when the callee presses 1 (Twilio-signed callback), and rejects a forged one", async () => {
    const { exports } = await import("cloudflare:workers");
    const { toBase64 } = await import("../../worker/lib/encoding");
    const tenant = await createTenant();
    await addVehicles(tenant, ["V-1"]);
    const manager = await staffWithPhone(tenant, "manager", prefs({ critical: ["voice"] }));
    await raise(tenant, oilDrop("V-1", 0));
    const [call1] = await received("voice", { to: manager.phone });
    const action = call1!.gather.action as string;
    const sign = async (url: string, params: Record<string, string>) => {
      const key = await crypto.subtle.importKey(
        "raw",
        new TextEncoder().encode(env.TWILIO_AUTH_TOKEN),
        { name: "HMAC", hash: "SHA-1" },
        false,
        ["sign"],
      );
      const data =
        url +
        Object.keys(params)
          .sort()
          .map((k) => k + params[k])
          .join("");
      return toBase64(new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(data))));
    };
    const post = async (signature: string) =>
      exports.default.fetch(
        new Request(action, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature },
          body: "Digits=1",
        }),
      );
    expect((await post("forged")).status).toBe(401);
    const ok = await post(await sign(action, { Digits: "1" }));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("acknowledged");
    const alerts = (await (await call("GET", "/api/alerts", { token: tenant.admin.token })).json()) as {
      items: { status: string; acknowledgedBy: string }[];
    };
    expect(alerts.items[0]).toMatchObject({ status: "acknowledged", acknowledgedBy: manager.id });
  });

  it("posts a Standard-Webhooks-signed alert.created to a customer endpoint", async () => {
    const tenant = await createTenant();
    await addVehicles(tenant, ["W-1"]);
    const receiver = (await (await standIn("/__webhooks", { method: "POST", body: "{}" })).json()) as { id: string; url: string };
    const created = (await (
      await call("POST", "/api/integrations/webhooks", {
        token: tenant.admin.token,
        body: { url: receiver.url, events: ["alert.created"] },
      })
    ).json()) as { secret: string };
    await standIn("/__webhooks", { method: "POST", body: JSON.stringify({ id: receiver.id, secret: created.secret }) });
    await raise(tenant, oilDrop("W-1", 0));
    const [hook] = await received("webhook", { id: receiver.id });
    expect(hook!.body).toMatchObject({ type: "alert.created", data: { type: "low_oil_pressure", severity: "critical" } });
    const row = (await deliveriesOf(tenant, "&channel=webhook")).find((d) => d.status === "sent");
    expect(row!.userId).toBeNull();
  });
});
