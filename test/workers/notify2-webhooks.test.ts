/// <reference path="../stand-ins/env.d.ts" />
/** Outbound webhooks fully managed (issue 14 item 7): list, patch, delete, rotate, re-enable after 410, delivery log. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { resetBreakers } from "../../worker/notifications/circuit-breaker";
import { runJob } from "../../worker/notifications/consumer";
import { driveTime } from "./drive";
import { addVehicles, call, createTenant, userWithRole, type TestTenant } from "./helpers";
import { alertInD1, customerEndpoint, giveReceiverSecret } from "./notify2-helpers";
import { deliveriesOf, failNext, received } from "./notification-helpers";

driveTime();

interface Hook {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  disabledReason: string | null;
  disabledAt: string | null;
  previousSecretValidUntil: string | null;
  secret?: string;
}

const list = async (tenant: TestTenant) =>
  ((await (await call("GET", "/api/integrations/webhooks", { token: tenant.admin.token })).json()) as { items: Hook[] }).items;

async function raiseOn(tenant: TestTenant, vehicleId: string, now = Date.now()) {
  const alertId = await alertInD1(tenant.id, vehicleId, "critical");
  await runJob(env, { type: "alert.raised", tenantId: tenant.id, alertId }, now);
  return alertId;
}

describe("outbound webhook endpoints", { timeout: 30_000 }, () => {
  it("lists without secrets, patches url/events/enabled, deletes; admins only", async () => {
    const tenant = await createTenant();
    const a = await customerEndpoint(tenant, ["alert.created"]);
    const b = await customerEndpoint(tenant, ["workorder.created", "alert.resolved"]);
    const listed = await list(tenant);
    expect(listed.map((h) => h.id).sort()).toEqual([a.hookId, b.hookId].sort());
    expect(JSON.stringify(listed)).not.toContain("whsec_");
    expect(listed.find((h) => h.id === b.hookId)).toMatchObject({ events: ["workorder.created", "alert.resolved"], enabled: true });

    const patch = (id: string, body: unknown, token = tenant.admin.token) =>
      call("PATCH", `/api/integrations/webhooks/${id}`, { token, body });
    const changed = await patch(a.hookId, { events: ["alert.updated", "alert.resolved"], url: `${a.url}?v=2` });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({ events: ["alert.updated", "alert.resolved"], url: `${a.url}?v=2` });
    const off = (await (await patch(a.hookId, { enabled: false })).json()) as Hook;
    expect(off).toMatchObject({ enabled: false, disabledReason: "Disabled by an admin" });
    expect((await patch(a.hookId, { events: ["alert.deleted"] })).status).toBe(400);
    expect((await patch(a.hookId, {})).status).toBe(400);
    expect((await patch("owh_nothing", { enabled: true })).status).toBe(404);
    const manager = await userWithRole(tenant, "manager");
    expect((await patch(a.hookId, { enabled: true }, manager.token)).status).toBe(403);
    expect((await call("GET", "/api/integrations/webhooks", { token: manager.token })).status).toBe(403);

    expect((await call("DELETE", `/api/integrations/webhooks/${a.hookId}`, { token: tenant.admin.token })).status).toBe(204);
    expect((await call("DELETE", `/api/integrations/webhooks/${a.hookId}`, { token: tenant.admin.token })).status).toBe(404);
    expect((await list(tenant)).map((h) => h.id)).toEqual([b.hookId]);
    // Another tenant sees none of it.
    const other = await createTenant();
    expect((await patch(b.hookId, { enabled: false }, other.admin.token)).status).toBe(404);
  });

  it("rotates the secret: both sign during the 24 h overlap, only the new one after it", async () => {
    resetBreakers();
    const tenant = await createTenant();
    const { "H-1": vehicle } = await addVehicles(tenant, ["H-1"]);
    const hook = await customerEndpoint(tenant, ["alert.created"]);
    const res = await call("POST", `/api/integrations/webhooks/${hook.hookId}/rotate-secret`, { token: tenant.admin.token });
    expect(res.status).toBe(200);
    const rotated = (await res.json()) as Hook;
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(hook.secret);
    const overlapEnds = Date.parse(rotated.previousSecretValidUntil!);
    expect(overlapEnds - Date.now()).toBeGreaterThan(23.9 * 3600_000);
    expect(JSON.stringify(await list(tenant))).not.toContain("whsec_");

    // During the overlap a receiver still on the old secret, and one on the new, both verify.
    await raiseOn(tenant, vehicle!.id);
    await giveReceiverSecret(hook.receiverId, rotated.secret!);
    await raiseOn(tenant, vehicle!.id);
    const during = await received("webhook", { id: hook.receiverId });
    expect(during).toHaveLength(2);
    expect(during[0]!.signature.split(" ")).toHaveLength(2);

    // After the overlap (a clock past it): the old secret no longer signs.
    const later = overlapEnds + 3600_000;
    await giveReceiverSecret(hook.receiverId, hook.secret);
    const refused = await raiseOn(tenant, vehicle!.id, later);
    const [row] = await deliveriesOf(tenant, `&alertId=${refused}&channel=webhook`);
    expect(row).toMatchObject({ status: "failed", lastError: expect.stringContaining("401") });
    await giveReceiverSecret(hook.receiverId, rotated.secret!);
    await raiseOn(tenant, vehicle!.id, later);
    const after = await received("webhook", { id: hook.receiverId });
    expect(after).toHaveLength(3);
    expect(after[2]!.signature.split(" ")).toHaveLength(1);
  });

  it("a 410 disables the endpoint with the reason shown; re-enabling sends again; the delivery log lists both", async () => {
    resetBreakers();
    const tenant = await createTenant();
    const { "H-2": vehicle } = await addVehicles(tenant, ["H-2"]);
    const hook = await customerEndpoint(tenant, ["alert.created"]);
    await failNext(`/hooks/${hook.receiverId}`, [410]);
    await raiseOn(tenant, vehicle!.id);
    const [gone] = await list(tenant);
    expect(gone).toMatchObject({ enabled: false, disabledReason: expect.stringContaining("410"), disabledAt: expect.any(String) });
    await raiseOn(tenant, vehicle!.id); // disabled: nothing planned for it
    expect(await received("webhook", { id: hook.receiverId })).toHaveLength(0);

    const enabled = await call("PATCH", `/api/integrations/webhooks/${hook.hookId}`, {
      token: tenant.admin.token,
      body: { enabled: true },
    });
    expect(await enabled.json()).toMatchObject({ enabled: true, disabledReason: null, disabledAt: null });
    await raiseOn(tenant, vehicle!.id);
    const got = await received("webhook", { id: hook.receiverId });
    expect(got).toHaveLength(1);

    // Paged one at a time (rows of the same second come in id order, so compare as a set).
    type Page = { items: { id: string; status: string; event: string; lastError: string | null }[]; nextCursor: string | null };
    const logPath = `/api/integrations/webhooks/${hook.hookId}/deliveries?limit=1`;
    const first = (await (await call("GET", logPath, { token: tenant.admin.token })).json()) as Page;
    expect(first.items).toHaveLength(1);
    const second = (await (await call("GET", `${logPath}&cursor=${first.nextCursor}`, { token: tenant.admin.token })).json()) as Page;
    const log = [...first.items, ...second.items];
    expect(log).toHaveLength(2);
    expect(log.find((d) => d.status === "sent")).toMatchObject({ id: got[0]!.webhookId, event: "alert.created" });
    expect(log.find((d) => d.status === "failed")).toMatchObject({ lastError: expect.stringContaining("410") });
    const failedOnly = await call("GET", `/api/integrations/webhooks/${hook.hookId}/deliveries?status=failed`, {
      token: tenant.admin.token,
    });
    expect(((await failedOnly.json()) as { items: unknown[] }).items).toHaveLength(1);
  });

  it("delivers alert.updated once per change to endpoints subscribed to it", async () => {
    resetBreakers();
    const tenant = await createTenant();
    const { "H-3": vehicle } = await addVehicles(tenant, ["H-3"]);
    const hook = await customerEndpoint(tenant, ["alert.updated"]);
    const alertId = await alertInD1(tenant.id, vehicle!.id, "high");
    const cleared = { type: "alert.updated" as const, tenantId: tenant.id, alertId, change: "cleared", at: new Date().toISOString() };
    await runJob(env, cleared);
    await runJob(env, cleared); // redelivered: the same message, sent once
    await runJob(env, { ...cleared, change: "reopened", at: new Date(Date.now() + 1000).toISOString() });
    const got = await received("webhook", { id: hook.receiverId });
    expect(got.map((h) => h.type)).toEqual(["alert.updated", "alert.updated"]);
    expect(new Set(got.map((h) => h.webhookId)).size).toBe(2);
    expect(got[0]!.body.data).toMatchObject({ id: alertId, status: "open" });
  });
});
