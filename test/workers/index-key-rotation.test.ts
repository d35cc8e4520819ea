import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { database } from "../../worker/db/client";
import { Keyring, keyringOf } from "../../worker/lib/keyring";
import { rotateKeys } from "../../worker/services/key-rotation";
import { createUser, findUserByEmail } from "../../worker/services/users";
import { createTenant, login, uniqueSlug } from "./helpers";

/**
 * Blind-index key rotation (docs/security.md, "Personal data"): the test secrets know index keys
 * i1, i2 (active) and the legacy single key i0 (PII_INDEX_KEY, indexes without a key id).
 */
describe("blind-index key rotation", () => {
  it("finds rows under old index keys before and after re-indexing them, after which the old keys can go", async () => {
    const db = database(env.DB);
    const tenant = await createTenant();
    const underI1 = new Keyring({ ...env, PII_INDEX_ACTIVE: "i1" });
    const underLegacy = new Keyring({ ...env, PII_INDEX_KEYS: undefined, PII_INDEX_ACTIVE: undefined });
    const people = [
      { ring: underI1, email: `one-${uniqueSlug()}@x.example`, stored: /^i1\.[A-Za-z0-9_-]{43}$/ },
      { ring: underLegacy, email: `legacy-${uniqueSlug()}@x.example`, stored: /^[A-Za-z0-9_-]{43}$/ },
    ];
    for (const person of people) {
      const user = await createUser(db, person.ring, tenant.id, { email: person.email, password: "password 1", name: "P", role: "driver" });
      const row = await env.DB.prepare("SELECT email_index FROM users WHERE id = ?").bind(user.id).first<{ email_index: string }>();
      expect(row!.email_index).toMatch(person.stored);
      // Sign-in (under i2) finds it by the old key, before any rotation.
      expect((await login(tenant.slug, person.email.toUpperCase(), "password 1")).user.id).toBe(user.id);
    }
    // The unique index cannot see across keys: creating the same address again is still refused.
    const keyring = keyringOf(env);
    await expect(
      createUser(db, keyring, tenant.id, { email: people[0]!.email, password: "password 2", name: "Q", role: "driver" }),
    ).rejects.toThrow(/already exists/);

    let result = await rotateKeys(env.DB, db, keyring);
    for (let i = 0; result.remaining > 0 && i < 20; i++) result = await rotateKeys(env.DB, db, keyring);
    expect(result).toMatchObject({ activeIndexKey: "i2", remaining: 0, failed: 0 });

    const { results } = await env.DB.prepare("SELECT email_index FROM users").all<{ email_index: string }>();
    expect(results.length).toBeGreaterThanOrEqual(3);
    for (const row of results) expect(row.email_index).toMatch(/^i2\.[A-Za-z0-9_-]{43}$/);

    // Still found by sign-in, and by a Worker that no longer has i1 or PII_INDEX_KEY.
    const onlyI2 = new Keyring({
      ...env,
      PII_INDEX_KEYS: JSON.stringify({ i2: JSON.parse(env.PII_INDEX_KEYS!).i2 }),
      PII_INDEX_KEY: undefined,
    });
    for (const person of people) {
      const signedIn = await login(tenant.slug, person.email, "password 1");
      expect((await findUserByEmail(db, onlyI2, tenant.id, person.email))?.id).toBe(signedIn.user.id);
    }
    expect((await findUserByEmail(db, onlyI2, tenant.id, tenant.admin.email))?.id).toBe(tenant.admin.id);
  });
});
