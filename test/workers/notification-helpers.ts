/// <reference path="../stand-ins/env.d.ts" />
import { env } from "cloudflare:workers";
import { call, type TestTenant } from "./helpers";

let counter = 0;
export const uniquePhone = () => `+1666${String(Date.now() % 100_000).padStart(5, "0")}${String(counter++ % 100).padStart(2, "0")}`;

export const standIn = (path: string, init?: RequestInit) => fetch(`${env.STAND_IN_URL}${path}`, init);

export async function received(kind: "push" | "sms" | "voice" | "email" | "webhook", filter: { id?: string; to?: string }) {
  const res = await standIn(`/__received?${new URLSearchParams({ kind, ...filter })}`);
  return ((await res.json()) as { received: Record<string, any>[] }).received;
}

/** A push subscription at the stand-in push service, registered for the user; `id` filters `received("push", …)`. */
export async function subscribePush(token: string) {
  const subscription = (await (await standIn("/__push/subscriptions", { method: "POST" })).json()) as { endpoint: string };
  const res = await call("POST", "/api/push/subscriptions", { token, body: subscription });
  if (res.status !== 201) throw new Error(`push subscription: ${res.status} ${await res.text()}`);
  return { endpoint: subscription.endpoint, id: subscription.endpoint.split("/").pop()! };
}

export async function failNext(path: string, statuses: number[], to?: string) {
  await standIn("/__fail", { method: "POST", body: JSON.stringify({ path, statuses, ...(to ? { to } : {}) }) });
}

export interface DeliveryJson {
  id: string;
  alertId: string;
  userId: string | null;
  channel: string;
  step: number;
  status: string;
  attempts: number;
  lastError: string | null;
  dueAt: string | null;
}

export async function deliveriesOf(tenant: TestTenant, query = "") {
  const res = await call("GET", `/api/notifications?limit=500${query}`, { token: tenant.admin.token });
  return ((await res.json()) as { items: DeliveryJson[] }).items;
}

export async function staffWithPhone(tenant: TestTenant, role: "manager" | "technician" | "admin", prefs?: unknown) {
  const phone = uniquePhone();
  const email = `${role}-${phone.slice(1)}@${tenant.slug}.example`;
  const res = await call("POST", "/api/users", {
    token: tenant.admin.token,
    body: { email, password: "a long enough password", name: `${role} ${phone}`, role, phone },
  });
  const user = (await res.json()) as { id: string };
  const login = (await (
    await call("POST", "/api/auth/login", { body: { tenant: tenant.slug, email, password: "a long enough password" } })
  ).json()) as { token: string };
  if (prefs) {
    const put = await call("PUT", "/api/me/preferences", { token: login.token, body: prefs });
    if (put.status !== 200) throw new Error(`prefs: ${put.status} ${await put.text()}`);
  }
  return { id: user.id, phone, email, token: login.token };
}

export const prefs = (channels: Partial<Record<"critical" | "high" | "medium" | "low", string[]>>, quietHours: unknown = null) => ({
  channels: { critical: [], high: [], medium: [], low: [], ...channels },
  quietHours,
  digestMinutes: 0,
});
