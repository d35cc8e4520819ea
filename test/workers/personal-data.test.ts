import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { database } from "../../worker/db/client";
import { Keyring, keyringOf } from "../../worker/lib/keyring";
import { logError } from "../../worker/lib/logger";
import { sealedAt } from "../../worker/lib/sealed-fields";
import { rotateKeys } from "../../worker/services/key-rotation";
import { createUser, findUser, openUser, sealPendingUsers } from "../../worker/services/users";
import { call, createTenant, login, PLATFORM_TOKEN, uniqueSlug } from "./helpers";

/** Personal data at rest, the keyring, rotation, GDPR export/erasure and log redaction (docs/security.md). */

/** Every text value of every table of a SQLite database, as one string. */
async function everyD1Value(): Promise<string> {
  const { results: tables } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%'",
  ).all<{ name: string }>();
  const parts: string[] = [];
  for (const { name } of tables) {
    // FTS shadow tables hold the same text as their content tables; reading them all is simplest.
    const { results } = await env.DB.prepare(`SELECT * FROM "${name}"`).all();
    parts.push(JSON.stringify(results));
  }
  return parts.join("\n");
}

function everyObjectValue(tenantId: string): Promise<string> {
  const stub = env.TENANT_HUB.get(env.TENANT_HUB.idFromName(tenantId));
  return runInDurableObject(stub, (_hub, state) => {
    const parts: string[] = [];
    const tables = state.storage.sql.exec<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    );
    for (const { name } of tables.toArray()) {
      if (name.startsWith("_cf_")) continue;
      parts.push(JSON.stringify(state.storage.sql.exec(`SELECT * FROM "${name}"`).toArray()));
    }
    return parts.join("\n");
  });
}

describe("personal data at rest", () => {
  it("stores no plain email or phone number in D1 or the tenant's object", async () => {
    const tenant = await createTenant();
    const email = `Dispatch.Person-${Date.now()}@pii-check.example`;
    const phone = "+4915112345678";
    const created = await call("POST", "/api/users", {
      token: tenant.admin.token,
      body: { email, password: "a long password", name: "Dispatch Person", role: "manager", phone },
    });
    expect(created.status).toBe(201);
    const user = (await created.json()) as { id: string; email: string; phone: string };
    expect(user.phone).toBe(phone); // the API shows them opened
    // A failed sign-in with a known and with an unknown address, and a success (throttle rows, audit rows).
    await call("POST", "/api/auth/login", { body: { tenant: tenant.slug, email, password: "wrong password" } });
    await call("POST", "/api/auth/login", { body: { tenant: tenant.slug, email: "nobody-here@pii-check.example", password: "x" } });
    const session = await login(tenant.slug, email.toUpperCase(), "a long password"); // lookup is case-insensitive
    expect(session.user.id).toBe(user.id);
    await call("PATCH", `/api/users/${user.id}`, { token: tenant.admin.token, body: { phone: "+4915187654321" } });

    const stored = `${await everyD1Value()}\n${await everyObjectValue(tenant.id)}`;
    for (const secret of [
      email,
      email.toLowerCase(),
      "nobody-here@pii-check.example",
      tenant.admin.email,
      phone,
      "+4915187654321",
      "4915112345678",
    ])
      expect(stored, secret).not.toContain(secret);
    expect(stored).toContain(user.id); // the scan did read the rows
  });

  it("refuses a ciphertext moved to another row or tenant", async () => {
    const keyring = keyringOf(env);
    const sealed = await keyring.seal("+4915112345678", sealedAt.userPhone("ten_a", "usr_1"));
    expect(await keyring.open(sealed, sealedAt.userPhone("ten_a", "usr_1"))).toBe("+4915112345678");
    await expect(keyring.open(sealed, sealedAt.userPhone("ten_a", "usr_2"))).rejects.toThrow();
    await expect(keyring.open(sealed, sealedAt.userPhone("ten_b", "usr_1"))).rejects.toThrow();
    await expect(keyring.open(sealed, sealedAt.userEmail("ten_a", "usr_1"))).rejects.toThrow();

    // Through the database: another user's phone copied onto a row does not open there.
    const tenant = await createTenant();
    const db = database(env.DB);
    const a = await createUser(db, keyring, tenant.id, {
      email: `a-${uniqueSlug()}@x.example`,
      password: "password 1",
      name: "A",
      role: "driver",
      phone: "+4915100000001",
    });
    const b = await createUser(db, keyring, tenant.id, {
      email: `b-${uniqueSlug()}@x.example`,
      password: "password 2",
      name: "B",
      role: "driver",
    });
    await env.DB.prepare("UPDATE users SET phone_enc = (SELECT phone_enc FROM users WHERE id = ?1) WHERE id = ?2").bind(a.id, b.id).run();
    await expect(openUser(keyring, (await findUser(db, tenant.id, b.id))!)).rejects.toThrow();
  });

  it("keeps every secret readable through a key rotation, and seals users still in clear", async () => {
    const db = database(env.DB);
    const oldRing = new Keyring({ ...env, PII_ACTIVE_KEY: "k1" });
    const tenant = await createTenant();
    const hooks = await call("POST", "/api/integrations/webhooks", {
      token: tenant.admin.token,
      body: { url: "https://hooks.example.com/fleet", events: ["alert.created"] },
    });
    expect(hooks.status).toBe(201);
    const user = await createUser(db, oldRing, tenant.id, {
      email: `old-${uniqueSlug()}@x.example`,
      password: "password 1",
      name: "Old",
      role: "driver",
      phone: "+4915100000009",
    });
    // Written under k1 (and one as before the keyring: plain columns, no index).
    await env.DB.prepare("UPDATE tenants SET webhook_secret_enc = ? WHERE id = ?")
      .bind(await oldRing.seal(tenant.webhookSecret, sealedAt.tenantWebhookSecret(tenant.id)), tenant.id)
      .run();
    const legacyEmail = `legacy-${uniqueSlug()}@x.example`;
    await env.DB.prepare(
      "INSERT INTO users (id, tenant_id, email, name, role, phone, password_hash) VALUES ('usr_legacy_' || ?1, ?1, ?2, 'Legacy', 'driver', '+4915100000010', 'x')",
    )
      .bind(tenant.id, legacyEmail)
      .run();

    const keyring = keyringOf(env);
    expect(keyring.activeId).toBe("k2");
    let result = await rotateKeys(env.DB, db, keyring);
    for (let i = 0; result.remaining > 0 && i < 20; i++) result = await rotateKeys(env.DB, db, keyring);
    expect(result.remaining).toBe(0);
    expect(result.failed).toBe(0);

    const rows = await env.DB.prepare("SELECT * FROM users WHERE tenant_id = ?").bind(tenant.id).all<Record<string, string | null>>();
    for (const row of rows.results) {
      expect(row.email_enc).toMatch(/^v2\.k2\./);
      expect(row.email).toBe("");
      expect(row.phone).toBeNull();
    }
    expect((await openUser(keyring, (await findUser(db, tenant.id, user.id))!)).phone).toBe("+4915100000009");
    expect((await openUser(keyring, (await findUser(db, tenant.id, `usr_legacy_${tenant.id}`))!)).email).toBe(legacyEmail);
    const t = await env.DB.prepare("SELECT webhook_secret_enc FROM tenants WHERE id = ?")
      .bind(tenant.id)
      .first<{ webhook_secret_enc: string }>();
    expect(t!.webhook_secret_enc).toMatch(/^v2\.k2\./);
    expect(await keyring.open(t!.webhook_secret_enc, sealedAt.tenantWebhookSecret(tenant.id))).toBe(tenant.webhookSecret);
    // Everyone still signs in, the rotated-in legacy user by its email.
    expect((await login(tenant.slug, tenant.admin.email, tenant.admin.password)).user.id).toBe(tenant.admin.id);
    // Nothing left in clear anywhere.
    expect(await sealPendingUsers(db, keyring)).toBe(0);
    // The endpoint answers the platform token only.
    expect((await call("POST", "/api/admin/keys/rotate", { token: tenant.admin.token })).status).toBe(401);
    const page = await call("POST", "/api/admin/keys/rotate", { token: PLATFORM_TOKEN });
    expect(await page.json()).toMatchObject({ activeKey: "k2", remaining: 0 });
  });
});

describe("GDPR export and erasure", () => {
  it("exports a person's data and erases it, both audited", async () => {
    const tenant = await createTenant();
    const email = `driver-${uniqueSlug()}@gdpr.example`;
    const res = await call("POST", "/api/users", {
      token: tenant.admin.token,
      body: { email, password: "a long password", name: "Dana Driver", role: "driver", phone: "+4915122223333" },
    });
    const { id } = (await res.json()) as { id: string };
    const driver = await login(tenant.slug, email, "a long password");
    const sub = await call("POST", "/api/push/subscriptions", {
      token: driver.token,
      body: {
        endpoint: "https://fcm.googleapis.com/fcm/send/abc",
        keys: {
          p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
          auth: "tBHItJI5svbpez7KI4CCXg",
        },
      },
    });
    expect(sub.status).toBeLessThan(300);

    const forbidden = await call("GET", `/api/users/${id}/export`, { token: driver.token });
    expect(forbidden.status).toBe(403);
    const exported = await call("GET", `/api/users/${id}/export`, { token: tenant.admin.token });
    expect(exported.status).toBe(200);
    const data = (await exported.json()) as {
      user: { email: string; phone: string };
      pushSubscriptions: unknown[];
      auditLog: { action: string }[];
    };
    expect(data.user).toMatchObject({ email, phone: "+4915122223333" });
    expect(data.pushSubscriptions).toHaveLength(1);
    expect(data.auditLog.map((a) => a.action)).toContain("auth.login");

    expect((await call("POST", `/api/users/${tenant.admin.id}/erase`, { token: tenant.admin.token })).status).toBe(409);
    const erased = await call("POST", `/api/users/${id}/erase`, { token: tenant.admin.token });
    expect(erased.status).toBe(200);
    expect(await erased.json()).toMatchObject({ userId: id, erased: true, pushSubscriptionsRemoved: 1 });

    // Sessions revoked, sign-in impossible, nothing of the person left in the tenant's answers.
    expect((await call("GET", "/api/me", { token: driver.token })).status).toBe(401);
    expect((await call("POST", "/api/auth/login", { body: { tenant: tenant.slug, email, password: "a long password" } })).status).toBe(401);
    const after = (await (await call("GET", `/api/users/${id}/export`, { token: tenant.admin.token })).json()) as {
      user: { email: string; phone: string | null; name: string; active: boolean };
      pushSubscriptions: unknown[];
    };
    expect(after.user).toMatchObject({ phone: null, name: "Erased user", active: false });
    expect(after.user.email).not.toContain("gdpr.example");
    expect(after.pushSubscriptions).toHaveLength(0);
    // The address can be registered again.
    const again = await call("POST", "/api/users", {
      token: tenant.admin.token,
      body: { email, password: "another password", name: "Dana", role: "driver" },
    });
    expect(again.status).toBe(201);

    const audit = await env.DB.prepare("SELECT action FROM audit_log WHERE tenant_id = ? AND target_id = ? ORDER BY created_at")
      .bind(tenant.id, id)
      .all<{ action: string }>();
    expect(audit.results.map((a) => a.action)).toEqual(expect.arrayContaining(["user.export", "user.erase"]));
    expect(await everyD1Value()).not.toContain("+4915122223333");
  });
});

describe("log hygiene", () => {
  afterEach(() => vi.restoreAllMocks());

  it("logs a failing D1 statement with an email bound without the email, phone or hash", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: string) => void lines.push(line));
    const db = database(env.DB);
    const { users } = await import("../../worker/db/schema");
    const email = "leak-check@pii-check.example";
    try {
      // Violates NOT NULL (no tenant): drizzle's error text carries every bound parameter.
      await db.insert(users).values({
        id: "usr_leak",
        tenantId: null as unknown as string,
        legacyEmail: email,
        name: "L",
        role: "driver",
        legacyPhone: "+4915199998888",
        passwordHash: "pbkdf2-sha256$1$c2FsdA==$aGFzaA==",
      });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).toContain(email); // what the old `String(error)` logs wrote
      logError({ job: "test", token: "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl", url: "/api/live?token=abc123" }, error);
    }
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line).toContain("NOT NULL constraint failed");
    for (const leak of [email, "+4915199998888", "pbkdf2-sha256", "eyJhbGciOiJIUzI1NiJ9", "abc123"]) expect(line).not.toContain(leak);
  });

  it("a failed request logs no bound parameters either", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: string) => void lines.push(line));
    const { logLine } = await import("../../worker/lib/logger");
    const error = new Error('Failed query: insert into "users" values (?, ?)\nparams: usr_1,someone@example.com,+4915100000000');
    const line = logLine("error", { requestId: "r1" }, error);
    expect(line).not.toContain("someone@example.com");
    expect(line).not.toContain("+4915100000000");
    expect(line).toContain("Failed query");
  });
});
