/// <reference path="../stand-ins/env.d.ts" />
import { describe, expect, it } from "vitest";
import { resetBreakers } from "../../worker/notifications/circuit-breaker";
import { addVehicles, call, createTenant, isoAt, postTelemetry, type TestTenant } from "./helpers";
import { driveTime, settleTenant } from "./drive";
import { deliveriesOf, failNext, prefs, received, staffWithPhone } from "./notification-helpers";

// The tenant's alarm and the notification queue run when a test says so (see drive.ts).
driveTime();

const oilDrop = (externalId: string, start: number) =>
  [start, start + 10].map((s) => ({ vehicleId: externalId, ts: isoAt(s), readings: { oilPressureKpa: 60 } }));

async function raise(tenant: TestTenant, events: unknown[], until?: number) {
  expect((await postTelemetry(tenant, { events })).status).toBe(202);
  await settleTenant(tenant.id, { until });
}

type Decision = { userId: string; channel: string | null; outcome: string; reason: string; detail: Record<string, unknown> };
const decisionsOf = async (tenant: TestTenant, alertId: string) =>
  ((await (await call("GET", `/api/alerts/${alertId}/decisions`, { token: tenant.admin.token })).json()) as { items: Decision[] }).items;

describe("fallback channels", { timeout: 30_000 }, () => {
  it("a critical SMS that keeps failing (500) is dead and the same message reaches the voice stand-in, recorded as a fallback", async () => {
    resetBreakers();
    const tenant = await createTenant();
    await addVehicles(tenant, ["FB-1"]);
    const put = await call("PUT", "/api/settings", { token: tenant.admin.token, body: { fallbackChannels: true } });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ groupWaitSeconds: 30, fallbackChannels: true });
    const manager = await staffWithPhone(tenant, "manager", prefs({ critical: ["sms"] }));
    await failNext("/2010-04-01/Accounts/", [500, 500, 500, 500, 500], manager.phone);

    // Retry delays are 1 s in tests: 20 s of queue time covers the SMS's five attempts and the call.
    await raise(tenant, oilDrop("FB-1", 0), Date.now() + 20_000);

    const rows = await deliveriesOf(tenant, `&userId=${manager.id}`);
    const sms = rows.find((d) => d.channel === "sms")!;
    expect(sms).toMatchObject({ status: "dead", attempts: 5 });
    expect(sms.lastError).toMatch(/500/);
    const voice = rows.find((d) => d.channel === "voice")! as (typeof rows)[number] & { fallbackOf: string; fallbackReason: string };
    expect(voice).toMatchObject({ status: "sent", fallbackOf: sms.id, fallbackReason: "dead" });
    const [call0] = await received("voice", { to: manager.phone });
    expect(JSON.stringify(call0)).toMatch(/oil pressure/i);
    expect(await received("sms", { to: manager.phone })).toHaveLength(0);

    const decisions = await decisionsOf(tenant, sms.alertId);
    const mine = decisions.filter((d) => d.userId === manager.id);
    expect(mine).toContainEqual(expect.objectContaining({ channel: "sms", outcome: "skipped", reason: "dead" }));
    expect(mine).toContainEqual(
      expect.objectContaining({
        channel: "voice",
        outcome: "told",
        reason: "fallback",
        detail: expect.objectContaining({ fallbackOf: sms.id }),
      }),
    );
    resetBreakers();
  });

  it("without the setting a dead SMS stays dead and nobody is called", async () => {
    resetBreakers();
    const tenant = await createTenant();
    await addVehicles(tenant, ["FB-2"]);
    const manager = await staffWithPhone(tenant, "manager", prefs({ critical: ["sms"] }));
    await failNext("/2010-04-01/Accounts/", [500, 500, 500, 500, 500], manager.phone);
    await raise(tenant, oilDrop("FB-2", 0), Date.now() + 20_000);
    const rows = await deliveriesOf(tenant, `&userId=${manager.id}`);
    expect(rows.find((d) => d.channel === "sms")).toMatchObject({ status: "dead" });
    expect(rows.find((d) => d.channel === "voice")).toBeUndefined();
    expect(await received("voice", { to: manager.phone })).toHaveLength(0);
    resetBreakers();
  });

  it("rejects a settings change naming an unknown or mistyped field, changing nothing", async () => {
    const tenant = await createTenant();
    const bad = await call("PUT", "/api/settings", { token: tenant.admin.token, body: { fallbackChannels: "yes", extra: 1 } });
    expect(bad.status).toBe(400);
    const problem = (await bad.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((e) => e.path).sort()).toEqual(["extra", "fallbackChannels"].sort());
    const read = await call("GET", "/api/settings", { token: tenant.admin.token });
    expect(await read.json()).toMatchObject({ groupWaitSeconds: 30, fallbackChannels: false });
  });
});
