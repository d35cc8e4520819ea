import type { AlertEvent } from "../worker/domain/alert";
import { isSilenced } from "../worker/domain/silence";
import type { IncomingEvent, IngestResult, TelemetryEvent } from "../worker/domain/telemetry";
import type { AlertBook } from "./alert-book";
import { ANOMALY_RULES, drivingSignals } from "./driving-anomalies";
import { evaluateBatch, evaluateRules, type BatchContext } from "./evaluate-batch";
import type { VehicleRef } from "./hub-ports";
import type { OfflineWatch } from "./offline-watch";
import { isGeofenceKind } from "../worker/domain/rule-engine";
import { scoreTouchedVehicles } from "./model-scoring";
import { storedEvents } from "./stored-batch";
import type { PredictiveOutcomes } from "./predictive-outcomes";
import type { TenantDirectory } from "./tenant-directory";
import type { VehicleStates } from "./vehicle-states";
import { logError } from "../worker/lib/logger";

export interface IngestDeps {
  storage: DurableObjectStorage;
  states: VehicleStates;
  book: AlertBook;
  directory: TenantDirectory;
  /** Outcomes and the calibration they fit (predictive-outcomes.ts). */
  outcomes: PredictiveOutcomes;
  /** Broadcasts alert events to the live room (best effort: the alarm syncs and notifies them anyway). */
  emit: (events: AlertEvent[], byId: Map<string, VehicleRef>) => void;
  /**
   * Called inside the batch's storage transaction when it recorded alert events (or held a
   * continuing episode's update): sets the alarm that syncs, notifies and escalates them (and
   * logs the held update when due), so it is committed with them or not at all. `urgent` when a
   * critical alert is among them: its notifications do not wait for the coalescing window.
   */
  handoff: (urgent: boolean) => void;
  /** Due times of offline rules, re-armed by every report. */
  offline?: OfflineWatch;
  /**
   * Adds the batch's readings to the downsampled per-vehicle store's buffer (written on the alarm,
   * rebuilt from the raw batch after an eviction); `batch` is the batch's `ingested_batches` rowid.
   */
  downsample?: (events: TelemetryEvent[], now: number, batch: number) => void;
}

/** The batch's vehicles, externalId → id. */
function externalsOf(incoming: IncomingEvent[], byExternal: Map<string, VehicleRef>) {
  const ids = new Map<string, string>();
  for (const e of incoming) if (!ids.has(e.vehicleId)) ids.set(e.vehicleId, byExternal.get(e.vehicleId)!.id);
  return ids;
}

const isCritical = (event: AlertEvent) => event.alert.severity === "critical";

/** Characters a batch's row may hold, events and journal together: below a row's 2 MB limit even at 3 bytes a character. */
const ROW_CHARS = 600_000;

const DUPLICATE = { ok: true, accepted: 0, duplicate: true } as const satisfies IngestResult;

const alreadyIngested = (sql: SqlStorage, key: string) =>
  sql.exec("SELECT 1 FROM ingested_batches WHERE key = ?", key).toArray().length > 0;

/**
 * Accepts a batch once (by idempotency key), durably, then runs the rules and the driving-anomaly
 * detectors in one storage transaction and emits the alerts. The health models score afterwards,
 * once the rule alerts are on the sockets, so scoring never delays them. A shard (shards.ts) gets
 * its part of a batch and the vehicle ids of the whole, so every shard rejects a batch with an
 * unknown vehicle and none stores its part.
 */
export async function ingestBatch(
  hub: IngestDeps,
  key: string,
  incoming: IncomingEvent[],
  batchVehicleIds = incoming.map((e) => e.vehicleId),
  /** The verified body `incoming` was read from, if it came whole (stored-batch.ts keeps its text). */
  bodyText?: string,
): Promise<IngestResult> {
  const { storage, states, directory } = hub;
  const sql = storage.sql;
  if (alreadyIngested(sql, key)) return DUPLICATE;

  let { byExternal } = await directory.vehicles();
  if (batchVehicleIds.some((id) => !byExternal.has(id))) {
    directory.invalidate(); // a vehicle registered a moment ago on another isolate
    ({ byExternal } = await directory.vehicles());
  }
  const errors = batchVehicleIds.flatMap((id, i) =>
    byExternal.has(id) ? [] : [{ path: `events.${i}.vehicleId`, message: `Unknown vehicle externalId "${id}"` }],
  );
  if (errors.length) return { ok: false, errors };

  const events: TelemetryEvent[] = incoming.map((e) => ({ ...e, vehicleId: byExternal.get(e.vehicleId)!.id }));
  const rules = await directory.rules();
  const { byId } = await directory.vehicles();
  const activeSilences = await directory.silences();
  const now = Date.now();
  const context: BatchContext = {
    rules,
    vehicleName: (id) => byId.get(id)?.name ?? id,
    states,
    book: hub.book,
    now,
    silenced: (alert) => isSilenced(alert, activeSilences, now),
    offline: hub.offline,
    // Shapes are read only by tenants that have geofence rules, so the others pay nothing.
    geofences: rules.some((rule) => isGeofenceKind(rule.kind)) ? await directory.geofences() : undefined,
  };
  const recorded = storage.transactionSync(() => {
    // Checked again where nothing can interleave: the awaits above let a concurrent delivery of
    // the same key get here first, and its row must make this one a duplicate, not a 500.
    if (alreadyIngested(sql, key)) return null;
    states.beginBatch(rules);
    const outcome = evaluateBatch(events, context);
    const drivingScores = drivingSignals(
      outcome.driving,
      (id) => states.drivingKey(id, byId.get(id)?.driverId),
      (id) => states.driving(id),
      (id, profiles) => states.setDriving(id, profiles),
    );
    const anomalies = evaluateRules(drivingScores, { ...context, rules: ANOMALY_RULES });
    // The batch's row, with the states it changed as its journal: committed with the alerts they decided.
    const record = "INSERT INTO ingested_batches (rowid, key, received_at, event_count, events, journal) VALUES (?, ?, ?, ?, ?, ?)";
    const stored = storedEvents(
      events,
      bodyText === undefined ? undefined : { text: bodyText, externals: externalsOf(incoming, byExternal) },
    );
    const batch = states.flushWithBatch(
      (id, journal) => sql.exec(record, id, key, now, events.length, stored, journal),
      ROW_CHARS - stored.length,
      stored.length,
    );
    hub.downsample?.(events, now, batch);
    const raised = [...outcome.raised, ...anomalies];
    // A newly held episode update is due within LIVE_COALESCE_MS: the alarm must be set for it too.
    if (hub.book.takeNewlyHeld() || raised.length) hub.handoff(raised.some(isCritical));
    return { ...outcome, raised };
  });
  if (!recorded) return DUPLICATE;
  // The batch and its alerts are committed: from here on nothing may turn the 202 into a 500
  // (the vendor's retry would be a duplicate and the batch's predictions lost for good).
  const { raised, toScore } = recorded;
  afterSave("live.publish", () => hub.emit(raised, byId));
  if (toScore.size) {
    try {
      const predicted = await scoreTouchedVehicles(storage, states, hub.outcomes, context, toScore);
      if (predicted.length) hub.handoff(predicted.some(isCritical));
      afterSave("live.publish", () => hub.emit(predicted, byId));
    } catch (error) {
      logAfterSave("model.scoring", error);
    }
  }
  return { ok: true, accepted: events.length };
}

const logAfterSave = (step: string, error: unknown) => logError({ job: "ingest.afterSave", step }, error);

function afterSave(step: string, run: () => void) {
  try {
    run();
  } catch (error) {
    logAfterSave(step, error);
  }
}
