import { hubShard, ingestAcrossShards, shardName } from "../../durable-objects/shards";
import type { IncomingEvent, IngestResult } from "../domain/telemetry";
import { AppError } from "../lib/problem";
import { cachedIngestShards } from "./ingest-shards";
import { readTelemetryBody } from "../lib/telemetry-body";

/**
 * Hands validated events to the tenant's Durable Object (or, for a tenant with `ingestShards` > 1,
 * to each shard its vehicles' part, durable-objects/shards.ts), which records the batch durably
 * under `key` (the idempotency key) before answering. Shared by every vendor route.
 */
export async function ingestEvents(env: Env, tenantId: string, key: string, events: IncomingEvent[]) {
  const shards = await cachedIngestShards(env, tenantId);
  return accepted(await ingestAcross(env, tenantId, key, events, shards));
}

/**
 * A verified Standard Webhooks telemetry body (POST /webhooks/:tenantSlug/telemetry): an
 * unsharded tenant's object gets the bytes and reads them itself, which costs a copy where handing
 * over the parsed events costs serialising and rebuilding every event; a sharded tenant's batch is
 * read here, to split it.
 */
export async function ingestTelemetryBody(env: Env, tenantId: string, key: string, body: Uint8Array) {
  const shards = await cachedIngestShards(env, tenantId);
  if (shards <= 1) return accepted(await hubShard(env.TENANT_HUB, tenantId, 0).ingestBody(shardName(tenantId, 0), key, body));
  const read = readTelemetryBody(body);
  return accepted(read.ok ? await ingestAcross(env, tenantId, key, read.events, shards) : read);
}

const ingestAcross = (env: Env, tenantId: string, key: string, events: IncomingEvent[], shards: number) =>
  ingestAcrossShards(events, shards, (shard, part, batchVehicleIds) =>
    hubShard(env.TENANT_HUB, tenantId, shard).ingest(shardName(tenantId, shard), key, part, batchVehicleIds),
  );

function accepted(result: IngestResult) {
  if (!result.ok) throw new AppError("validation", result.detail ?? "The batch has invalid events; nothing was stored.", result.errors);
  return result;
}
