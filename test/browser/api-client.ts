/** Calling the real API from browser tests (to seed data and to check what the server recorded). */
import { expect } from "vitest";
import type { FleetPulseContext, RoleName } from "./support";

/** A bearer token for the demo tenant's user of `role`. */
export async function apiToken(ctx: FleetPulseContext, role: RoleName = "admin"): Promise<string> {
  const res = await fetch(`${ctx.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ tenant: ctx.tenant, ...ctx.users[role] }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

/** Calls the API and returns the JSON body; fails the test on an unexpected status. */
export async function api<T = Record<string, unknown>>(
  ctx: FleetPulseContext,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  status = method === "POST" ? 201 : 200,
): Promise<T> {
  const res = await fetch(`${ctx.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  expect(res.status, `${method} ${path}: ${text}`).toBe(status);
  return (text ? JSON.parse(text) : null) as T;
}

export const apiGet = <T>(ctx: FleetPulseContext, token: string, path: string) => api<T>(ctx, token, "GET", path);
