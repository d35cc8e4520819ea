/**
 * Rule preview: how many alerts a draft rule would have raised over the telemetry the object
 * still holds (its record of ingested batches, kept 8 days). The same pure engine as live
 * ingest (worker/domain/rule-engine.ts) replays the stored events batch by batch, in the order
 * they arrived and each batch in event-time order, as ingest evaluates them; a new episode
 * within the cooldown of an unresolved alert reopens it (counted as an episode, not an alert),
 * exactly as live evaluation decides. Nothing is stored or broadcast.
 */
import { readStoredEvents } from "./stored-batch";
import { emptyState, type PairState, reopens, type RuleDef, stepRule } from "../worker/domain/rule-engine";
import { iso } from "../worker/lib/time";
import { firstBatchReceivedFrom } from "./batch-range";
import { withFullDtcList } from "./dtc-changes";

export interface PreviewCount {
  vehicleId: string;
  alerts: number;
  episodes: number;
}

export interface PreviewOutcome {
  eventsEvaluated: number;
  vehicles: PreviewCount[];
}

/** Events are at most 5 minutes in the future when accepted, so an older batch holds nothing newer than `since`. */
const FUTURE_SKEW_MS = 5 * 60_000;

export function previewRule(sql: SqlStorage, rule: RuleDef, since: number, until: number): PreviewOutcome {
  const draft: RuleDef = { ...rule, enabled: true };
  const pairs = new Map<string, { state: PairState; latest?: { status: string; createdAt: string }; count: PreviewCount }>();
  const activeDtc = new Map<string, string[] | undefined>();
  let eventsEvaluated = 0;
  for (const row of sql.exec<{ events: string }>(
    "SELECT events FROM ingested_batches WHERE rowid >= ? ORDER BY rowid",
    firstBatchReceivedFrom(sql, since - FUTURE_SKEW_MS),
  )) {
    const batch = readStoredEvents(row.events).sort((a, b) => a.ts - b.ts);
    for (const raw of batch) {
      // Vendors that report codes one by one: rebuild the full list as ingest does.
      const event = raw.dtcChange ? withFullDtcList(raw, activeDtc.get(raw.vehicleId)) : raw;
      if (event.dtc !== undefined) activeDtc.set(event.vehicleId, event.dtc);
      if (event.ts < since || event.ts >= until) continue;
      if (draft.vehicleIds !== null && !draft.vehicleIds.includes(event.vehicleId)) continue;
      let pair = pairs.get(event.vehicleId);
      if (!pair) {
        pair = { state: emptyState(), count: { vehicleId: event.vehicleId, alerts: 0, episodes: 0 } };
        pairs.set(event.vehicleId, pair);
      }
      const step = stepRule(draft, pair.state, event);
      if (step.state !== pair.state) eventsEvaluated++;
      pair.state = step.state;
      const signal = step.signal;
      if (signal?.kind === "open") {
        pair.count.episodes++;
        if (!reopens(pair.latest, draft, signal.ts)) {
          pair.count.alerts++;
          pair.latest = { status: "open", createdAt: iso(signal.ts) };
        }
      } else if (signal?.kind === "clear" && draft.autoResolve && pair.latest) {
        pair.latest = { ...pair.latest, status: "resolved" };
      }
    }
  }
  return { eventsEvaluated, vehicles: [...pairs.values()].map((p) => p.count).filter((c) => c.episodes > 0) };
}
