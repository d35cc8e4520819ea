import type { AlertEvent } from "../worker/domain/alert";
import { isSilenced } from "../worker/domain/silence";
import type { AlertBook } from "./alert-book";
import { type BatchContext, recordSignal } from "./evaluate-batch";
import type { VehicleRef } from "./hub-ports";
import { isTimedKind, type OfflineWatch } from "./offline-watch";
import type { TenantDirectory } from "./tenant-directory";
import type { VehicleStates } from "./vehicle-states";

export interface OfflineSweepDeps {
  storage: DurableObjectStorage;
  states: VehicleStates;
  book: AlertBook;
  watch: OfflineWatch;
  directory: TenantDirectory;
  publish: (events: AlertEvent[], byId: Map<string, VehicleRef>) => void;
  /** Whether this object still owns the vehicle (shards.ts): one moved to another shard reports there now. */
  owns: (vehicle: VehicleRef) => boolean;
}

/**
 * The alarm's part of offline and dwell rules: opens the episodes of vehicles whose due row has come (see
 * offline-watch.ts), in one storage transaction, and streams the alerts like an ingest would.
 * Returns how many alert events it recorded.
 */
export async function sweepOffline(deps: OfflineSweepDeps, now: number): Promise<number> {
  const { storage, states, watch, directory } = deps;
  const rules = (await directory.rules()).filter(isTimedKind);
  if (!rules.length && !watch.size) return 0; // no offline or dwell rules: no vehicle or silence lookups
  const { byId } = await directory.vehicles();
  const activeSilences = await directory.silences();
  const ctx: BatchContext = {
    rules,
    vehicleName: (id) => byId.get(id)?.name ?? id,
    states,
    book: deps.book,
    now,
    silenced: (alert) => isSilenced(alert, activeSilences, now),
  };
  const raised = storage.transactionSync(() => {
    const events: AlertEvent[] = [];
    for (const vehicleId of watch.due(now, rules, byId.keys(), states)) {
      const vehicle = byId.get(vehicleId);
      if (!vehicle || !deps.owns(vehicle)) {
        watch.forget(vehicleId); // deleted since it last reported, or reporting to another shard
        continue;
      }
      watch.fire(vehicleId, now, rules, states, (rule, id, signal, pair) => {
        const event = recordSignal(rule, id, signal, pair, ctx);
        if (event) events.push(event);
      });
    }
    states.flush();
    return events;
  });
  deps.publish(raised, byId);
  return raised.length;
}
