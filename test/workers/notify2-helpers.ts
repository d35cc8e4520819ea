/// <reference path="../stand-ins/env.d.ts" />
/** Helpers for the notify2-*.test.ts files: alerts written straight to D1, a customer endpoint on the stand-in. */
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { database } from "../../worker/db/client";
import { alerts } from "../../worker/db/schema";
import { call, type TestTenant } from "./helpers";
import { standIn } from "./notification-helpers";

let n = 0;

/** An open alert in D1 only (planning reads D1), so no object alarm plans it meanwhile. */
export async function alertInD1(
  tenantId: string,
  vehicleId: string,
  severity: "critical" | "high" | "medium" | "low",
  type = "coolant_temp",
  message = `Coolant 101 °C > 100 (${severity})`,
) {
  const id = `alr_n2${Date.now().toString(36)}${(++n).toString(36)}`;
  const now = Date.now();
  await database(env.DB).insert(alerts).values({
    id,
    tenantId,
    seq: 1,
    vehicleId,
    ruleId: null,
    type,
    severity,
    status: "open",
    message,
    value: 101,
    occurrences: 1,
    createdAt: now,
    lastSeenAt: now,
  });
  return id;
}

/** Resolves the alert in D1 as the object's sync would (the cancel trigger fires). */
export async function resolveInD1(alertId: string, resolvedBy: string | null, at = Date.now()) {
  await database(env.DB).update(alerts).set({ status: "resolved", resolvedAt: at, resolvedBy }).where(eq(alerts.id, alertId));
  return new Date(at).toISOString();
}

/** A stand-in receiver registered as the tenant's endpoint for `events`, knowing the issued secret. */
export async function customerEndpoint(tenant: TestTenant, events: string[]) {
  const receiver = (await (await standIn("/__webhooks", { method: "POST", body: "{}" })).json()) as { id: string; url: string };
  const res = await call("POST", "/api/integrations/webhooks", { token: tenant.admin.token, body: { url: receiver.url, events } });
  if (res.status !== 201) throw new Error(`webhook: ${res.status} ${await res.text()}`);
  const created = (await res.json()) as { id: string; secret: string };
  await giveReceiverSecret(receiver.id, created.secret);
  return { receiverId: receiver.id, url: receiver.url, hookId: created.id, secret: created.secret };
}

/** The receiver verifies with this secret from now on. */
export const giveReceiverSecret = (receiverId: string, secret: string) =>
  standIn("/__webhooks", { method: "POST", body: JSON.stringify({ id: receiverId, secret }) });
