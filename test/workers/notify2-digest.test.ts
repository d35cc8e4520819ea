/// <reference path="../stand-ins/env.d.ts" />
/** Digests (issue 14 item 6): non-critical notifications gathered per channel per window; critical never held. */
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { database } from "../../worker/db/client";
import { alerts } from "../../worker/db/schema";
import { runJob } from "../../worker/notifications/consumer";
import { drainQueue, driveTime, heldMessages } from "./drive";
import { addVehicles, createTenant } from "./helpers";
import { alertInD1 } from "./notify2-helpers";
import { deliveriesOf, received, staffWithPhone } from "./notification-helpers";

driveTime();

describe("digests", { timeout: 30_000 }, () => {
  it("gathers three medium alerts into one SMS naming each; critical goes out at once; an acknowledged one drops out", async () => {
    const tenant = await createTenant();
    const vehicles = await addVehicles(tenant, ["D-1", "D-2"]);
    const channels = { critical: ["sms"], high: ["sms"], medium: ["sms"], low: [] };
    const manager = await staffWithPhone(tenant, "manager", { channels, quietHours: null, digestMinutes: 10 });
    const raise = async (vehicle: string, severity: "critical" | "medium", type: string) => {
      const alertId = await alertInD1(tenant.id, vehicles[vehicle]!.id, severity, type, `${type} reading`);
      await runJob(env, { type: "alert.raised", tenantId: tenant.id, alertId });
      return alertId;
    };
    const start = Date.now();
    await raise("D-1", "medium", "coolant_temp");
    await raise("D-2", "medium", "battery_low");
    const acked = await raise("D-1", "medium", "tire_pressure");
    await raise("D-2", "critical", "oil_pressure");
    await raise("D-2", "medium", "harsh_braking");

    // Critical: sent at once, on its own.
    const now = await received("sms", { to: manager.phone });
    expect(now.map((m) => m.body)).toEqual([expect.stringMatching(/^CRITICAL: Unit D-2 — oil_pressure/)]);
    // One digest row held for the window, naming all four medium alerts so far.
    const held = (await deliveriesOf(tenant, `&userId=${manager.id}&channel=sms&status=queued`)).filter((d) => d.step === 0);
    expect(held).toHaveLength(1);
    expect(Date.parse(held[0]!.dueAt!)).toBeGreaterThanOrEqual(start + 10 * 60_000);
    expect(heldMessages(tenant.id)).toHaveLength(1);

    await database(env.DB).update(alerts).set({ status: "acknowledged", acknowledgedAt: Date.now() }).where(eq(alerts.id, acked));
    await drainQueue({ until: Date.now() + 11 * 60_000 });

    const all = await received("sms", { to: manager.phone });
    expect(all).toHaveLength(2);
    const digest = all[1]!.body as string;
    expect(digest).toMatch(/^Digest: 3 alerts/);
    for (const named of ["Unit D-1 — coolant_temp", "Unit D-2 — battery_low", "Unit D-2 — harsh_braking"]) expect(digest).toContain(named);
    expect(digest).not.toContain("tire_pressure");
  });

  it("a retried job whose earlier run joined the digest but recorded nothing names its alert once", async () => {
    const tenant = await createTenant();
    const vehicles = await addVehicles(tenant, ["D-4", "D-5"]);
    const channels = { critical: [], high: [], medium: ["sms"], low: [] };
    const manager = await staffWithPhone(tenant, "manager", { channels, quietHours: null, digestMinutes: 10 });
    const opening = await alertInD1(tenant.id, vehicles["D-4"]!.id, "medium", "coolant_temp");
    await runJob(env, { type: "alert.raised", tenantId: tenant.id, alertId: opening });
    const joining = await alertInD1(tenant.id, vehicles["D-5"]!.id, "medium", "battery_low");
    await runJob(env, { type: "alert.raised", tenantId: tenant.id, alertId: joining });
    // As if that run had stopped after its join, before its decisions were written: the retry finds no trace of it.
    await env.DB.prepare("DELETE FROM alert_decisions WHERE tenant_id = ? AND alert_id = ?").bind(tenant.id, joining).run();
    await runJob(env, { type: "alert.raised", tenantId: tenant.id, alertId: joining }, Date.now(), 2);
    await drainQueue({ until: Date.now() + 11 * 60_000 });
    const [digest] = await received("sms", { to: manager.phone });
    expect(digest!.body.match(/battery_low/g)).toHaveLength(1);
    expect(digest!.body.match(/coolant_temp/g)).toHaveLength(1);
  });

  it("never digests for a user without digestMinutes", async () => {
    const tenant = await createTenant();
    const vehicles = await addVehicles(tenant, ["D-3"]);
    const channels = { critical: [], high: [], medium: ["sms"], low: [] };
    const manager = await staffWithPhone(tenant, "manager", { channels, quietHours: null, digestMinutes: 0 });
    const alertId = await alertInD1(tenant.id, vehicles["D-3"]!.id, "medium");
    await runJob(env, { type: "alert.raised", tenantId: tenant.id, alertId });
    await drainQueue({ until: Date.now() + 5 * 60_000 });
    const got = await received("sms", { to: manager.phone });
    expect(got.map((m) => m.body)).toEqual([expect.stringMatching(/^MEDIUM: Unit D-3/)]);
  });
});
