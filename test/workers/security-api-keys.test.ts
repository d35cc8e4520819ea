import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, countRows, createTenant, userWithRole, type TestTenant } from "./helpers";

interface CreatedKey {
  id: string;
  key: string;
  prefix: string;
  scopes: string[];
}

async function newKey(tenant: TestTenant, scopes: string[], token = tenant.admin.token): Promise<CreatedKey> {
  const res = await call("POST", "/api/api-keys", { token, body: { name: `integration ${scopes.join(" ")}`, scopes } });
  expect(res.status).toBe(201);
  return (await res.json()) as CreatedKey;
}

describe("API keys (docs/security.md#api-keys)", () => {
  it("are shown once, stored as a hash, and listed without the secret", async () => {
    const tenant = await createTenant();
    const created = await newKey(tenant, ["vehicles:read", "alerts:read"]);
    expect(created.key).toMatch(/^fpk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(created.key.startsWith(created.prefix)).toBe(true);
    expect(created.scopes).toEqual(["alerts:read", "vehicles:read"]);

    const row = await env.DB.prepare("SELECT * FROM api_keys WHERE id = ?").bind(created.id).first<Record<string, unknown>>();
    // The secret is everything after "fpk_<16 hex>_"; it is base64url, so it may itself contain "_".
    const secret = created.key.slice("fpk_".length + 16 + 1);
    expect(secret).toHaveLength(43);
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(row?.key_hash).toMatch(/^[0-9a-f]{64}$/);

    const list = (await (await call("GET", "/api/api-keys", { token: tenant.admin.token })).json()) as { items: Record<string, unknown>[] };
    expect(list.items).toHaveLength(1);
    expect(JSON.stringify(list.items)).not.toContain(secret);
    expect(list.items[0]).not.toHaveProperty("key");
  });

  it("a read scope reads but cannot write (403 problem JSON, nothing stored); other resources are closed", async () => {
    const tenant = await createTenant();
    const { key } = await newKey(tenant, ["vehicles:read"]);
    expect((await call("GET", "/api/vehicles", { token: key })).status).toBe(200);

    const before = await countRows("vehicles", "tenant_id = ?", tenant.id);
    const write = await call("POST", "/api/vehicles", { token: key, body: { externalId: "K-1", name: "By key" } });
    expect(write.status).toBe(403);
    expect(write.headers.get("content-type")).toBe("application/problem+json");
    expect(await write.json()).toMatchObject({ status: 403, detail: "This API key lacks the scope vehicles:write." });
    expect(await countRows("vehicles", "tenant_id = ?", tenant.id)).toBe(before);

    // Outside its scopes, and never admin: no users, no keys, no alerts without alerts:read.
    for (const [method, path] of [
      ["GET", "/api/alerts"],
      ["GET", "/api/users"],
      ["GET", "/api/api-keys"],
      ["GET", "/api/audit"],
    ] as const) {
      expect((await call(method, path, { token: key })).status, `${method} ${path}`).toBe(403);
    }
    const mint = await call("POST", "/api/api-keys", { token: key, body: { name: "escalate", scopes: ["vehicles:write"] } });
    expect(mint.status).toBe(403);
  });

  it("a write scope writes, and the audit log names the key", async () => {
    const tenant = await createTenant();
    const { key, id } = await newKey(tenant, ["vehicles:write"]);
    const res = await call("POST", "/api/vehicles", { token: key, body: { externalId: "K-2", name: "By key" } });
    expect(res.status).toBe(201);
    expect((await call("GET", "/api/vehicles", { token: key })).status).toBe(200);

    const audit = await env.DB.prepare("SELECT actor_id AS actor, detail FROM audit_log WHERE tenant_id = ? AND action = 'vehicle.create'")
      .bind(tenant.id)
      .first<{ actor: string; detail: string }>();
    expect(audit?.actor).toBe(tenant.admin.id);
    expect(JSON.parse(audit!.detail)).toMatchObject({ apiKey: id });
  });

  it("records the last use and samples one audit row per key per minute", async () => {
    const tenant = await createTenant();
    const { key, id } = await newKey(tenant, ["vehicles:read"]);
    for (let i = 0; i < 3; i++) expect((await call("GET", "/api/vehicles", { token: key })).status).toBe(200);
    expect(await countRows("audit_log", "tenant_id = ? AND action = 'api_key.used' AND target_id = ?", tenant.id, id)).toBe(1);
    const listed = (await (await call("GET", "/api/api-keys", { token: tenant.admin.token })).json()) as {
      items: { lastUsedAt: string | null }[];
    };
    expect(listed.items[0]!.lastUsedAt).not.toBeNull();
  });

  it("revoked, forged, other-tenant and orphaned keys answer 401", async () => {
    const [tenant, other] = [await createTenant(), await createTenant()];
    const { key, id } = await newKey(tenant, ["vehicles:read"]);

    // A forged secret on a real prefix, and a key of the right shape that never existed.
    const forged = `${key.slice(0, 21)}${"A".repeat(43)}`;
    expect((await call("GET", "/api/vehicles", { token: forged })).status).toBe(401);
    expect((await call("GET", "/api/vehicles", { token: `fpk_0123456789abcdef_${"B".repeat(43)}` })).status).toBe(401);
    expect((await call("GET", "/api/vehicles", { token: "fpk_short" })).status).toBe(401);

    // Another tenant's admin neither sees nor revokes it.
    expect((await call("DELETE", `/api/api-keys/${id}`, { token: other.admin.token })).status).toBe(404);
    expect((await call("GET", "/api/vehicles", { token: key })).status).toBe(200);

    const revoked = await call("DELETE", `/api/api-keys/${id}`, { token: tenant.admin.token });
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as { revokedAt: string | null }).revokedAt).not.toBeNull();
    const after = await call("GET", "/api/vehicles", { token: key });
    expect(after.status).toBe(401);
    expect(after.headers.get("www-authenticate")).toContain("Bearer");

    // A key stops when its admin is deactivated.
    const second = await userWithRole(tenant, "admin");
    const orphan = await newKey(tenant, ["vehicles:read"], second.token);
    expect((await call("GET", "/api/vehicles", { token: orphan.key })).status).toBe(200);
    await call("PATCH", `/api/users/${second.id}`, { token: tenant.admin.token, body: { active: false } });
    expect((await call("GET", "/api/vehicles", { token: orphan.key })).status).toBe(401);
  });

  it("only admins manage keys; scopes are validated by name", async () => {
    const tenant = await createTenant();
    const manager = await userWithRole(tenant, "manager");
    const denied = await call("POST", "/api/api-keys", { token: manager.token, body: { name: "m", scopes: ["vehicles:read"] } });
    expect(denied.status).toBe(403);
    const bad = await call("POST", "/api/api-keys", { token: tenant.admin.token, body: { name: "x", scopes: ["users:write"], extra: 1 } });
    expect(bad.status).toBe(400);
    const paths = ((await bad.json()) as { errors: { path: string }[] }).errors.map((e) => e.path).sort();
    expect(paths).toEqual(["extra", "scopes.0"]);
  });
});
