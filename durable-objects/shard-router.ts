/**
 * The room's side of ingest sharding (shards.ts): which shard owns a vehicle or raised an alert,
 * and calls on the others, each addressed by its shard name. Only the room routes: on a shard
 * every answer is "this object".
 */
import type { IncomingEvent, IngestResult } from "../worker/domain/telemetry";
import { originOf } from "./shard-relay";
import { hubShard, shardName, shardOf } from "./shards";
import type { TenantDirectory } from "./tenant-directory";

/** Another of the tenant's hub objects. */
export type ShardStub = ReturnType<Env["TENANT_HUB"]["get"]>;
/** A call on one shard: its stub and the name to pass where the tenant id goes. */
export type ShardCall<T> = (stub: ShardStub, name: string) => Promise<T>;

export interface ShardRouterDeps {
  namespace: Env["TENANT_HUB"];
  sql: SqlStorage;
  tenantId: () => string;
  /** Which shard this object is (0: the room). */
  shard: () => number;
  directory: () => TenantDirectory;
}

export class ShardRouter {
  constructor(private readonly deps: ShardRouterDeps) {}

  /** Runs `call` on shard `shard` (0 is the room). */
  on<T>(shard: number, call: ShardCall<T>): Promise<T> {
    const tenantId = this.deps.tenantId();
    return call(hubShard(this.deps.namespace, tenantId, shard), shardName(tenantId, shard));
  }

  /** Runs `call` on every other shard of the tenant (of `count` shards, else of the current count); none from a shard. */
  async each<T>(call: ShardCall<T>, count = 1): Promise<T[]> {
    if (this.deps.shard()) return [];
    const shards = Math.max(count, await this.deps.directory().shards());
    return await Promise.all(Array.from({ length: shards - 1 }, (_, i) => this.on(i + 1, call)));
  }

  /** Which shard raised an alert (0: this object). */
  originOf(alertId: string): number {
    return this.deps.shard() ? 0 : originOf(this.deps.sql, alertId);
  }

  /** The shard that owns each vehicle (0: this object). */
  async ownersOf(vehicleIds: string[]): Promise<Map<number, string[]>> {
    const owners = new Map<number, string[]>();
    const shards = this.deps.shard() ? 1 : await this.deps.directory().shards();
    const { byId } = shards > 1 ? await this.deps.directory().vehicles() : { byId: undefined };
    for (const id of vehicleIds) {
      const vehicle = byId?.get(id);
      const owner = vehicle ? shardOf(vehicle.externalId, shards) : 0;
      const ids = owners.get(owner);
      if (ids) ids.push(id);
      else owners.set(owner, [id]);
    }
    return owners;
  }

  async ownerOf(vehicleId: string): Promise<number> {
    return [...(await this.ownersOf([vehicleId])).keys()][0]!;
  }

  /** Hands a part of a batch to shard `shard` under `key`, with the whole batch's vehicle ids. */
  ingest(shard: number, key: string, part: IncomingEvent[], batchVehicleIds?: string[]): Promise<IngestResult> {
    return this.on(shard, async (stub, name) => await stub.ingest(name, key, part, batchVehicleIds));
  }
}
