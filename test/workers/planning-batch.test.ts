/// <reference path="../stand-ins/env.d.ts" />
/**
 * A queue batch's new alerts of one tenant are planned together (raise-planning.ts): one D1 read
 * batch and one write batch for all of them, the same messages as one by one (a second alert of a
 * vehicle joins the first's group, a digest takes both), and one alert's failure never holds the
 * others back. Escalation steps and resolves' notices likewise (escalation-planning.ts, resolved.ts).
 */
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { database } from "../../worker/db/client";
import { alertDecisions, deliveries, inboxItems } from "../../worker/db/schema";
import { countD1Writes } from "./d1-writes";
import { drainQueue, driveTime } from "./drive";
import { addVehicles, call, createTenant, userWithRole } from "./helpers";
import { consume, openAlert, withBindings } from "./notify-helpers";
import { alertInD1, resolveInD1 } from "./notify2-helpers";
import { prefs, received, staffWithPhone } from "./notification-helpers";

driveTime();

const raised = (tenantId: string, alertId: string) => ({ type: "alert.raised", tenantId, alertId });
/** Escalation step 1: the managers, in the app. */
const managersStep = (tenantId: string, alertId: string) => ({
  type: "alert.escalated",
  tenantId,
  alertId,
  step: 1,
  roles: ["manager"],
  channels: ["inapp"],
});

/** Rows of one tenant's deliveries for a user and channel at step 0. */
const rowsOf = (tenantId: string, userId: string, channel: "sms" | "inapp") =>
  database(env.DB)
    .select()
    .from(deliveries)
    .where(and(eq(deliveries.tenantId, tenantId), eq(deliveries.userId, userId), eq(deliveries.channel, channel), eq(deliveries.step, 0)));

/**
 * Consumes the first job alone, then the other five as one batch: the five cost the D1 round trips
 * of the one (its reads, its writes) and are all acknowledged.
 */
async function expectFiveCostOne(jobs: unknown[]) {
  const one = await countD1Writes(async () => void (await consume(jobs.slice(0, 1))));
  let result: Awaited<ReturnType<typeof consume>> | undefined;
  const five = await countD1Writes(async () => void (result = await consume(jobs.slice(1))));
  expect(one.calls).toBe(2);
  expect(five.calls).toBe(one.calls);
  expect(result!.explicitAcks).toHaveLength(5);
}

/** The alerts a user's inbox items name, sorted (`resolved`: the resolves' notices only). */
async function inboxAlerts(userId: string, resolved = false) {
  const items = await database(env.DB).select().from(inboxItems).where(eq(inboxItems.userId, userId));
  return items
    .filter((i) => (i.topic === "alert.resolved") === resolved)
    .map((i) => i.alertId)
    .sort();
}

const namedIn = (row: { message: unknown }) => ((row.message as { alerts: { id: string }[] }).alerts ?? []).map((a) => a.id).sort();

describe("planning a batch of new alerts together", { timeout: 30_000 }, () => {
  it("five alerts on five vehicles cost the D1 round trips of one, and each is planned as on its own", async () => {
    const tenant = await createTenant();
    const manager = await userWithRole(tenant, "manager");
    const vehicles = await addVehicles(tenant, ["B-0", "B-1", "B-2", "B-3", "B-4", "B-5"]);
    const ids = await Promise.all(Object.values(vehicles).map((v) => alertInD1(tenant.id, v.id, "high")));
    await expectFiveCostOne(ids.map((id) => raised(tenant.id, id)));
    // Every alert told the manager in the app, once.
    expect(await inboxAlerts(manager.id)).toEqual([...ids].sort());
  });

  it("a second alert of a vehicle in the same batch joins the first's group message", async () => {
    const tenant = await createTenant();
    const vehicles = await addVehicles(tenant, ["G-1"]);
    const manager = await staffWithPhone(tenant, "manager", prefs({ medium: ["sms"] }));
    const first = await alertInD1(tenant.id, vehicles["G-1"]!.id, "medium", "coolant_temp");
    const second = await alertInD1(tenant.id, vehicles["G-1"]!.id, "medium", "battery_low");
    const result = await consume([raised(tenant.id, first), raised(tenant.id, second)]);
    expect(result.explicitAcks).toHaveLength(2);

    const rows = await rowsOf(tenant.id, manager.id, "sms");
    expect(rows).toHaveLength(1);
    expect(namedIn(rows[0]!)).toEqual([first, second].sort());
    await drainQueue({ until: Date.now() + 10 * 60_000 });
    const sms = await received("sms", { to: manager.phone });
    expect(sms).toHaveLength(1);
    expect(sms[0]!.body).toContain("coolant_temp");
    expect(sms[0]!.body).toContain("battery_low");
  });

  it("two vehicles' alerts in the same batch reach a user who digests in one digest", async () => {
    const tenant = await createTenant();
    const vehicles = await addVehicles(tenant, ["H-1", "H-2"]);
    const manager = await staffWithPhone(tenant, "manager", { ...prefs({ medium: ["sms"] }), digestMinutes: 10 });
    const first = await alertInD1(tenant.id, vehicles["H-1"]!.id, "medium", "coolant_temp");
    const second = await alertInD1(tenant.id, vehicles["H-2"]!.id, "medium", "battery_low");
    await consume([raised(tenant.id, first), raised(tenant.id, second)]);

    const rows = await rowsOf(tenant.id, manager.id, "sms");
    expect(rows).toHaveLength(1);
    expect(namedIn(rows[0]!)).toEqual([first, second].sort());
    await drainQueue({ until: Date.now() + 11 * 60_000 });
    const sms = await received("sms", { to: manager.phone });
    expect(sms.map((m) => m.body)).toEqual([expect.stringMatching(/^Digest: 2 alerts/)]);
  });

  it("an alert whose planning fails is retried on its own; the others of its batch are planned and acknowledged", async () => {
    const tenant = await createTenant();
    const manager = await userWithRole(tenant, "manager");
    const vehicles = await addVehicles(tenant, ["F-1", "F-2", "F-3"]);
    const [poisoned, ...healthy] = await Promise.all(["F-1", "F-2", "F-3"].map((v) => alertInD1(tenant.id, vehicles[v]!.id, "high")));
    // D1 refuses every batch with a statement about the poisoned alert (as a row it cannot take would).
    const about = (s: unknown) => ((s as { params?: unknown[] }).params ?? []).includes(poisoned);
    const DB = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "batch")
          return (stmts: D1PreparedStatement[]) =>
            stmts.some(about) ? Promise.reject(new Error("D1_ERROR: injected fault")) : target.batch(stmts);
        const value = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const result = await consume(
      [poisoned!, ...healthy].map((id) => raised(tenant.id, id)),
      withBindings({ DB }),
    );
    expect(result.explicitAcks).toHaveLength(2);
    expect(result.retryMessages).toHaveLength(1);
    expect(await inboxAlerts(manager.id)).toEqual([...healthy].sort());
  });

  it("escalation steps of five alerts cost the D1 round trips of one", async () => {
    const tenant = await createTenant();
    const manager = await userWithRole(tenant, "manager");
    const vehicles = await addVehicles(tenant, ["E-0", "E-1", "E-2", "E-3", "E-4", "E-5"]);
    const ids = await Promise.all(Object.values(vehicles).map((v) => openAlert(tenant.id, v.id)));
    await expectFiveCostOne(ids.map((id) => managersStep(tenant.id, id)));
    expect(await inboxAlerts(manager.id)).toEqual([...ids].sort());
  });

  it("a step scoped to groups, planned with another alert's: only the alert of a vehicle in them is escalated", async () => {
    const tenant = await createTenant();
    const manager = await userWithRole(tenant, "manager");
    const north = await addVehicles(tenant, ["N-1"], { groups: ["depot-north"] });
    const south = await addVehicles(tenant, ["S-1"], { groups: ["depot-south"] });
    const steps = [{ afterMinutes: 5, roles: ["manager"], channels: ["inapp"], groups: ["depot-north"] }];
    expect((await call("PUT", "/api/escalation-policies/critical", { token: tenant.admin.token, body: { steps } })).status).toBe(200);
    const inNorth = await openAlert(tenant.id, north["N-1"]!.id);
    const inSouth = await openAlert(tenant.id, south["S-1"]!.id);
    expect((await consume([managersStep(tenant.id, inSouth), managersStep(tenant.id, inNorth)])).explicitAcks).toHaveLength(2);

    expect(await inboxAlerts(manager.id)).toEqual([inNorth]);
    const decided = await database(env.DB).select().from(alertDecisions).where(eq(alertDecisions.alertId, inSouth));
    expect(decided).toEqual([expect.objectContaining({ userId: manager.id, outcome: "skipped", reason: "group_scope" })]);
  });

  it("resolves' notices of five alerts cost the D1 round trips of one; each told once", async () => {
    const tenant = await createTenant();
    const manager = await userWithRole(tenant, "manager");
    const vehicles = await addVehicles(tenant, ["R-0", "R-1", "R-2", "R-3", "R-4", "R-5"]);
    const ids = await Promise.all(Object.values(vehicles).map((v) => alertInD1(tenant.id, v.id, "high")));
    await consume(ids.map((id) => raised(tenant.id, id))); // told in the app of each
    const resolved = async (alertId: string) => ({
      type: "alert.resolved",
      tenantId: tenant.id,
      alertId,
      resolvedAt: await resolveInD1(alertId, null),
      resolvedBy: null,
    });
    await expectFiveCostOne(await Promise.all(ids.map(resolved)));
    expect(await inboxAlerts(manager.id, true)).toEqual([...ids].sort());
  });
});
