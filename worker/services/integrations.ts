import { and, eq } from "drizzle-orm";
import { database, type Db } from "../db/client";
import { integrations, VENDORS, type Vendor } from "../db/schema";
import type { VendorConfigs } from "../integrations/config";
import { decryptSecret, encryptSecret } from "../lib/crypto";
import { keyringOf, type Keyring } from "../lib/keyring";
import { sealedAt } from "../lib/sealed-fields";
import { tenantForWebhook } from "./tenant-lookup";

/**
 * The `integrations` table: one row per (tenant, vendor) with the vendor's credentials sealed
 * by `encryptSecret` and the vendor's progress (Geotab feed versions) in `state`.
 */

export type IntegrationState = Record<string, unknown>;

const byVendor = (tenantId: string, vendor: Vendor) => and(eq(integrations.tenantId, tenantId), eq(integrations.vendor, vendor));

/** The three vendors with whether each is configured (never the credentials). */
export async function listIntegrations(db: Db, tenantId: string) {
  const rows = await db
    .select({ vendor: integrations.vendor, updatedAt: integrations.updatedAt })
    .from(integrations)
    .where(eq(integrations.tenantId, tenantId));
  const found = new Map(rows.map((r) => [r.vendor, r.updatedAt]));
  return VENDORS.map((vendor) => ({ vendor, configured: found.has(vendor), updatedAt: found.get(vendor) ?? null }));
}

/** Reads and decrypts one vendor's credentials and state, or null when not configured. */
export async function loadIntegration<V extends Vendor>(db: Db, keyring: Keyring, tenantId: string, vendor: V) {
  const row = await db.query.integrations.findFirst({ where: byVendor(tenantId, vendor) });
  if (!row) return null;
  const config = JSON.parse(await decryptSecret(row.configEnc, keyring, sealedAt.integrationConfig(tenantId, vendor))) as VendorConfigs[V];
  return { config, state: (row.state ?? {}) as IntegrationState, updatedAt: row.updatedAt };
}

/**
 * Stores (insert or replace) a vendor's credentials. `state` is kept unless `resetState` says
 * the progress no longer applies (e.g. Geotab pointed at another database).
 */
export async function saveIntegration<V extends Vendor>(
  db: Db,
  keyring: Keyring,
  tenantId: string,
  vendor: V,
  config: VendorConfigs[V],
  options: { resetState: boolean; now?: number },
) {
  const updatedAt = options.now ?? Date.now();
  const configEnc = await encryptSecret(JSON.stringify(config), keyring, sealedAt.integrationConfig(tenantId, vendor));
  await db
    .insert(integrations)
    .values({ tenantId, vendor, configEnc, state: null, updatedAt })
    .onConflictDoUpdate({
      target: [integrations.tenantId, integrations.vendor],
      set: options.resetState ? { configEnc, updatedAt, state: null } : { configEnc, updatedAt },
    });
  forgetWebhookConfig(tenantId, vendor);
  return { updatedAt };
}

/** Progress only; `updatedAt` stays the time the credentials were configured. */
export async function saveIntegrationState(db: Db, tenantId: string, vendor: Vendor, state: IntegrationState) {
  await db.update(integrations).set({ state }).where(byVendor(tenantId, vendor));
}

export async function tenantsWithIntegration(db: Db, vendor: Vendor): Promise<string[]> {
  const rows = await db.select({ tenantId: integrations.tenantId }).from(integrations).where(eq(integrations.vendor, vendor));
  return rows.map((r) => r.tenantId);
}

/**
 * Webhook calls look the tenant (by slug) and the vendor's credentials up on every request; an
 * isolate keeps a found configuration for a few seconds to take D1 and AES off the hot path.
 * "Not configured" is never cached, and saving credentials drops this isolate's entry at once.
 */
const TTL_MS = 10_000;
const webhookCache = new Map<string, { expires: number; config: unknown }>();

export async function webhookConfig<V extends Vendor>(env: Env, slug: string, vendor: V) {
  const found = await tenantForWebhook(env, slug);
  if (!found) return null;
  const key = `${found.tenant.id}\u0000${vendor}`;
  const now = Date.now();
  const hit = webhookCache.get(key);
  if (hit && hit.expires > now) return { tenantId: found.tenant.id, config: hit.config as VendorConfigs[V] };
  const loaded = await loadIntegration(database(env.DB), keyringOf(env), found.tenant.id, vendor);
  if (!loaded) return null;
  webhookCache.set(key, { expires: now + TTL_MS, config: loaded.config });
  return { tenantId: found.tenant.id, config: loaded.config };
}

function forgetWebhookConfig(tenantId: string, vendor: Vendor) {
  webhookCache.delete(`${tenantId}\u0000${vendor}`);
}
