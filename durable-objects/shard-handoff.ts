/**
 * What a change of the tenant's shard count moves (docs/ingest-shards.md "What a change of the
 * count does"): each vehicle whose id hashes to another shard under the new count leaves with its
 * rolling state (merged readings, rule clocks and open episodes, model state, driving baselines),
 * its offline due time and the alerts its rule pairs point at, so an episode that was open goes on
 * in the same alert on the new shard, and nothing is raised twice or left open for good.
 */
import type { Alert } from "../worker/domain/alert";
import type { AlertBook } from "./alert-book";
import type { VehicleRef } from "./hub-ports";
import type { OfflineWatch } from "./offline-watch";
import type { RelayedEvent } from "./shard-relay";
import { shardOf } from "./shards";
import type { VehicleState } from "./vehicle-state-shape";
import type { VehicleStates } from "./vehicle-states";

/** `meta` key: the count the last change handed this object (its routing and ownership follow it, not D1's copy). */
export const HANDED_COUNT = "shardCount";
/** `meta` key of the room: the largest count the tenant has had (every shard that may hold vehicles). */
export const SHARDS_EVER = "shardsEver";

/** Vehicles per `adopt` call: a few hundred states stay far below an RPC message's 32 MiB. */
export const HANDOFF_VEHICLES = 200;

/** One shard's vehicles for another, as it sends them. */
export interface VehicleHandoff {
  states: Record<string, VehicleState>;
  alerts: Alert[];
  offlineDue: Record<string, number>;
}

/** A shard's answer to the room: which alerts moved where, and its alert events the room may not have yet. */
export interface HandOverAnswer {
  moved: { alertId: string; shard: number }[];
  unrelayed: RelayedEvent[];
}

export interface HandoffParts {
  states: VehicleStates;
  book: AlertBook;
  offline: OfflineWatch;
}

/** The vehicles held here that another shard owns under `count`, by that shard. */
export function leaving(held: Iterable<string>, byId: Map<string, VehicleRef>, self: number, count: number): Map<number, string[]> {
  const byShard = new Map<number, string[]>();
  for (const vehicleId of held) {
    const vehicle = byId.get(vehicleId);
    if (!vehicle) continue; // deleted: nobody reports for it any more
    const owner = shardOf(vehicle.externalId, count);
    if (owner === self) continue;
    const ids = byShard.get(owner);
    if (ids) ids.push(vehicleId);
    else byShard.set(owner, [vehicleId]);
  }
  return byShard;
}

/** The handoff of some vehicles: their states, the alerts their rule pairs point at, their offline due times. */
export function collectHandoff({ states, book, offline }: HandoffParts, vehicleIds: string[]): VehicleHandoff {
  const handoff: VehicleHandoff = { states: {}, alerts: [], offlineDue: {} };
  for (const vehicleId of vehicleIds) {
    const state = states.snapshot(vehicleId);
    if (!state) continue;
    handoff.states[vehicleId] = state;
    for (const pair of Object.values(state.rules)) {
      const alert = pair.alertId ? book.get(pair.alertId) : undefined;
      if (alert) handoff.alerts.push(alert);
    }
    const due = offline.dueAt(vehicleId);
    if (due !== undefined) handoff.offlineDue[vehicleId] = due;
  }
  return handoff;
}

/** Takes a handoff in (inside the receiving object's transaction). */
export function adoptHandoff({ states, book, offline }: HandoffParts, handoff: VehicleHandoff) {
  for (const alert of handoff.alerts) book.adopt(alert);
  for (const [vehicleId, state] of Object.entries(handoff.states)) states.adopt(vehicleId, state);
  states.flush();
  for (const [vehicleId, due] of Object.entries(handoff.offlineDue)) offline.adopt(vehicleId, due);
}

/** Forgets vehicles handed to other shards (inside the leaving object's transaction). */
export function forgetHandedOver({ states, offline }: HandoffParts, vehicleIds: string[]) {
  states.forget(vehicleIds);
  for (const vehicleId of vehicleIds) offline.forget(vehicleId);
}
