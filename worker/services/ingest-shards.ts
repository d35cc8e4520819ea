import { eq } from "drizzle-orm";
import { type Db, database } from "../db/client";
import { tenants } from "../db/schema";

/** How many TenantHub objects the tenant's ingest is spread over (durable-objects/shards.ts). */
export async function ingestShardCount(db: Db, tenantId: string): Promise<number> {
  const [row] = await db.select({ shards: tenants.ingestShards }).from(tenants).where(eq(tenants.id, tenantId));
  return row?.shards ?? 1;
}

export async function setIngestShardCount(db: Db, tenantId: string, shards: number) {
  await db.update(tenants).set({ ingestShards: shards }).where(eq(tenants.id, tenantId));
  cache.delete(tenantId);
}

/**
 * The count as the webhook path reads it: an isolate keeps it a few seconds, so ingest costs no
 * D1 read per batch; a change is seen within TTL_MS (at once in the isolate that made it).
 */
const TTL_MS = 10_000;
const cache = new Map<string, { expires: number; shards: Promise<number> }>();

export function cachedIngestShards(env: Env, tenantId: string): Promise<number> {
  const now = Date.now();
  const hit = cache.get(tenantId);
  if (hit && hit.expires > now) return hit.shards;
  const shards = ingestShardCount(database(env.DB), tenantId);
  cache.set(tenantId, { expires: now + TTL_MS, shards });
  shards.catch(() => cache.delete(tenantId));
  return shards;
}
