import { eq } from "drizzle-orm";
import { alertRules, tenants, users } from "../db/schema";
import { isUniqueViolation, type Db } from "../db/client";
import { decryptSecret, encryptSecret, newWebhookSecret } from "../lib/crypto";
import type { Keyring } from "../lib/keyring";
import { sealedAt } from "../lib/sealed-fields";
import { newId } from "../lib/ids";
import { hashPassword } from "../lib/password";
import { AppError } from "../lib/problem";
import { defaultRuleRows } from "./rules";
import { newUserRow } from "./users";

/** How long a rotated-out webhook secret keeps verifying, so vendors can switch over. */
export const SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;

export interface NewTenant {
  name: string;
  slug: string;
  adminEmail: string;
  adminPassword: string;
}

/** Creates the tenant, its first admin and the default rules in one batch; the webhook secret is returned once. */
export async function createTenant(db: Db, keyring: Keyring, input: NewTenant) {
  const tenantId = newId("ten");
  const adminId = newId("usr");
  const webhookSecret = newWebhookSecret();
  const [webhookSecretEnc, passwordHash] = await Promise.all([
    encryptSecret(webhookSecret, keyring, sealedAt.tenantWebhookSecret(tenantId)),
    hashPassword(input.adminPassword),
  ]);
  try {
    await db.batch([
      db.insert(tenants).values({ id: tenantId, slug: input.slug, name: input.name, webhookSecretEnc }),
      db
        .insert(users)
        .values(
          await newUserRow(keyring, tenantId, { email: input.adminEmail, name: "Administrator", role: "admin", passwordHash }, adminId),
        ),
      db.insert(alertRules).values(defaultRuleRows(tenantId)),
    ]);
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("conflict", `A tenant with slug "${input.slug}" already exists.`);
    throw error;
  }
  return { tenant: { id: tenantId, slug: input.slug, name: input.name }, adminId, webhookSecret };
}

export const findTenantBySlug = (db: Db, slug: string) => db.query.tenants.findFirst({ where: eq(tenants.slug, slug) });

/** Replaces the webhook secret; the old one stays valid for `SECRET_OVERLAP_MS`. */
export async function rotateWebhookSecret(db: Db, keyring: Keyring, tenantId: string, now = Date.now()) {
  const tenant = await db.query.tenants.findFirst({ where: eq(tenants.id, tenantId) });
  if (!tenant) throw new AppError("not_found");
  const webhookSecret = newWebhookSecret();
  const previousValidUntil = now + SECRET_OVERLAP_MS;
  await db
    .update(tenants)
    .set({
      webhookSecretEnc: await encryptSecret(webhookSecret, keyring, sealedAt.tenantWebhookSecret(tenantId)),
      previousWebhookSecretEnc: tenant.webhookSecretEnc,
      previousSecretExpiresAt: previousValidUntil,
    })
    .where(eq(tenants.id, tenantId));
  return { webhookSecret, previousValidUntil };
}

/** The secrets a signed webhook may be verified with right now (current first). */
export async function activeWebhookSecrets(tenant: typeof tenants.$inferSelect, keyring: Keyring, now = Date.now()) {
  const secrets = [await decryptSecret(tenant.webhookSecretEnc, keyring, sealedAt.tenantWebhookSecret(tenant.id))];
  if (tenant.previousWebhookSecretEnc && (tenant.previousSecretExpiresAt ?? 0) > now) {
    secrets.push(await decryptSecret(tenant.previousWebhookSecretEnc, keyring, sealedAt.tenantWebhookSecret(tenant.id)));
  }
  return secrets;
}
