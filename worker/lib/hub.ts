import { hubShard } from "../../durable-objects/shards";

/** The tenant's Durable Object (its room, shard 0 when its ingest is sharded), addressed by the tenant id. */
export const tenantHub = (env: Env, tenantId: string) => hubShard(env.TENANT_HUB, tenantId, 0);
