import type { HealthState } from "../models/vehicle/index.js";
import { emptyState, type PairState } from "../worker/domain/rule-engine";
import type { StoredRisk } from "./vehicle-risk";
import type { DrivingProfiles } from "./driving-anomalies";
import type { TelemetryEvent } from "../worker/domain/telemetry";
import { iso } from "../worker/lib/time";
import type { HeldValues } from "./alert-book";
import { DEFERRED_WRITE_MS } from "./deferred-writes";

/** Rule-engine state plus the pair's latest alert, for cooldown decisions. */
export interface PairRecord extends PairState {
  alertId: string | null;
  cooldownUntil: number;
  /**
   * The open episode's values the alert book holds back from its event log (alert-book.ts): kept
   * here because this row is written with every batch anyway, so an eviction loses none of them.
   */
  held?: Omit<HeldValues, "alertId">;
}

/**
 * A vehicle's readings merged across events: each metric's newest value by event time, with the
 * time of the event that carried it (vendors send locations, engine data and faults separately).
 */
export interface LatestReadings {
  /** The newest event's time. */
  ts: number;
  readings: Record<string, number>;
  /** Per metric, the event time of its value in `readings`. */
  readingTs: Record<string, number>;
  /** The newest `dtc` list reported (events without a `dtc` field leave it). */
  dtc: string[];
  /** When `dtc` was reported (absent before any report). */
  dtcTs?: number;
}

/** Everything the hot path keeps per vehicle: its merged latest readings and each rule's rolling state. */
export interface VehicleState {
  latest: LatestReadings | null;
  rules: Record<string, PairRecord>;
  /** The vehicle health models' own state (baselines, trends; models/vehicle), small. */
  health?: HealthState;
  /** The newest risk by component (vehicle-risk.ts), raw: calibration is applied on use. */
  risk?: StoredRisk;
  /** Driver-behaviour baselines of whoever drove the vehicle (see driving-anomalies.ts). */
  driving?: DrivingProfiles;
}

/** Merges one event into the vehicle's latest readings; true when anything changed. */
function mergeLatest(state: VehicleState, event: TelemetryEvent): boolean {
  const latest = (state.latest ??= { ts: event.ts, readings: {}, readingTs: {}, dtc: [] });
  let changed = false;
  if (event.ts > latest.ts) {
    latest.ts = event.ts;
    changed = true;
  }
  for (const [metric, value] of Object.entries(event.readings)) {
    const at = latest.readingTs[metric];
    if (at !== undefined && at > event.ts) continue;
    latest.readings[metric] = value;
    latest.readingTs[metric] = event.ts;
    changed = true;
  }
  if (event.dtc && (latest.dtcTs === undefined || latest.dtcTs <= event.ts)) {
    latest.dtc = event.dtc;
    latest.dtcTs = event.ts;
    changed = true;
  }
  return changed;
}

const freshPair = (): PairRecord => ({ ...emptyState(), alertId: null, cooldownUntil: 0 });

/**
 * All vehicles' state in memory (loaded once), written back as one row per vehicle touched by
 * an ingest: a batch of 100 events over 20 vehicles costs 20 upserts, not one per rule. The
 * batch's rule pass flushes (the rule state must commit with the alerts it decided); the health
 * models' state set after it waits for the next batch's flush or the alarm (`flushDueAt`).
 */
export class VehicleStates {
  readonly #vehicles = new Map<string, VehicleState>();
  readonly #dirty = new Set<string>();
  /** When the oldest unflushed change was made (null: nothing to write). */
  #dirtySince: number | null = null;

  constructor(private readonly sql: SqlStorage) {
    for (const row of sql.exec<{ vehicle_id: string; data: string }>("SELECT vehicle_id, data FROM vehicle_state")) {
      const state = JSON.parse(row.data) as VehicleState;
      for (const pair of Object.values(state.rules)) pair.lastTs ??= -Infinity; // JSON has no -Infinity
      // Stored before readings were merged: every reading dates from the one event kept.
      if (state.latest && !state.latest.readingTs) {
        const { ts, readings } = state.latest;
        state.latest.readingTs = Object.fromEntries(Object.keys(readings).map((metric) => [metric, ts]));
        state.latest.dtcTs = ts;
      }
      this.#vehicles.set(row.vehicle_id, state);
    }
  }

  #vehicle(vehicleId: string): VehicleState {
    let state = this.#vehicles.get(vehicleId);
    if (!state) {
      state = { latest: null, rules: {} };
      this.#vehicles.set(vehicleId, state);
    }
    return state;
  }

  latest(vehicleId: string) {
    return this.#vehicles.get(vehicleId)?.latest ?? null;
  }

  /** The latest readings as the API shows them (docs/api.md "Vehicles"), or null before any telemetry. */
  latestView(vehicleId: string) {
    const latest = this.latest(vehicleId);
    if (!latest) return null;
    const readingTs = Object.fromEntries(Object.entries(latest.readingTs).map(([metric, ts]) => [metric, iso(ts)]));
    return { ts: iso(latest.ts), readings: { ...latest.readings }, readingTs, dtc: [...latest.dtc] };
  }

  /**
   * Merges the event into the latest readings (each metric keeps its newest value by event time,
   * so a GPS-only event does not erase the odometer and a late event fills in only what is older
   * than it; DTCs persist until reported again). `fresh` is false for a late event (older than
   * the newest event), which only merges and is not scored.
   */
  observe(event: TelemetryEvent): { fresh: boolean } {
    const state = this.#vehicle(event.vehicleId);
    const fresh = !state.latest || state.latest.ts <= event.ts;
    if (mergeLatest(state, event)) this.#touch(event.vehicleId);
    return { fresh };
  }

  health(vehicleId: string) {
    return this.#vehicles.get(vehicleId)?.health;
  }

  risk(vehicleId: string) {
    return this.#vehicles.get(vehicleId)?.risk;
  }

  /** After a scoring: the health models' new state and the vehicle's risk, written with the next flush. */
  setHealth(vehicleId: string, health: HealthState, risk: StoredRisk) {
    const state = this.#vehicle(vehicleId);
    state.health = health;
    state.risk = risk;
    this.#touch(vehicleId);
  }

  driving(vehicleId: string) {
    return this.#vehicles.get(vehicleId)?.driving;
  }

  setDriving(vehicleId: string, profiles: DrivingProfiles) {
    this.#vehicle(vehicleId).driving = profiles;
    this.#touch(vehicleId);
  }

  pair(ruleId: string, vehicleId: string): PairRecord {
    return this.#vehicles.get(vehicleId)?.rules[ruleId] ?? freshPair();
  }

  setPair(ruleId: string, vehicleId: string, pair: PairRecord) {
    this.#vehicle(vehicleId).rules[ruleId] = pair;
    this.#touch(vehicleId);
  }

  /** Every pair's held episode values, for the alert book after a restart. */
  *heldEpisodes(): Generator<HeldValues> {
    for (const state of this.#vehicles.values())
      for (const pair of Object.values(state.rules)) if (pair.held && pair.alertId) yield { alertId: pair.alertId, ...pair.held };
  }

  /** After a resolve: the episode, window and cooldown start afresh. */
  resetPair(ruleId: string, vehicleId: string) {
    const pair = this.pair(ruleId, vehicleId);
    this.setPair(ruleId, vehicleId, { ...freshPair(), lastTs: pair.lastTs, alertId: pair.alertId });
  }

  /** When the unflushed changes must be written (the alarm's time), or null. */
  flushDueAt(): number | null {
    return this.#dirtySince === null ? null : this.#dirtySince + DEFERRED_WRITE_MS;
  }

  #touch(vehicleId: string) {
    this.#dirty.add(vehicleId);
    this.#dirtySince ??= Date.now();
  }

  flush() {
    for (const vehicleId of this.#dirty) {
      this.sql.exec(
        "INSERT INTO vehicle_state (vehicle_id, data) VALUES (?, ?) ON CONFLICT (vehicle_id) DO UPDATE SET data = excluded.data",
        vehicleId,
        JSON.stringify(this.#vehicles.get(vehicleId)),
      );
    }
    this.#dirty.clear();
    this.#dirtySince = null;
  }
}

/**
 * Hub storage step: the C-MAPSS engine windows and AI4I scores left the object with their models
 * (docs/decisions); the vehicle health models start their own state from the next reading.
 */
export function dropEdgeModelState(sql: SqlStorage) {
  for (const row of sql.exec<{ vehicle_id: string; data: string }>("SELECT vehicle_id, data FROM vehicle_state").toArray()) {
    const state = JSON.parse(row.data) as Record<string, unknown>;
    if (!("engineWindow" in state || "engineLayout" in state || "machineRisk" in state || "risk" in state)) continue;
    for (const key of ["engineWindow", "engineLayout", "machineRisk", "risk"]) delete state[key];
    sql.exec("UPDATE vehicle_state SET data = ? WHERE vehicle_id = ?", JSON.stringify(state), row.vehicle_id);
  }
}
