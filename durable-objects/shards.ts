import type { IncomingEvent, IngestResult } from "../worker/domain/telemetry";

/**
 * Ingest sharding (issue 18 point 6, docs/architecture.md "Shards"): a tenant whose telemetry is
 * more than one object takes is spread over `n` TenantHub objects by vehicle. Shard 0 is the
 * tenant's own object (`idFromName(tenantId)`) and also the room: it holds the tenant's one alert
 * sequence, the live sockets, the D1 sync and the notification work; shards 1…n-1 evaluate their
 * vehicles' telemetry and relay the alert events they record to it (shard-relay.ts).
 */

/** The shard counts a tenant may choose (`PUT /api/settings` `ingestShards`). */
export const INGEST_SHARD_COUNTS = [1, 2, 4, 8] as const;

/** Which of `shards` objects owns a vehicle, by its external id (FNV-1a, so every isolate agrees). */
export function shardOf(externalId: string, shards: number): number {
  if (shards <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < externalId.length; i++) {
    hash ^= externalId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/**
 * The object name of a shard: the tenant id itself for shard 0, so an unsharded tenant keeps its
 * object. Calls to a shard pass this name where they pass the tenant id, so an object always knows
 * which shard it is, whichever call reaches it first (`parseShardName`).
 */
export const shardName = (tenantId: string, shard: number) => (shard === 0 ? tenantId : `${tenantId}#shard-${shard}`);

export function parseShardName(name: string): { tenantId: string; shard: number } {
  const match = /^(.+)#shard-(\d+)$/.exec(name);
  return match ? { tenantId: match[1]!, shard: Number(match[2]) } : { tenantId: name, shard: 0 };
}

/** A stub of one of the tenant's hub objects. */
export const hubShard = <T extends Rpc.DurableObjectBranded | undefined>(
  namespace: DurableObjectNamespace<T>,
  tenantId: string,
  shard: number,
) => namespace.get(namespace.idFromName(shardName(tenantId, shard)));

/** Splits events by owning shard, each part in the batch's order. */
export function splitByShard<E extends { vehicleId: string }>(events: E[], shards: number): Map<number, E[]> {
  const parts = new Map<number, E[]>();
  for (const event of events) {
    const shard = shardOf(event.vehicleId, shards);
    const part = parts.get(shard);
    if (part) part.push(event);
    else parts.set(shard, [event]);
  }
  return parts;
}

/**
 * A batch across `shards` objects, in parallel: each shard takes its vehicles' events under the
 * batch's idempotency key, with the vehicle ids of the whole batch (`batchVehicleIds` when the
 * events are a part of a larger batch, as a shard passing on misrouted events has). They check the same ids, so
 * one rejects the batch only when all do and nothing is stored; a retry after a shard failed
 * stores only what is missing (the others answer duplicate).
 */
export async function ingestAcrossShards(
  events: IncomingEvent[],
  shards: number,
  ingestPart: (shard: number, part: IncomingEvent[], batchVehicleIds?: string[]) => Promise<IngestResult>,
  batchVehicleIds?: string[],
): Promise<IngestResult> {
  // One object: it checks its own events; nothing else to compute on the hot path.
  if (shards <= 1 || !events.length) return ingestPart(0, events, batchVehicleIds);
  const ids = batchVehicleIds ?? events.map((e) => e.vehicleId);
  const results = await Promise.all([...splitByShard(events, shards)].map(([shard, part]) => ingestPart(shard, part, ids)));
  const rejected = results.find((r) => !r.ok);
  if (rejected) return rejected;
  if (results.every((r) => r.ok && r.duplicate)) return { ok: true, accepted: 0, duplicate: true };
  return { ok: true, accepted: results.reduce((n, r) => n + (r.ok ? r.accepted : 0), 0) };
}
