import type { Tenant } from "../db/schema";
import { database } from "../db/client";
import { keyringOf } from "../lib/keyring";
import { activeWebhookSecrets, findTenantBySlug } from "./tenants";

/**
 * Webhook calls look the tenant and its decrypted secrets up by slug on every request; an
 * isolate keeps them for a few seconds to take D1 and AES off the hot path. A rotated secret
 * is seen within TTL_MS (the old one keeps verifying for 24 h anyway).
 */
const TTL_MS = 10_000;
const cache = new Map<string, { expires: number; entry: Promise<{ tenant: Tenant; secrets: string[] } | null> }>();

export function tenantForWebhook(env: Env, slug: string) {
  const now = Date.now();
  const hit = cache.get(slug);
  if (hit && hit.expires > now) return hit.entry;
  const entry = (async () => {
    const tenant = await findTenantBySlug(database(env.DB), slug);
    return tenant ? { tenant, secrets: await activeWebhookSecrets(tenant, keyringOf(env), now) } : null;
  })();
  cache.set(slug, { expires: now + TTL_MS, entry });
  entry.catch(() => cache.delete(slug));
  return entry;
}
