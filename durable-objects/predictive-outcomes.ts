/**
 * What became of the object's predictions: outcomes (a work order completed as "failure
 * confirmed" or "no fault found", a new trouble code) kept per vehicle and component with the
 * model's raw probability at the time, and the per-component calibration refitted from them
 * (risk-calibration.ts). Tables created by a hub storage migration (hub-storage.ts).
 */
import { fitPlatt, type Calibration } from "./risk-calibration";

export interface Outcome {
  /** Idempotency: the work order id, or `dtc:<vehicle>:<code>:<ts>`; a repeat is ignored. */
  ref: string;
  vehicleId: string;
  component: string;
  /** The model's raw (uncalibrated) 30-day probability for the component when it predicted. */
  predicted: number;
  confirmed: boolean;
  source: "work_order" | "dtc";
  at: number;
}

/** Outcomes used per component fit: the newest, so the calibration follows the fleet as it changes. */
const FIT_WINDOW = 500;

export function createOutcomeTables(sql: SqlStorage) {
  sql.exec(`CREATE TABLE IF NOT EXISTS predictive_outcomes (ref TEXT PRIMARY KEY, vehicle_id TEXT NOT NULL,
    component TEXT NOT NULL, predicted REAL NOT NULL, confirmed INTEGER NOT NULL, source TEXT NOT NULL, at INTEGER NOT NULL)`);
  sql.exec("CREATE INDEX IF NOT EXISTS predictive_outcomes_component ON predictive_outcomes (component, at)");
  // The raw probability behind each predictive alert, for the outcome of its work order.
  sql.exec(`CREATE TABLE IF NOT EXISTS predictions (alert_id TEXT PRIMARY KEY, vehicle_id TEXT NOT NULL,
    component TEXT NOT NULL, predicted REAL NOT NULL, at INTEGER NOT NULL)`);
}

export class PredictiveOutcomes {
  #calibration: Calibration | undefined;
  #refits = 0;

  constructor(private readonly sql: SqlStorage) {}

  get calibration(): Calibration {
    this.#calibration ??= JSON.parse(
      this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'calibration'").toArray()[0]?.value ?? "{}",
    ) as Calibration;
    return this.#calibration;
  }

  rememberPrediction(alertId: string, vehicleId: string, component: string, predicted: number, at: number) {
    this.sql.exec(
      "INSERT OR IGNORE INTO predictions (alert_id, vehicle_id, component, predicted, at) VALUES (?, ?, ?, ?, ?)",
      alertId,
      vehicleId,
      component,
      predicted,
      at,
    );
  }

  prediction(alertId: string) {
    return this.sql
      .exec<{ component: string; predicted: number }>("SELECT component, predicted FROM predictions WHERE alert_id = ?", alertId)
      .toArray()[0];
  }

  /** Records an outcome once and refits its component's calibration; true when it was new. */
  record(outcome: Outcome): boolean {
    const inserted = this.sql.exec(
      `INSERT OR IGNORE INTO predictive_outcomes (ref, vehicle_id, component, predicted, confirmed, source, at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      outcome.ref,
      outcome.vehicleId,
      outcome.component,
      outcome.predicted,
      outcome.confirmed ? 1 : 0,
      outcome.source,
      outcome.at,
    ).rowsWritten;
    if (!inserted) return false;
    this.#refit(outcome.component);
    return true;
  }

  /** Per component: outcomes recorded, confirmed, and the calibration in use (null until MIN_OUTCOMES). */
  summary() {
    const rows = this.sql
      .exec<{ component: string; n: number; confirmed: number }>(
        "SELECT component, count(*) AS n, sum(confirmed) AS confirmed FROM predictive_outcomes GROUP BY component ORDER BY component",
      )
      .toArray();
    return rows.map((r) => ({
      component: r.component,
      outcomes: r.n,
      confirmed: r.confirmed,
      calibration: this.calibration[r.component] ?? null,
    }));
  }

  /** Moves with every refit of a component's calibration. */
  get refits(): number {
    return this.#refits;
  }

  #refit(component: string) {
    this.#refits++;
    const outcomes = this.sql
      .exec<{ predicted: number; confirmed: number }>(
        "SELECT predicted, confirmed FROM predictive_outcomes WHERE component = ? ORDER BY at DESC LIMIT ?",
        component,
        FIT_WINDOW,
      )
      .toArray()
      .map((r) => ({ predicted: r.predicted, confirmed: r.confirmed === 1 }));
    const scale = fitPlatt(outcomes);
    if (!scale) return;
    this.#calibration = { ...this.calibration, [component]: scale };
    this.sql.exec(
      "INSERT INTO meta (key, value) VALUES ('calibration', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      JSON.stringify(this.#calibration),
    );
  }
}
