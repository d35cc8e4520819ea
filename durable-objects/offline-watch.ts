import { appliesTo, RULE_KIND_DEFAULTS, type RuleDef, type Signal } from "../worker/domain/rule-engine";
import type { TelemetryEvent } from "../worker/domain/telemetry";
import type { LatestReadings, PairRecord } from "./vehicle-state-shape";
import type { VehicleStates } from "./vehicle-states";

/**
 * Silence of a vehicle (`offline` rules), and time inside a geofence (`dwell` rules). The object
 * keeps one due time per vehicle in the `offline_due` table: the earliest moment one of its
 * offline or dwell rules could fire. The alarm runs at
 * the earliest row (schedule.ts counts this table in `next()`); a report re-arms the row. No
 * polling and no cron: a silent vehicle costs nothing until its row is due.
 *
 * Cheap on the hot path: the rows live in memory too, and a report rewrites its vehicle's row
 * only when the due time moved earlier or by at least OFFLINE_SLACK_MS. A row left a little early
 * is harmless: the sweep checks each rule against the vehicle's newest event time and moves the
 * row to the true due time.
 *
 * Times are event times: a vehicle is silent from its newest event's `ts`. An offline rule fires
 * at newest + minutes + graceMinutes (a drop shorter than that raises nothing) and its episode
 * clears on the next event newer than the silence's start; a vehicle that flaps within the
 * rule's cooldown reopens the same alert (one episode, `occurrences` counting the drops). A
 * vehicle whose newest `ignition` reading is 0 is parked, not offline.
 *
 * A `dwell` rule fires at the confirmed entry + minutes (geofence-rules.ts keeps the entry in the
 * pair's `geo` state) even when no fix follows: a vehicle parked in a yard often stops reporting.
 * Its episode clears on the confirmed exit, as geofence-rules.ts decides.
 */

/** A report moves its vehicle's due row only when it shifts by at least this much (or earlier). */
export const OFFLINE_SLACK_MS = 60_000;

export const offlineDelayMs = (rule: RuleDef) => ((rule.minutes ?? 0) + (rule.graceMinutes ?? RULE_KIND_DEFAULTS.graceMinutes)) * 60_000;

/** The rules this watch keeps due times for. */
export const isTimedKind = (rule: RuleDef) => rule.kind === "offline" || rule.kind === "dwell";

/**
 * When `rule` would open on the vehicle with nothing more heard, or Infinity: offline rules at
 * the newest event + delay (not when parked); dwell rules at the confirmed entry + minutes.
 */
function firesAt(rule: RuleDef, pair: PairRecord, latest: LatestReadings | null): number {
  if (rule.kind === "dwell") {
    const enteredAt = pair.geo?.inside ? pair.geo.enteredAt : null;
    return enteredAt === null ? Infinity : enteredAt + (rule.minutes ?? 0) * 60_000;
  }
  return latest && !isParked(latest) ? latest.ts + offlineDelayMs(rule) : Infinity;
}

/** Parked with the engine off (the vendor said so), so silence is expected. */
export const isParked = (latest: LatestReadings | null) => latest?.readings.ignition === 0;

/** Records an episode signal of `rule` on a vehicle and stores the pair (evaluate-batch.ts `recordSignal`). */
export type RecordSignal = (rule: RuleDef, vehicleId: string, signal: Signal, pair: PairRecord) => void;

export class OfflineWatch {
  readonly #due = new Map<string, number>();
  /** The offline rules the rows were computed for; a change re-arms every vehicle. */
  #rulesKey: string | undefined;

  constructor(private readonly sql: SqlStorage) {
    for (const row of sql.exec<{ vehicle_id: string; due_at: number }>("SELECT vehicle_id, due_at FROM offline_due")) {
      this.#due.set(row.vehicle_id, row.due_at);
    }
  }

  /** How many vehicles have a due row. */
  get size() {
    return this.#due.size;
  }

  dueAt(vehicleId: string) {
    return this.#due.get(vehicleId);
  }

  /**
   * After a batch's events were merged into the vehicles' latest readings: each event newer than
   * an open silence clears it, and every reporting vehicle's due row is re-armed.
   */
  reported(ordered: TelemetryEvent[], rules: RuleDef[], states: VehicleStates, record: RecordSignal) {
    if (!rules.length && !this.#due.size) return;
    const touched = new Set<string>();
    for (const event of ordered) {
      touched.add(event.vehicleId);
      for (const rule of rules) {
        if (rule.kind !== "offline" || !appliesTo(rule, event.vehicleId)) continue;
        const pair = states.pair(rule.id, event.vehicleId);
        if (!pair.fired || event.ts <= pair.lastTs - offlineDelayMs(rule)) continue;
        record(rule, event.vehicleId, { kind: "clear", ts: event.ts, value: null }, { ...pair, fired: false });
      }
    }
    for (const vehicleId of touched) this.#rearm(vehicleId, rules, states, false);
  }

  /** The vehicles whose row is due at `now`, after re-arming every vehicle if the offline rules changed. */
  due(now: number, rules: RuleDef[], vehicleIds: Iterable<string>, states: VehicleStates): string[] {
    const key = JSON.stringify(rules.map((r) => [r.id, r.kind, r.enabled, r.vehicleIds, offlineDelayMs(r)]));
    if (key !== this.#rulesKey) {
      this.#rulesKey = key;
      for (const vehicleId of new Set([...vehicleIds, ...this.#due.keys()])) this.#rearm(vehicleId, rules, states, true);
    }
    return [...this.#due].filter(([, at]) => at <= now).map(([vehicleId]) => vehicleId);
  }

  /** Opens the episodes of a due vehicle's rules whose silence or stay has lasted, then moves its row to the next due time. */
  fire(vehicleId: string, now: number, rules: RuleDef[], states: VehicleStates, record: RecordSignal) {
    const latest = states.latest(vehicleId);
    for (const rule of rules) {
      if (!appliesTo(rule, vehicleId)) continue;
      const pair = states.pair(rule.id, vehicleId);
      const at = firesAt(rule, pair, latest);
      // lastTs marks the silence already raised, so one resolved by hand does not come back.
      if (pair.fired || at > now || (rule.kind === "offline" && at <= pair.lastTs)) continue;
      record(rule, vehicleId, { kind: "open", ts: at, value: null }, { ...pair, fired: true, lastTs: Math.max(pair.lastTs, at) });
    }
    this.#rearm(vehicleId, rules, states, true);
  }

  /** A vehicle's due time, taken over from the shard it left (shard-handoff.ts). */
  adopt(vehicleId: string, dueAt: number) {
    this.#store(vehicleId, dueAt);
  }

  /** Drops a vehicle's row (the vehicle is gone, or reports to another shard). */
  forget(vehicleId: string) {
    if (!this.#due.delete(vehicleId)) return;
    this.sql.exec("DELETE FROM offline_due WHERE vehicle_id = ?", vehicleId);
  }

  /** Writes the vehicle's earliest pending due time (none when parked, raised, outside or ruleless). */
  #rearm(vehicleId: string, rules: RuleDef[], states: VehicleStates, exact: boolean) {
    const latest = states.latest(vehicleId);
    let next = Infinity;
    for (const rule of rules) {
      if (!appliesTo(rule, vehicleId)) continue;
      const pair = states.pair(rule.id, vehicleId);
      const at = firesAt(rule, pair, latest);
      if (!pair.fired && (rule.kind === "dwell" || at > pair.lastTs)) next = Math.min(next, at);
    }
    const current = this.#due.get(vehicleId);
    if (!Number.isFinite(next)) return this.forget(vehicleId);
    if (current === next || (!exact && current !== undefined && next > current && next - current < OFFLINE_SLACK_MS)) return;
    this.#store(vehicleId, next);
  }

  #store(vehicleId: string, dueAt: number) {
    this.#due.set(vehicleId, dueAt);
    this.sql.exec(
      "INSERT INTO offline_due (vehicle_id, due_at) VALUES (?, ?) ON CONFLICT (vehicle_id) DO UPDATE SET due_at = excluded.due_at",
      vehicleId,
      dueAt,
    );
  }
}

/** Storage step: the per-vehicle due times of offline rules (appended to HUB_MIGRATIONS). */
export function createOfflineDue(sql: SqlStorage) {
  sql.exec("CREATE TABLE IF NOT EXISTS offline_due (vehicle_id TEXT PRIMARY KEY, due_at INTEGER NOT NULL)");
  sql.exec("CREATE INDEX IF NOT EXISTS offline_due_at ON offline_due (due_at)");
}
