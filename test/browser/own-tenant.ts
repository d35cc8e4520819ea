/** A tenant of the test's own (its settings and passwords can change without touching the demo tenant). */
import { expect } from "vitest";
import type { FleetPulseContext } from "./support";

export interface OwnTenant {
  slug: string;
  admin: { email: string; password: string };
  token: string;
}

export async function ownTenant(ctx: FleetPulseContext, platformToken: string, prefix: string): Promise<OwnTenant> {
  const slug = `${prefix}-${Date.now().toString(36)}`;
  const admin = { email: `admin@${slug}.example`, password: "correct horse battery" };
  const created = await fetch(`${ctx.url}/api/admin/tenants`, {
    method: "POST",
    headers: { authorization: `Bearer ${platformToken}`, "content-type": "application/json" },
    body: JSON.stringify({ name: `Tenant ${slug}`, slug, adminEmail: admin.email, adminPassword: admin.password }),
  });
  expect(created.status, await created.clone().text()).toBe(201);
  const login = await fetch(`${ctx.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ tenant: slug, ...admin }),
  });
  expect(login.status).toBe(200);
  return { slug, admin, token: ((await login.json()) as { token: string }).token };
}
