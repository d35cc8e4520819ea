import { emptyState, type PairState } from "../worker/domain/rule-engine";

/** Rule-engine state plus the pair's latest alert, for cooldown decisions. */
export interface PairRecord extends PairState {
  alertId: string | null;
  cooldownUntil: number;
}

const key = (ruleId: string, vehicleId: string) => `${ruleId}|${vehicleId}`;

/**
 * Every (rule, vehicle) pair's rolling state, all in memory (loaded once) and written back in
 * one pass per ingest for just the pairs that changed.
 */
export class RuleStates {
  readonly #states = new Map<string, PairRecord>();
  readonly #dirty = new Set<string>();

  constructor(private readonly sql: SqlStorage) {
    for (const row of sql.exec<{ rule_id: string; vehicle_id: string; state: string }>("SELECT rule_id, vehicle_id, state FROM rule_state")) {
      const state = JSON.parse(row.state) as PairRecord;
      state.lastTs ??= -Infinity; // JSON has no -Infinity
      this.#states.set(key(row.rule_id, row.vehicle_id), state);
    }
  }

  get(ruleId: string, vehicleId: string): PairRecord {
    return this.#states.get(key(ruleId, vehicleId)) ?? { ...emptyState(), alertId: null, cooldownUntil: 0 };
  }

  set(ruleId: string, vehicleId: string, state: PairRecord) {
    const k = key(ruleId, vehicleId);
    this.#states.set(k, state);
    this.#dirty.add(k);
  }

  /** After a resolve: the episode, window and cooldown start afresh. */
  reset(ruleId: string, vehicleId: string) {
    const state = this.get(ruleId, vehicleId);
    this.set(ruleId, vehicleId, { ...emptyState(), lastTs: state.lastTs, alertId: state.alertId, cooldownUntil: 0 });
  }

  flush() {
    for (const k of this.#dirty) {
      const [ruleId, vehicleId] = k.split("|") as [string, string];
      this.sql.exec(
        "INSERT INTO rule_state (rule_id, vehicle_id, state) VALUES (?, ?, ?) ON CONFLICT (rule_id, vehicle_id) DO UPDATE SET state = excluded.state",
        ruleId,
        vehicleId,
        JSON.stringify(this.#states.get(k)),
      );
    }
    this.#dirty.clear();
  }
}
