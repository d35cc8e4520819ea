/**
 * One object's side of a change of the tenant's shard count (shard-handoff.ts says what moves):
 * the room runs the change over every shard in turn; a shard hands its leaving vehicles over and
 * takes the arriving ones; each then follows the count it was handed (ownership, routing) and
 * passes on telemetry that a Worker still on the old count sends it.
 */
import type { IncomingEvent, IngestResult } from "../worker/domain/telemetry";
import { idChunks } from "../worker/lib/id-chunks";
import type { HubMeta } from "./hub-meta";
import type { VehicleRef } from "./hub-ports";
import type { ReadingsStore } from "./readings-store";
import {
  adoptHandoff,
  collectHandoff,
  forgetHandedOver,
  HANDED_COUNT,
  HANDOFF_VEHICLES,
  type HandOverAnswer,
  type HandoffParts,
  leaving,
  SHARDS_EVER,
  type VehicleHandoff,
} from "./shard-handoff";
import { type RelayedEvent, setOrigin, unrelayed } from "./shard-relay";
import type { ShardRouter } from "./shard-router";
import { ingestAcrossShards, shardOf } from "./shards";

export interface ShardMovesDeps {
  ctx: DurableObjectState;
  meta: HubMeta;
  parts: HandoffParts;
  readings: ReadingsStore;
  shards: ShardRouter;
  /** Which shard this object is (0: the room). */
  shard: () => number;
  /** Logs (and streams or relays) every held continuing-episode update. */
  flushHeld: () => Promise<void>;
  /** Room: records a shard's relayed events and runs `also` in the same transaction. */
  accept: (shard: number, events: RelayedEvent[], also: () => void) => Promise<void>;
  armAlarm: () => Promise<void>;
  /** The count this object follows changed (its directory's cached count is stale). */
  countChanged: () => void;
}

export class ShardMoves {
  /** The count the last change handed this object (0: none yet, D1's count applies). */
  #count: number;
  /** The room's change under way. */
  #running: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: ShardMovesDeps) {
    this.#count = Number(deps.meta.get(HANDED_COUNT) ?? 0);
  }

  get count(): number | undefined {
    return this.#count || undefined;
  }

  /** Resolves when no change is running: alert changes and relays wait for it (an alert may be on its way elsewhere). */
  settled(): Promise<unknown> {
    return this.#running;
  }

  /**
   * The room, before D1 stores a new count: every shard that may hold vehicles hands over the
   * ones that move, one after the other (`handOver`, this object first); the room then takes that
   * shard's unrelayed alert events and points the moved alerts at their new shard. Safe to run again after a failure.
   */
  async reshard(previous: number, count: number, byId: Map<string, VehicleRef>) {
    const { meta, shards, ctx } = this.deps;
    const run = this.#running.then(async () => {
      const ever = Math.max(previous, count, Number(meta.get(SHARDS_EVER) ?? 1));
      meta.set(SHARDS_EVER, String(ever));
      for (let shard = 0; shard < ever; shard++) {
        const answer = shard ? await shards.on(shard, (stub, name) => stub.handOver(name, count)) : await this.handOver(count, byId);
        await this.deps.accept(shard, answer.unrelayed, () => {
          for (const { alertId, shard: to } of answer.moved) setOrigin(ctx.storage.sql, alertId, to);
        });
      }
    });
    this.#running = run.catch(() => undefined);
    await run;
  }

  /**
   * This object's part of a change to `count`: its held episode updates are logged, the vehicles
   * another shard owns now go there (`adopt`) and are forgotten here, and from then on it passes
   * on their telemetry. Nothing else runs on this object meanwhile.
   */
  async handOver(count: number, byId: Map<string, VehicleRef>): Promise<HandOverAnswer> {
    const { ctx, parts, shards } = this.deps;
    const self = this.deps.shard();
    return await ctx.blockConcurrencyWhile(async () => {
      await this.deps.flushHeld();
      // Buffered readings are written now: an object that hands its vehicles over may go quiet, be
      // evicted, and otherwise replay every raw batch since its last flush when it next wakes.
      this.deps.readings.flush();
      const moved: HandOverAnswer["moved"] = [];
      const left: string[] = [];
      for (const [shard, vehicleIds] of leaving(parts.states.vehicleIds(), byId, self, count)) {
        for (const some of idChunks(vehicleIds, HANDOFF_VEHICLES)) {
          const handoff = collectHandoff(parts, some);
          await shards.on(shard, (stub, target) => stub.adopt(target, count, handoff));
          moved.push(...handoff.alerts.map((alert) => ({ alertId: alert.id, shard })));
        }
        left.push(...vehicleIds);
      }
      ctx.storage.transactionSync(() => {
        forgetHandedOver(parts, left);
        this.#follow(count);
      });
      return { moved, unrelayed: self ? unrelayed(ctx.storage.sql, this.deps.meta, 10_000) : [] };
    });
  }

  /** Takes vehicles another shard hands over; follows `count` at once unless vehicles of its own leave under it (its `handOver` switches it then). */
  async adopt(count: number, handoff: VehicleHandoff, byId: Map<string, VehicleRef>) {
    const { ctx, parts } = this.deps;
    ctx.storage.transactionSync(() => {
      adoptHandoff(parts, handoff);
      if (!leaving(parts.states.vehicleIds(), byId, this.deps.shard(), count).size) this.#follow(count);
    });
    await this.deps.armAlarm();
  }

  /**
   * A batch (part) this object got: events of vehicles another shard owns under the count it
   * follows go there, under a key of their own (`<key>@<this shard>`); its own go to `ingestOwn`.
   */
  async route(
    key: string,
    incoming: IncomingEvent[],
    batchVehicleIds: string[] | undefined,
    ingestOwn: (part: IncomingEvent[], batchVehicleIds?: string[]) => Promise<IngestResult>,
  ): Promise<IngestResult> {
    const count = this.#count;
    const self = this.deps.shard();
    if (!count || !incoming.some((e) => shardOf(e.vehicleId, count) !== self)) return await ingestOwn(incoming, batchVehicleIds);
    const passOn = `${key}@${self}`;
    return await ingestAcrossShards(
      incoming,
      count,
      (shard, part, ids) => (shard === self ? ingestOwn(part, ids) : this.deps.shards.ingest(shard, passOn, part, ids)),
      batchVehicleIds ?? incoming.map((e) => e.vehicleId),
    );
  }

  #follow(count: number) {
    this.deps.meta.set(HANDED_COUNT, String(count));
    this.#count = count;
    this.deps.countChanged();
  }
}
