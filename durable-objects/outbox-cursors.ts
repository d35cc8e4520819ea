/**
 * How far each alert outbox has read the event log (`alert_events` seq): the D1 sync, the
 * notification jobs, the predictive work orders and the escalation schedule. Kept in memory and
 * written as ONE `meta` row (`outboxCursors`) when the alarm's alert work ends, or when a sync
 * outside it ends: a row per cursor was four billed rows per alarm run with new alert events, and
 * an open alert whose episode goes on makes one such run per reading (BENCHMARKS.md, "Cost model").
 * A cursor not yet written after its outbox's work makes a replay after an eviction, which every
 * outbox tolerates (each is at least once: upserts by seq, deterministic ids, idempotent steps).
 */
import type { HubMeta } from "./hub-meta";

export const CURSORS = ["syncedSeq", "notifiedSeq", "proposedSeq", "escalatedSeq"] as const;
export type CursorName = (typeof CURSORS)[number];

const KEY = "outboxCursors";

export class OutboxCursors {
  readonly #values: Record<CursorName, number>;
  #unsaved = false;

  constructor(private readonly meta: HubMeta) {
    const stored = meta.get(KEY);
    const saved = stored ? (JSON.parse(stored) as Partial<Record<CursorName, number>>) : {};
    // Before the single row, each cursor was a meta row of its own: read once, kept until overwritten.
    this.#values = Object.fromEntries(CURSORS.map((name) => [name, saved[name] ?? Number(meta.get(name) ?? 0)])) as Record<
      CursorName,
      number
    >;
  }

  get(name: CursorName): number {
    return this.#values[name];
  }

  /** The outbox `name` has done its work through `seq`. */
  advance(name: CursorName, seq: number) {
    if (this.#values[name] === seq) return;
    this.#values[name] = seq;
    this.#unsaved = true;
  }

  /** Writes every cursor in one row, if any moved since the last save. */
  save() {
    if (!this.#unsaved) return;
    this.meta.set(KEY, JSON.stringify(this.#values));
    this.#unsaved = false;
  }
}
