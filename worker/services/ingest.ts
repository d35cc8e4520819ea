import { hubShard, ingestAcrossShards, shardName } from "../../durable-objects/shards";
import type { IncomingEvent } from "../domain/telemetry";
import { AppError } from "../lib/problem";
import { cachedIngestShards } from "./ingest-shards";

/**
 * Hands validated events to the tenant's Durable Object (or, for a tenant with `ingestShards` > 1,
 * to each shard its vehicles' part, durable-objects/shards.ts), which records the batch durably
 * under `key` (the idempotency key) before answering. Shared by every vendor route.
 */
export async function ingestEvents(env: Env, tenantId: string, key: string, events: IncomingEvent[]) {
  const shards = await cachedIngestShards(env, tenantId);
  const result = await ingestAcrossShards(events, shards, (shard, part, batchVehicleIds) =>
    hubShard(env.TENANT_HUB, tenantId, shard).ingest(shardName(tenantId, shard), key, part, batchVehicleIds),
  );
  if (!result.ok) throw new AppError("validation", "The batch has invalid events; nothing was stored.", result.errors);
  return result;
}
