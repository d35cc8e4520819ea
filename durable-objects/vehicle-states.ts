import type { HealthState } from "../models/vehicle/index.js";
import type { StoredRisk } from "./vehicle-risk";
import type { DrivingProfiles } from "./driving-anomalies";
import type { TelemetryEvent } from "../worker/domain/telemetry";
import { iso } from "../worker/lib/time";
import type { HeldValues } from "./alert-book";
import { DEFERRED_WRITE_MS, MODEL_STATE_RIDE_MS, SETTLE_MS } from "./deferred-writes";
import { HINTS, type ReplayHints, replayBatch } from "./batch-replay";
import { ANOMALY_RULES, currentDriverKey, UNASSIGNED } from "./driving-anomalies";
import { readStoredEvents } from "./stored-batch";
import type { RuleDef } from "../worker/domain/rule-engine";
import {
  clearJournalRows,
  deletePage,
  newestBatch,
  packPages,
  readJournal,
  readJournalCursor,
  readPages,
  saveJournalCursor,
  writeJournalRow,
  writePage,
} from "./vehicle-state-rows";
import {
  freshPair,
  type JournalPart,
  journaled,
  mergeLatest,
  type PairRecord,
  revive,
  type VehicleState,
  withJournalPart,
} from "./vehicle-state-shape";

/** A journal: each vehicle's part, and a batch's replay hints under HINTS. */
type Journal = Record<string, JournalPart | ReplayHints>;

/** Whether a rule's clock moves can be replayed from a batch's events: it read every vehicle's. */
const replayable = (rule: RuleDef) => rule.enabled && rule.vehicleIds === null && (!rule.kind || rule.kind === "threshold");

/**
 * All vehicles' state in memory (loaded once), made durable at the fewest rows written (each is
 * billed like a D1 row) and the fewest characters serialised per batch:
 * - what the stored batches give is not journaled: every batch is stored raw before its 202, and a
 *   new instance replays the batches past the cursor (batch-replay.ts) into the latest readings,
 *   the driving baselines and the clocks of the rules that read every vehicle (most rule steps move
 *   only a clock);
 * - a batch's other changes are the `journal` column of the batch's own row (`flushWithBatch`),
 *   committed with the alerts they decided: no row of their own, and none to delete later. A rule
 *   pair whose episode state changed is journaled as that pair (`pairs`); a clock a replay cannot
 *   move (a rule scoped to some vehicles, the predictive rules) as that number (`clocks`); a
 *   vehicle taken from another shard whole. The health models' state and risk of vehicles scored
 *   since the last journal ride along (set after the response, so with the next batch);
 * - what no batch carries within DEFERRED_WRITE_MS (a fleet gone quiet after its last scoring), and
 *   rule state changed outside a batch (a resolve), is a journal row after the newest batch (`flush`);
 * - SETTLE_MS after the first change, or once what a new instance would read passes
 *   MAX_RECOVERY_CHARS, the alarm settles it into pages of many vehicles' states
 *   (`vehicle_state_pages`, up to PAGE_CHARS each: a settle writes a row per page it touches, where
 *   a row per vehicle every 10 minutes was still 1/60 row per event at one reading every 10 s) and
 *   moves the cursor past the batches settled.
 * A new instance replays the batches past the cursor, each with its journal and the journal rows
 * after it, over the pages, in the order they were written: an eviction loses nothing they hold.
 */
export class VehicleStates {
  readonly #vehicles = new Map<string, VehicleState>();
  /** Vehicles whose whole state is journaled next (taken from another shard). */
  readonly #dirty = new Set<string>();
  /** Vehicles whose rule pairs changed beyond the clock since they were last journaled: the rules. */
  readonly #pairsDirty = new Map<string, Set<string>>();
  /** Vehicles whose newest state is in the journal, not yet in their page. */
  readonly #unsettled = new Set<string>();
  /** When the oldest change not yet in the pages was made (null: nothing to settle). */
  #unsettledSince: number | null = null;
  /** Vehicles whose rule clocks alone moved since they were last journaled: rule id → the pair's clock. */
  readonly #clocked = new Map<string, Map<string, number>>();
  /** The batch's replay hints: the rules whose clocks its replay moves, and driver changes. */
  #replayRules = new Map<string, string>();
  readonly #drivers = new Map<string, string>();
  /** Vehicles whose health-model state and risk changed since they were last journaled. */
  readonly #modelsDirty = new Set<string>();
  /** See `riskChanges`. */
  #riskChanges = 0;
  /** When the oldest rule-pass change in neither the journal nor the pages was made (`#dirty`). */
  #unjournaledSince: number | null = null;
  /** When the oldest model change in neither the journal nor the pages was made (`#modelsDirty`). */
  #modelsSince: number | null = null;
  /** Characters a new instance would read, the journal and the stored batches past the cursor: past MAX_RECOVERY_CHARS it is settled at once. */
  #recoveryChars = 0;
  /** The newest batch whose journal is settled (`meta` JOURNAL_CURSOR), and the newest batch id given out. */
  #journalThrough = 0;
  #newestBatch = 0;
  /** Which settled page holds each vehicle, and each page's vehicles. */
  readonly #pageOf = new Map<string, number>();
  readonly #pages = new Map<number, Set<string>>();

  constructor(private readonly sql: SqlStorage) {
    for (const { page, data } of readPages(sql)) {
      for (const [vehicleId, state] of Object.entries(JSON.parse(data) as Record<string, VehicleState>)) {
        this.#vehicles.set(vehicleId, revive(state));
        this.#place(vehicleId, page);
      }
    }
    this.#journalThrough = readJournalCursor(sql);
    this.#newestBatch = Math.max(newestBatch(sql), this.#journalThrough);
    const entries = [...readJournal(sql, this.#journalThrough)];
    for (let i = 0; i < entries.length; ) {
      // A batch, and the journal rows written after it: its journal may have overflowed into them.
      const group = [entries[i++]!];
      while (i < entries.length && entries[i]!.events === undefined) group.push(entries[i++]!);
      const journals = group.flatMap((entry) => (entry.data === null ? [] : [JSON.parse(entry.data) as Journal]));
      for (const entry of group) this.#recoveryChars += (entry.data?.length ?? 0) + (entry.events?.length ?? 0);
      const hints: ReplayHints = Object.assign({}, ...journals.map((journal) => journal[HINTS]));
      if (group[0]!.events) replayBatch(this, readStoredEvents(group[0]!.events), hints);
      for (const journal of journals)
        for (const [vehicleId, part] of Object.entries(journal)) {
          if (vehicleId === HINTS) continue;
          this.#vehicles.set(vehicleId, withJournalPart(this.#vehicle(vehicleId), part as JournalPart));
          this.#unsettled.add(vehicleId);
        }
    }
    if (this.#unsettled.size || this.#recoveryChars) this.#unsettledSince = Date.now();
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
    // Not journaled: a new instance replays the stored batch (constructor). The settle writes it.
    if (mergeLatest(state, event)) {
      this.#unsettled.add(event.vehicleId);
      this.#unsettledSince ??= Date.now();
    }
    return { fresh };
  }

  health(vehicleId: string) {
    return this.#vehicles.get(vehicleId)?.health;
  }

  risk(vehicleId: string) {
    return this.#vehicles.get(vehicleId)?.risk;
  }

  /** Moves whenever a vehicle's stored risk may have changed (a scoring, a vehicle adopted or forgotten). */
  get riskChanges(): number {
    return this.#riskChanges;
  }

  /** After a model update: the health models' new state and, when re-scored, the vehicle's risk; journaled with the next batch or by the alarm. */
  setHealth(vehicleId: string, health: HealthState, risk?: StoredRisk) {
    const state = this.#vehicle(vehicleId);
    state.health = health;
    if (risk) {
      this.#riskChanges++;
      state.risk = risk;
    }
    this.#modelsDirty.add(vehicleId);
    this.#modelsSince ??= Date.now();
  }

  driving(vehicleId: string) {
    return this.#vehicles.get(vehicleId)?.driving;
  }

  /** Not journaled: a new instance replays the batch's driving (batch-replay.ts). The settle writes it. */
  setDriving(vehicleId: string, profiles: DrivingProfiles) {
    this.#vehicle(vehicleId).driving = profiles;
    this.#unsettled.add(vehicleId);
    this.#unsettledSince ??= Date.now();
  }

  /**
   * Whose baselines the vehicle's driving in this batch steps: its driver's, or UNASSIGNED. Noted in
   * the batch's hints when it is not the one a replay would take (the baselines used last).
   */
  drivingKey(vehicleId: string, driverId: string | null | undefined): string {
    const key = driverId ?? UNASSIGNED;
    if (key !== currentDriverKey(this.driving(vehicleId))) {
      this.#drivers.set(vehicleId, key);
      this.#unjournaledSince ??= Date.now();
    }
    return key;
  }

  /** Before a batch's rule pass: its rules whose clocks a replay of the batch can move, so they are not journaled. */
  beginBatch(rules: RuleDef[]) {
    this.#drivers.clear(); // only a batch notes them, and a batch that failed left them
    this.#replayRules = new Map([...rules, ...ANOMALY_RULES].filter(replayable).map((rule) => [rule.id, rule.metric]));
  }

  pair(ruleId: string, vehicleId: string): PairRecord {
    return this.#vehicles.get(vehicleId)?.rules[ruleId] ?? freshPair();
  }

  /** A pair's episode state changed (a signal, a resolve): journaled as that pair. */
  setPair(ruleId: string, vehicleId: string, pair: PairRecord) {
    this.#vehicle(vehicleId).rules[ruleId] = pair;
    let rules = this.#pairsDirty.get(vehicleId);
    if (!rules) this.#pairsDirty.set(vehicleId, (rules = new Set()));
    rules.add(ruleId);
    this.#unsettled.add(vehicleId);
    this.#unjournaledSince ??= Date.now();
  }

  /**
   * A rule step that moved only the pair's clock (`clockOnly`): nothing to journal when a replay of
   * the batch moves it (`beginBatch`), else that number, not the vehicle's state.
   */
  moveClock(ruleId: string, vehicleId: string, pair: PairRecord) {
    this.#vehicle(vehicleId).rules[ruleId] = pair;
    this.#unsettled.add(vehicleId);
    this.#unsettledSince ??= Date.now();
    if (this.#replayRules.has(ruleId)) return;
    let clocks = this.#clocked.get(vehicleId);
    if (!clocks) this.#clocked.set(vehicleId, (clocks = new Map()));
    clocks.set(ruleId, pair.lastTs);
    this.#unjournaledSince ??= Date.now();
  }

  /** A replayed event moves the rule's clock on the vehicle forward (batch-replay.ts). */
  replayClock(ruleId: string, vehicleId: string, ts: number) {
    const pair = (this.#vehicle(vehicleId).rules[ruleId] ??= freshPair());
    if (ts > pair.lastTs) pair.lastTs = ts;
    this.#unsettled.add(vehicleId);
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

  /** The vehicles this object holds state for. */
  vehicleIds(): IterableIterator<string> {
    return this.#vehicles.keys();
  }

  /** A vehicle's whole state, for its new shard (shard-handoff.ts). */
  snapshot(vehicleId: string): VehicleState | undefined {
    return this.#vehicles.get(vehicleId);
  }

  /**
   * Takes a vehicle's state from the shard it leaves: it replaces what this object holds, except
   * newer latest readings heard here first. Made durable by the next `flush` (the caller's transaction).
   */
  adopt(vehicleId: string, state: VehicleState) {
    this.#riskChanges++;
    const here = this.#vehicles.get(vehicleId);
    const latest = here?.latest && (!state.latest || here.latest.ts > state.latest.ts) ? here.latest : state.latest;
    this.#vehicles.set(vehicleId, revive({ ...state, latest }));
    this.#touch(vehicleId);
    this.#modelsDirty.add(vehicleId);
    this.#modelsSince ??= Date.now();
  }

  /**
   * Drops the state of vehicles another shard now holds, durably: their pages are rewritten
   * without them and the journal is settled (call inside a transaction).
   */
  forget(vehicleIds: Iterable<string>) {
    this.#riskChanges++;
    for (const vehicleId of vehicleIds) {
      if (!this.#vehicles.delete(vehicleId)) continue;
      this.#dirty.delete(vehicleId);
      this.#pairsDirty.delete(vehicleId);
      this.#clocked.delete(vehicleId);
      this.#drivers.delete(vehicleId);
      this.#modelsDirty.delete(vehicleId);
      this.#unsettled.delete(vehicleId);
      const page = this.#pageOf.get(vehicleId);
      if (page === undefined) continue;
      this.#pageOf.delete(vehicleId);
      const members = this.#pages.get(page)!;
      members.delete(vehicleId);
      // The page's remaining vehicles are written again by the settle below (an empty page is deleted).
      if (members.size) for (const member of members) this.#unsettled.add(member);
      else {
        this.#pages.delete(page);
        deletePage(this.sql, page);
      }
    }
    this.settle();
  }

  /** When the alarm must journal what no batch did, or settle the journal (`writeDue`), or null. */
  flushDueAt(): number | null {
    const pending = (this.#oldestUnjournaled() ?? Infinity) + DEFERRED_WRITE_MS;
    const due = Math.min(pending, this.#settleDueAt() ?? Infinity);
    return Number.isFinite(due) ? due : null;
  }

  #settleDueAt(): number | null {
    if (this.#unsettledSince === null) return null;
    return this.#recoveryChars >= MAX_RECOVERY_CHARS ? this.#unsettledSince : this.#unsettledSince + SETTLE_MS;
  }

  /** On the alarm, in one transaction: settles the journal when due, else journals what is due (`flush`). */
  writeDue(now: number) {
    const settle = this.#settleDueAt();
    if (settle !== null && settle <= now) return this.settle();
    const unjournaled = this.#oldestUnjournaled();
    if (unjournaled !== null && unjournaled + DEFERRED_WRITE_MS <= now) this.flush();
  }

  #oldestUnjournaled(): number | null {
    const since = Math.min(this.#unjournaledSince ?? Infinity, this.#modelsSince ?? Infinity);
    return Number.isFinite(since) ? since : null;
  }

  #touch(vehicleId: string) {
    this.#dirty.add(vehicleId);
    this.#unjournaledSince ??= Date.now();
  }

  /**
   * Makes the batch's changes durable with it: `insert` stores the batch's row under the id given,
   * with the journal of everything changed since the last journal (null when nothing did): the
   * rule pass's states, and the models' state of earlier batches' scoring, which rides along
   * instead of costing a row of its own. A very large batch's further chunks follow it as journal
   * rows, and so does a first chunk longer than `room` characters (what the batch's row has left
   * below a value's 2 MB limit). Call inside the batch's transaction. Batch ids only grow
   * (retention deleting old batches does not let them start again), so a new instance replays
   * batches and rows in written order.
   */
  flushWithBatch(insert: (id: number, journal: string | null) => void, room: number, storedChars: number): number {
    const id = ++this.#newestBatch;
    // A new instance replays this batch until a settle moves the cursor past it.
    this.#recoveryChars += storedChars;
    this.#unsettledSince ??= Date.now();
    const modelsDue = this.#modelsSince !== null && this.#modelsSince + MODEL_STATE_RIDE_MS <= Date.now();
    const chunks = this.#takeChanges(modelsDue, this.#takeHints());
    const inRow = chunks[0] !== undefined && chunks[0].length <= room ? chunks.shift()! : null;
    insert(id, inRow);
    for (const data of chunks) this.#writeJournalRow(data);
    return id;
  }

  /**
   * Makes what changed outside a batch durable as journal rows: a resolve's or a scoring's rule
   * state at once (inside their transaction), and, on the alarm when no batch carried it within
   * DEFERRED_WRITE_MS, the health models' state and risk of the vehicles scored since.
   */
  flush() {
    for (const data of this.#takeChanges(true)) this.#writeJournalRow(data);
  }

  /** The batch's replay hints (HINTS), taken once: the clocks it moves on replay, driver changes. */
  #takeHints(): ReplayHints | null {
    const rules = this.#replayRules;
    this.#replayRules = new Map();
    const hints: ReplayHints = {};
    // The anomaly rules' clocks are always replayed, from the replayed driving's scores.
    const tenantRules = [...rules].filter(([id]) => !ANOMALY_RULE_IDS.has(id));
    if (tenantRules.length) hints.rules = Object.fromEntries(tenantRules);
    if (this.#drivers.size) hints.drivers = Object.fromEntries(this.#drivers);
    this.#drivers.clear();
    return hints.rules || hints.drivers ? hints : null;
  }

  /**
   * Everything changed since the last journal, as chunks: rule-pass state, and with `withModels`
   * scored vehicles' model state (a batch carries it once it is MODEL_STATE_RIDE_MS old); a
   * batch's replay hints first.
   */
  #takeChanges(withModels: boolean, hints: ReplayHints | null = null): string[] {
    const dirty = this.#dirty;
    const changedPairs = this.#pairsDirty;
    const clocked = this.#clocked;
    const models = withModels ? this.#modelsDirty : new Set<string>();
    const vehicleIds = new Set([...dirty, ...changedPairs.keys(), ...clocked.keys(), ...models]);
    const chunks = this.#chunks(vehicleIds, hints, (state, vehicleId) => {
      const part: JournalPart = dirty.has(vehicleId) ? journaled(state) : {};
      const pairs = changedPairs.get(vehicleId);
      const clocks = clocked.get(vehicleId);
      if (!dirty.has(vehicleId)) {
        if (pairs) part.pairs = Object.fromEntries([...pairs].map((ruleId) => [ruleId, state.rules[ruleId]!]));
        if (clocks) part.clocks = Object.fromEntries(clocks);
      }
      if (models.has(vehicleId)) {
        part.health = state.health;
        part.risk = state.risk;
      }
      return part;
    });
    dirty.clear();
    changedPairs.clear();
    clocked.clear();
    this.#unjournaledSince = null;
    if (withModels) {
      models.clear();
      this.#modelsSince = null;
    }
    return chunks;
  }

  /** `part` of each vehicle's state as journal chunks, {vehicleId: part, …}, each state serialised once. */
  #chunks(vehicleIds: Set<string>, hints: ReplayHints | null, part: (state: VehicleState, vehicleId: string) => JournalPart): string[] {
    if (!vehicleIds.size && !hints) return [];
    const parts = [...vehicleIds].map((id): [string, string] => [id, JSON.stringify(part(this.#vehicles.get(id)!, id))]);
    if (hints) parts.unshift([HINTS, JSON.stringify(hints)]);
    const chunks = packPages(parts).map((page) => page.data);
    for (const data of chunks) this.#recoveryChars += data.length;
    for (const vehicleId of vehicleIds) this.#unsettled.add(vehicleId);
    this.#unsettledSince ??= Date.now();
    return chunks;
  }

  #writeJournalRow(data: string) {
    writeJournalRow(this.sql, this.#newestBatch, data);
  }

  /**
   * Writes the page of every vehicle changed since the last settle and empties the journal (one
   * transaction, on the alarm). A vehicle seen for the first time joins the newest page; a page
   * grown past PAGE_CHARS leaves its overflow to new pages.
   */
  settle() {
    for (const vehicleId of this.#dirty) this.#unsettled.add(vehicleId);
    for (const vehicleId of this.#modelsDirty) this.#unsettled.add(vehicleId);
    const touched = new Set<number>();
    for (const vehicleId of this.#unsettled) {
      if (!this.#pageOf.has(vehicleId)) this.#place(vehicleId, Math.max(this.#lastPage, 1));
      touched.add(this.#pageOf.get(vehicleId)!);
    }
    for (const page of touched) {
      const members = [...this.#pages.get(page)!].map((id): [string, string] => [id, JSON.stringify(this.#vehicles.get(id))]);
      for (const [i, chunk] of packPages(members).entries()) {
        const target = i === 0 ? page : this.#lastPage + 1;
        for (const vehicleId of chunk.vehicleIds) this.#place(vehicleId, target);
        writePage(this.sql, target, chunk.data);
      }
    }
    clearJournalRows(this.sql);
    if (this.#journalThrough !== this.#newestBatch) {
      this.#journalThrough = this.#newestBatch;
      saveJournalCursor(this.sql, this.#journalThrough);
    }
    this.#unsettled.clear();
    this.#dirty.clear();
    this.#pairsDirty.clear();
    this.#clocked.clear();
    this.#modelsDirty.clear();
    this.#unjournaledSince = null;
    this.#modelsSince = null;
    this.#unsettledSince = null;
    this.#recoveryChars = 0;
  }

  /** The highest page id in use (0 before any). */
  #lastPage = 0;

  #place(vehicleId: string, page: number) {
    this.#lastPage = Math.max(this.#lastPage, page);
    const from = this.#pageOf.get(vehicleId);
    if (from === page) return;
    if (from !== undefined) this.#pages.get(from)!.delete(vehicleId);
    this.#pageOf.set(vehicleId, page);
    let members = this.#pages.get(page);
    if (!members) this.#pages.set(page, (members = new Set()));
    members.add(vehicleId);
  }
}

const ANOMALY_RULE_IDS = new Set(ANOMALY_RULES.map((rule) => rule.id));

/** The journal and the batches to replay are settled at once past this size: a new instance parses all of it before its first request. */
const MAX_RECOVERY_CHARS = 16 * 1024 * 1024;
