/// <reference path="../stand-ins/env.d.ts" />
import { describe, expect, it } from "vitest";
import { addVehicles, call, createTenant, isoAt, postTelemetry, userWithRole, type TestTenant } from "./helpers";
import { driveTime, settleTenant } from "./drive";
import { prefs, staffWithPhone } from "./notification-helpers";

// The tenant's alarm and the notification queue run when a test says so (see drive.ts).
driveTime();

const dtc = (externalId: string, s: number) => ({ vehicleId: externalId, ts: isoAt(s), readings: {}, dtc: ["P0217"] });

type Decision = {
  userId: string;
  userName: string | null;
  channel: string | null;
  outcome: string;
  reason: string;
  detail: Record<string, unknown>;
  at: string;
};
async function decisionsOf(tenant: TestTenant, alertId: string, token = tenant.admin.token) {
  const res = await call("GET", `/api/alerts/${alertId}/decisions`, { token });
  return { status: res.status, items: res.status === 200 ? ((await res.json()) as { items: Decision[] }).items : [] };
}
const alertOn = async (tenant: TestTenant, vehicleId: string) =>
  (
    (await (await call("GET", "/api/alerts?limit=100", { token: tenant.admin.token })).json()) as {
      items: { id: string; vehicleId: string }[];
    }
  ).items.find((a) => a.vehicleId === vehicleId)!;

describe("explained decisions", { timeout: 30_000 }, () => {
  it("lists an alert held by quiet hours (until when) and another silenced (which silence), for staff only, 404 to another tenant", async () => {
    const tenant = await createTenant();
    const v = await addVehicles(tenant, ["D-1", "D-2"]);
    await call("PUT", "/api/settings", { token: tenant.admin.token, body: { groupWaitSeconds: 0 } });
    const allDay = { start: "00:00", end: "23:59", timeZone: "UTC" };
    const sleeper = await staffWithPhone(tenant, "manager", prefs({ high: ["inapp", "sms"] }, allDay));

    // Held: a high DTC alert inside the manager's quiet hours.
    expect((await postTelemetry(tenant, { events: [dtc("D-1", 0)] })).status).toBe(202);
    await settleTenant(tenant.id);
    const held = await alertOn(tenant, v["D-1"]!.id);
    const { items: heldItems } = await decisionsOf(tenant, held.id);
    const quiet = heldItems.find((d) => d.userId === sleeper.id && d.reason === "quiet_hours")!;
    expect(quiet).toMatchObject({ channel: "sms", outcome: "held", userName: expect.stringContaining("manager") });
    expect(Date.parse(String(quiet.detail.until))).toBeGreaterThan(Date.now());
    // Told in-app at once; not on the channels the preferences leave out.
    expect(heldItems).toContainEqual(
      expect.objectContaining({ userId: sleeper.id, channel: "inapp", outcome: "told", reason: "preference" }),
    );
    expect(heldItems).toContainEqual(
      expect.objectContaining({
        userId: sleeper.id,
        channel: null,
        outcome: "skipped",
        reason: "preference",
        detail: expect.objectContaining({ notOn: ["push", "voice", "email"] }),
      }),
    );

    // Silenced: a silence on D-2 before its alert.
    const created = await call("POST", "/api/silences", {
      token: tenant.admin.token,
      body: {
        matchers: { vehicleId: v["D-2"]!.id },
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        comment: "In the shop",
      },
    });
    const silence = (await created.json()) as { id: string };
    expect((await postTelemetry(tenant, { events: [dtc("D-2", 5)] })).status).toBe(202);
    await settleTenant(tenant.id);
    const silenced = await alertOn(tenant, v["D-2"]!.id);
    const { items: silencedItems } = await decisionsOf(tenant, silenced.id);
    expect(silencedItems.length).toBeGreaterThanOrEqual(2); // the admin and the manager
    for (const d of silencedItems)
      expect(d).toMatchObject({ channel: null, outcome: "skipped", reason: "silenced", detail: { silenceId: silence.id } });

    const technician = await userWithRole(tenant, "technician");
    expect((await decisionsOf(tenant, held.id, technician.token)).status).toBe(200);
    const driver = await userWithRole(tenant, "driver");
    expect((await decisionsOf(tenant, held.id, driver.token)).status).toBe(403);
    const other = await createTenant();
    expect((await decisionsOf(other, held.id)).status).toBe(404);
  });
});
