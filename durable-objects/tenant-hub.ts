import { DurableObject } from "cloudflare:workers";
import type { Alert, AlertAction, AlertEvent, AlertWorkChange, TransitionResult } from "../worker/domain/alert";
import { HEARTBEAT, VIEWER_HEADER } from "../worker/domain/live-protocol";
import type { RuleDef } from "../worker/domain/rule-engine";
import { type ActiveSilence, isSilenced } from "../worker/domain/silence";
import type { IncomingEvent, IngestResult } from "../worker/domain/telemetry";
import { AlertBook } from "./alert-book";
import { planTransition } from "./alert-transition";
import { planWork } from "./alert-work";
import { cancelEscalations } from "./escalation-schedule";
import { HubAlarm } from "./hub-alarm";
import { ingestBatch } from "./hub-ingest";
import { readTelemetryBody } from "../worker/lib/telemetry-body";
import { HubMeta } from "./hub-meta";
import type { HubPorts, VehicleRef } from "./hub-ports";
import { HUB_MIGRATIONS } from "./hub-storage";
import { canSee, type DriverOf, type Viewer } from "./live-room";
import { armSessionExpiry, closeExpiredSessions, closeSessions, resumeAllowed } from "./live-sessions";
import { closeQuietly, LiveSockets } from "./live-sockets";
import { type ReadingSeries, recentReadings } from "./recent-readings";
import { ReadingsStore } from "./readings-store";
import { previewRule } from "./rule-preview";
import { migrateStorage } from "./storage-migrations";
import { sweepOffline } from "./offline-sweep";
import { OfflineWatch } from "./offline-watch";
import { TenantDirectory } from "./tenant-directory";
import { HubPredictions, type WorkOrderOutcome } from "./hub-predictions";
import { PredictiveOutcomes } from "./predictive-outcomes";
import type { FleetRisks, RiskView } from "./vehicle-risk";
import { VehicleStates } from "./vehicle-states";
import { acceptRelayed, type RelayedEvent } from "./shard-relay";
import type { HandOverAnswer, VehicleHandoff } from "./shard-handoff";
import { ShardMoves } from "./shard-moves";
import { ShardRouter } from "./shard-router";
import { ingestAcrossShards, parseShardName, shardName, shardOf } from "./shards";
import type { PreviewOutcome } from "./rule-preview";

/**
 * One object per tenant (`idFromName(tenantId)`): the unit of ordering and live fan-out. It
 * accepts telemetry batches durably (hub-ingest.ts), owns alerts and their `seq`, serves the live
 * room (live-sockets.ts) and does its time-based work from one alarm (hub-alarm.ts). Everything
 * outside its storage goes through `HubPorts`; the Worker binds them as `TenantHub`
 * (worker/hub/tenant-hub.ts), the class wrangler.toml names. A tenant with `ingestShards` > 1
 * has more objects of this class (shards.ts): this one stays the room and sends each call about
 * a vehicle or alert of another shard there; the others take their vehicles' telemetry and relay
 * their alert events here (shard-relay.ts).
 */
export class TenantHubCore extends DurableObject<Env> {
  #book!: AlertBook;
  #states!: VehicleStates;
  #outcomes!: PredictiveOutcomes;
  #predictions!: HubPredictions;
  #alarm!: HubAlarm;
  #live!: LiveSockets;
  #offline!: OfflineWatch;
  #readings!: ReadingsStore;
  #directory?: TenantDirectory;
  #tenantId?: string;
  /** Which shard this object is (0: the tenant's room, the only one for an unsharded tenant). */
  #shard = 0;
  /** Changes of the tenant's shard count, and the count this object follows (shard-moves.ts). */
  #moves!: ShardMoves;
  readonly #meta: HubMeta;
  readonly #ports: HubPorts;
  readonly #shards: ShardRouter;

  constructor(ctx: DurableObjectState, env: Env, ports: HubPorts) {
    super(ctx, env);
    this.#ports = ports;
    this.#meta = new HubMeta(ctx.storage.sql);
    this.#shards = new ShardRouter({
      namespace: env.TENANT_HUB,
      sql: ctx.storage.sql,
      tenantId: () => this.#tenantId!,
      shard: () => this.#shard,
      directory: () => this.#self(),
    });
    ctx.blockConcurrencyWhile(async () => {
      migrateStorage(ctx.storage.sql, HUB_MIGRATIONS);
      this.#book = new AlertBook(ctx.storage.sql);
      this.#states = new VehicleStates(ctx.storage.sql);
      // Continuing-episode values held back from the log when the object was evicted: logged on the next alarm.
      this.#book.restoreHeld(this.#states.heldEpisodes(), Date.now());
      this.#outcomes = new PredictiveOutcomes(ctx.storage.sql);
      this.#predictions = new HubPredictions(this.#states, this.#outcomes);
      this.#live = new LiveSockets(ctx, this.#book);
      this.#offline = new OfflineWatch(ctx.storage.sql);
      // Rebuilds its buffer from the raw batches a previous instance had not yet written.
      this.#readings = new ReadingsStore(ctx.storage.sql, (run) => ctx.storage.transactionSync(run));
      this.#moves = new ShardMoves({
        ctx,
        meta: this.#meta,
        parts: { states: this.#states, book: this.#book, offline: this.#offline },
        readings: this.#readings,
        shards: this.#shards,
        shard: () => this.#shard,
        flushHeld: () => this.#flushHeld(Date.now(), true),
        accept: (shard, events, also) => this.#acceptFrom(shard, events, also),
        armAlarm: () => this.#alarm.arm(),
        countChanged: () => this.#directory?.invalidate(),
      });
      this.#alarm = new HubAlarm({
        storage: ctx.storage,
        meta: this.#meta,
        book: this.#book,
        readings: this.#readings,
        ports,
        queues: { normal: env.NOTIFY_QUEUE, urgent: env.NOTIFY_URGENT_QUEUE },
        tenantId: () => this.#tenantId,
        ingest: async (tenantId, key, events) => {
          const result = await this.#ingestAcross(tenantId, key, events);
          if (!result.ok) throw new Error(`Geotab batch rejected: ${JSON.stringify(result.errors.slice(0, 3))}`);
          return result;
        },
        escalationPolicies: () => this.#bind(this.#tenantId!).escalationPolicies(),
        alertUpdateWebhooks: () => this.#bind(this.#tenantId!).alertUpdateWebhooks(),
        forecast: (alert) => this.#forecastAnywhere(alert),
        publishWorkOrder: (workOrder) => this.#live.broadcastWorkOrder(workOrder),
        relay: () => (this.#shard ? (events) => this.#shards.on(0, (room) => room.relay(this.#tenantId!, this.#shard, events)) : undefined),
        deferred: {
          nextDueAt: () => minOf(this.#readings.flushDueAt(), this.#states.flushDueAt()),
          flush: (now) => {
            if ((this.#readings.flushDueAt() ?? Infinity) <= now) this.#readings.flush();
            if ((this.#states.flushDueAt() ?? Infinity) <= now) this.ctx.storage.transactionSync(() => this.#states.writeDue(now));
          },
        },
        live: {
          nextDueAt: () => this.#book.nextHeldAt(),
          flushDue: (now) => this.#flushHeld(now, false),
        },
        offline: async (now) => {
          if (!this.#tenantId) return;
          const directory = this.#self();
          const shards = await directory.shards();
          const deps = { storage: ctx.storage, states: this.#states, book: this.#book, watch: this.#offline, directory };
          const owns = (vehicle: VehicleRef) => shardOf(vehicle.externalId, shards) === this.#shard;
          await sweepOffline({ ...deps, owns, publish: (e, byId) => this.#publish(e, byId) }, now);
        },
      });
      this.#tenantId = this.#meta.get("tenantId");
      this.#shard = Number(this.#meta.get("shard") ?? 0);
      if (this.#tenantId) {
        // Objects from before the schedule table get its jobs when they next wake.
        this.#alarm.seed();
        await this.#alarm.arm();
      }
    });
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(HEARTBEAT.request, HEARTBEAT.response));
  }

  /**
   * Accepts a batch once (by idempotency key), durably, then evaluates rules and broadcasts. A
   * shard (addressed by its shardName) gets its part and the vehicle ids of the whole batch.
   */
  async ingest(tenantId: string, key: string, incoming: IncomingEvent[], batchVehicleIds?: string[]): Promise<IngestResult> {
    return await this.#ingestRouted(this.#bind(tenantId), key, incoming, batchVehicleIds);
  }

  /**
   * A Standard Webhooks body the Worker verified (worker/services/ingest.ts), read and validated
   * here: bytes cross the RPC boundary in one copy, where the parsed events would be serialised and
   * rebuilt one by one. Rejected whole, naming each bad field, like `ingest`.
   */
  async ingestBody(tenantId: string, key: string, body: Uint8Array): Promise<IngestResult> {
    const read = readTelemetryBody(body);
    return read.ok ? await this.#ingestRouted(this.#bind(tenantId), key, read.events, undefined, read.text) : read;
  }

  /** `bodyText`, the verified body of exactly `incoming`, is stored as the batch's raw row only when the batch stays whole here. */
  #ingestRouted(directory: TenantDirectory, key: string, incoming: IncomingEvent[], batchVehicleIds?: string[], bodyText?: string) {
    return this.#moves.route(key, incoming, batchVehicleIds, (part, ids) =>
      this.#ingestOwn(directory, key, part, ids, part === incoming ? bodyText : undefined),
    );
  }

  async #ingestOwn(
    directory: TenantDirectory,
    key: string,
    incoming: IncomingEvent[],
    batchVehicleIds?: string[],
    bodyText?: string,
  ): Promise<IngestResult> {
    const result = await ingestBatch(
      {
        storage: this.ctx.storage,
        states: this.#states,
        book: this.#book,
        directory,
        outcomes: this.#outcomes,
        emit: (events, byId) => this.#publish(events, byId),
        // Alert work runs on the alarm a moment later, off this request and the next (deferred-writes.ts).
        handoff: (urgent) => this.#alarm.syncSoon(urgent),
        offline: this.#offline,
        downsample: (events, now, batch) => this.#readings.record(events, now, batch),
      },
      key,
      incoming,
      batchVehicleIds,
      bodyText,
    );
    // The readings buffer and the model state are written on the alarm, a few seconds from now.
    const deferredAt = minOf(this.#readings.flushDueAt(), this.#states.flushDueAt());
    if (deferredAt !== null) this.#alarm.runBy(deferredAt);
    return result;
  }

  /** GET /api/vehicles/:id/readings: the vehicle's downsampled readings in [from, to) (epoch ms), oldest first. */
  async recentReadings(tenantId: string, vehicleId: string, from: number, to: number, maxPoints: number): Promise<ReadingSeries> {
    this.#bind(tenantId);
    const owner = await this.#shards.ownerOf(vehicleId);
    if (owner) return await this.#shards.on(owner, (stub, name) => stub.recentReadings(name, vehicleId, from, to, maxPoints));
    return recentReadings(this.#readings, vehicleId, from, to, maxPoints);
  }

  /** POST /api/rules/preview: what a draft rule would have raised on the stored telemetry in [since, until), every shard's. */
  async previewRule(tenantId: string, rule: RuleDef, since: number, until: number): Promise<PreviewOutcome> {
    this.#bind(tenantId);
    const own = previewRule(this.ctx.storage.sql, rule, since, until);
    const others = await this.#shards.each((stub, name) => stub.previewRule(name, rule, since, until));
    return {
      eventsEvaluated: others.reduce((n, o) => n + o.eventsEvaluated, own.eventsEvaluated),
      vehicles: [...own.vehicles, ...others.flatMap((o) => o.vehicles)],
    };
  }

  /** The vehicle's risk (docs/api.md "Predictive"): one score from its components, calibrated by the outcomes its shard holds. */
  async risk(tenantId: string, vehicleId: string): Promise<RiskView> {
    this.#bind(tenantId);
    const owner = await this.#shards.ownerOf(vehicleId);
    if (owner) return await this.#shards.on(owner, (stub, name) => stub.risk(name, vehicleId));
    return this.#predictions.risk(vehicleId);
  }

  /** Risks of several vehicles at once (the vehicle list), each from its shard. */
  async risks(tenantId: string, vehicleIds: string[]): Promise<Record<string, RiskView>> {
    this.#bind(tenantId);
    return await this.#risksByOwner(await this.#shards.ownersOf(vehicleIds));
  }

  /**
   * The fleet list's risks (worker/services/vehicle-pages.ts), with the revision they were read at:
   * none when `known` is still the revision, so the Worker answers with the list it remembered.
   * A revision only while this object holds every one of the vehicles (no shard owns one).
   */
  async fleetRisks(tenantId: string, vehicleIds: string[], known: string | null): Promise<FleetRisks> {
    this.#bind(tenantId);
    const owners = await this.#shards.ownersOf(vehicleIds);
    const revision = [...owners.keys()].every((owner) => !owner) ? this.#predictions.riskRevision() : null;
    if (revision !== null && revision === known) return { revision, risks: null };
    return { revision, risks: await this.#risksByOwner(owners) };
  }

  /** Each owner's vehicles' risks: this object's own, a shard's from that shard. */
  async #risksByOwner(owners: Map<number, string[]>): Promise<Record<string, RiskView>> {
    const parts = await Promise.all(
      [...owners].map(([owner, ids]) =>
        owner
          ? this.#shards.on(owner, (stub, name) => stub.risks(name, ids))
          : Object.fromEntries(ids.map((id) => [id, this.#predictions.risk(id)])),
      ),
    );
    return Object.assign({}, ...parts);
  }

  /** A work order's outcome (completed as failure confirmed or no fault found), kept by the shard that predicted it. */
  async recordOutcome(tenantId: string, outcome: WorkOrderOutcome): Promise<{ recorded: boolean }> {
    this.#bind(tenantId);
    const owner = (outcome.alertId ? this.#shards.originOf(outcome.alertId) : 0) || (await this.#shards.ownerOf(outcome.vehicleId));
    if (owner) return await this.#shards.on(owner, (stub, name) => stub.recordOutcome(name, outcome));
    return this.#predictions.recordOutcome(outcome);
  }

  /** Outcomes recorded per component and the calibration in use. */
  outcomeSummary(tenantId: string) {
    this.#bind(tenantId);
    return this.#predictions.summary();
  }

  /** Drops cached vehicles and rules after the API changed them (the room: on every shard too); the next event reloads. */
  async invalidate(tenantId: string) {
    this.#bind(tenantId).invalidate();
    await this.#shards.each((stub, name) => stub.invalidate(name));
  }

  /** The room, before D1 stores a new shard count: every shard's vehicles that move go to their new shard (shard-moves.ts). */
  async reshard(tenantId: string, previous: number, count: number) {
    const { byId } = await this.#bind(tenantId).vehicles();
    await this.#moves.reshard(previous, count, byId);
  }

  /** This shard's part of a change of the count (shard-moves.ts `handOver`). */
  async handOver(name: string, count: number): Promise<HandOverAnswer> {
    const { byId } = await this.#bind(name).vehicles();
    return await this.#moves.handOver(count, byId);
  }

  /** Vehicles another shard hands over (shard-moves.ts `adopt`). */
  async adopt(name: string, count: number, handoff: VehicleHandoff) {
    const { byId } = await this.#bind(name).vehicles();
    await this.#moves.adopt(count, handoff, byId);
  }

  /** The vehicle's newest readings, or null before any telemetry. */
  async latest(tenantId: string, vehicleId: string): Promise<ReturnType<VehicleStates["latestView"]>> {
    this.#bind(tenantId);
    const owner = await this.#shards.ownerOf(vehicleId);
    if (owner) return await this.#shards.on(owner, (stub, name) => stub.latest(name, vehicleId));
    return this.#states.latestView(vehicleId);
  }

  /** One alert as the object holds it now (the source of truth), if the viewer may see it. */
  async alert(tenantId: string, viewer: Viewer, alertId: string): Promise<Alert | null> {
    this.#bind(tenantId);
    const driverOf = await this.#driverOf();
    const alert = this.#book.get(alertId) ?? (await this.#ports.storedAlert(tenantId, alertId)) ?? undefined;
    return alert && canSee(viewer, { seq: alert.seq, kind: "alert", alert }, driverOf) ? alert : null;
  }

  /** Acknowledge, resolve or snooze an alert as `actor`; drivers only for their own vehicle. */
  async transition(tenantId: string, viewer: Viewer, alertId: string, change: AlertAction): Promise<TransitionResult> {
    const { byId } = await this.#bind(tenantId).vehicles();
    await this.#moves.settled(); // the alert may be on its way to another shard
    const origin = this.#shards.originOf(alertId);
    if (origin)
      return this.#asRelayed(
        await this.#shards.on<TransitionResult>(origin, async (stub, name) => await stub.transition(name, viewer, alertId, change)),
      );
    const alert = this.#book.get(alertId);
    if (!alert || !canSee(viewer, { seq: alert.seq, kind: "alert", alert }, (id) => byId.get(id)?.driverId)) {
      return { ok: false, error: "not_found", detail: "No such alert." };
    }
    const now = Date.now();
    const plan = planTransition(alert, change, viewer.userId, now);
    if (plan.kind === "conflict") return { ok: false, error: "conflict", detail: plan.detail };
    if (plan.kind === "unchanged") return { ok: true, alert: plan.alert };
    const event = this.ctx.storage.transactionSync(() => {
      if (change.action === "resolve" && alert.ruleId) this.#states.resetPair(alert.ruleId, alert.vehicleId);
      const recorded = this.#book.record("alert.updated", plan.next, now);
      if (change.action !== "snooze") cancelEscalations(this.ctx.storage.sql, alert.id); // acknowledging stops the chain
      this.#states.flush();
      return recorded;
    });
    this.#publish([event], byId);
    await this.#alarm.syncNow();
    return { ok: true, alert: event.alert };
  }

  /**
   * Alert work (assign, count a comment, reopen) as `viewer`, recorded like any alert change: one
   * `alert.updated` event with the next seq, on the live stream and on its way to D1. A resolved
   * alert retention dropped from the object comes back from D1.
   */
  async work(tenantId: string, viewer: Viewer, alertId: string, change: AlertWorkChange): Promise<TransitionResult> {
    const { byId } = await this.#bind(tenantId).vehicles();
    await this.#moves.settled();
    const origin = this.#shards.originOf(alertId);
    if (origin)
      return this.#asRelayed(
        await this.#shards.on<TransitionResult>(origin, async (stub, name) => await stub.work(name, viewer, alertId, change)),
      );
    const alert = this.#book.get(alertId) ?? (await this.#ports.storedAlert(tenantId, alertId)) ?? undefined;
    if (!alert || !canSee(viewer, { seq: alert.seq, kind: "alert", alert }, (id) => byId.get(id)?.driverId)) {
      return { ok: false, error: "not_found", detail: "No such alert." };
    }
    const plan = planWork(alert, change);
    if (plan.kind === "conflict") return { ok: false, error: "conflict", detail: plan.detail };
    if (plan.kind === "unchanged") return { ok: true, alert: plan.alert };
    const event = this.ctx.storage.transactionSync(() => this.#book.record("alert.updated", plan.next, Date.now()));
    this.#publish([event], byId);
    await this.syncNow();
    return { ok: true, alert: event.alert };
  }

  /** Sends a work-order change to every staff socket and SSE stream of the tenant (drivers do not get them). */
  publishWorkOrder(tenantId: string, workOrder: Record<string, unknown>) {
    this.#bind(tenantId);
    this.#live.broadcastWorkOrder(workOrder);
  }

  /**
   * Writes pending alert changes to D1 now (serialised with any sync already running), held
   * continuing-episode updates included: they are logged (and streamed) first.
   */
  async syncNow(): Promise<number> {
    await this.#flushHeld(Date.now(), true);
    return await this.#alarm.syncNow();
  }

  /** Starts (or keeps) polling Geotab from this object's alarm; called when Geotab is configured and by the cron sweep. */
  async armGeotab(tenantId: string) {
    this.#bind(tenantId);
    await this.#alarm.armGeotab();
  }

  /**
   * The cron backstop (worker/scheduled.ts): adds missing scheduled jobs and re-arms the alarm.
   * Returns the alarm as it was, so the caller can log a tenant whose alarm was lost or overdue.
   */
  async ensureAlarm(tenantId: string) {
    this.#bind(tenantId);
    await this.#shards.each((stub, name) => stub.ensureAlarm(name));
    return await this.#alarm.ensure();
  }

  /**
   * The room takes a shard's alert events (shard-relay.ts): each is recorded under the tenant's
   * next seq, streamed, and synced and notified like the room's own. Idempotent per shard seq.
   */
  async relay(tenantId: string, shard: number, events: RelayedEvent[]) {
    this.#bind(tenantId);
    await this.#moves.settled();
    await this.#acceptFrom(shard, events);
  }

  /** Records a shard's relayed events (and runs `also` in the same transaction), then streams them. */
  async #acceptFrom(shard: number, events: RelayedEvent[], also?: () => void) {
    const { byId } = await this.#self().vehicles();
    const recorded = this.ctx.storage.transactionSync(() => {
      const accepted = shard ? acceptRelayed(this.ctx.storage.sql, this.#meta, this.#book, shard, events, Date.now()) : [];
      also?.();
      // Set inside the transaction, as a batch's hand-off is: committed with the events or not at all.
      if (accepted.length) this.#alarm.syncSoon(accepted.some((e) => e.kind === "alert" && e.alert.severity === "critical"));
      return accepted;
    });
    this.#live.broadcast(recorded, (id) => byId.get(id)?.driverId);
  }

  /** A shard's forecast for one of its alerts (the room proposes the work order). */
  async forecastFor(tenantId: string, alert: Alert) {
    this.#bind(tenantId);
    return await this.#forecast(alert);
  }

  /** A silence was created: pending escalation steps of the alerts it covers now never fire. Returns how many alerts. */
  async cancelSilencedEscalations(tenantId: string, silence: ActiveSilence) {
    this.#bind(tenantId);
    const now = Date.now();
    const cancelled = this.#alarm.cancelSilenced((alert) => isSilenced(alert, [silence], now));
    await this.invalidate(tenantId); // the next batch sees the silence too, on every shard
    await this.#alarm.arm();
    return cancelled;
  }

  /** Runs the alert outboxes, escalations and due scheduled jobs (hub-alarm.ts); always re-arms, even when a step throws. */
  override async alarm() {
    closeExpiredSessions(this.ctx);
    await this.#alarm.run();
    await armSessionExpiry(this.ctx);
  }

  /** Logout or revocation: closes the live sockets of one token, or of all the user's tokens. */
  endSessions(tenantId: string, userId: string, jti?: string): number {
    this.#bind(tenantId);
    return closeSessions(this.ctx, userId, jti);
  }

  /** WebSocket upgrade (hibernation API) and SSE; the Worker has verified the token already. */
  override async fetch(request: Request): Promise<Response> {
    const viewer = JSON.parse(request.headers.get(VIEWER_HEADER) ?? "null") as (Viewer & { tenantId: string }) | null;
    if (!viewer) return new Response("Forbidden", { status: 403 });
    this.#bind(viewer.tenantId);
    const response = await this.#live.open(request, viewer, () => this.#driverOf());
    await armSessionExpiry(this.ctx);
    return response;
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer) {
    if (!(await resumeAllowed(this.ctx, this.env.COSTLY_RATE_LIMIT, ws))) return;
    await this.#live.resume(ws, message, () => this.#driverOf());
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string) {
    closeQuietly(ws, code, reason);
  }

  override async webSocketError(ws: WebSocket) {
    closeQuietly(ws, 1011, "error");
  }

  /** The forecast a new alert of this object's proposes a work order with (hub-predictions.ts). */
  #forecast(alert: Alert) {
    return this.#predictions.forecast(alert, async () => (this.#tenantId ? await this.#self().rules() : undefined));
  }

  /** The forecast of an alert, from the shard that raised it (whose vehicle state it needs). */
  async #forecastAnywhere(alert: Alert) {
    const origin = this.#shards.originOf(alert.id);
    if (!origin) return await this.#forecast(alert);
    return await this.#shards.on(origin, (stub, name) => stub.forecastFor(name, alert));
  }

  async #driverOf(): Promise<DriverOf> {
    const { byId } = await this.#self().vehicles();
    return (id) => byId.get(id)?.driverId;
  }

  /** Logs held continuing-episode updates that are due (all of them with `all`) and streams them. */
  async #flushHeld(now: number, all: boolean) {
    if (this.#book.nextHeldAt() === null) return;
    const events = this.ctx.storage.transactionSync(() => this.#book.flushHeld(now, all));
    if (!events.length || !this.#tenantId) return;
    if (this.#shard) this.#relayNow();
    else this.#live.broadcast(events, await this.#driverOf());
  }

  /** Streams alert events and hands them to the alarm's alert work; a shard relays them to the room at once. */
  #publish(events: AlertEvent[], byId: Map<string, VehicleRef>) {
    if (!events.length) return;
    if (this.#shard) return this.#relayNow();
    this.#live.broadcast(events, (id) => byId.get(id)?.driverId);
    this.#alarm.syncSoon();
  }

  /** A shard sends its new alert events to the room at once; its alarm relays them if the room is unreachable. */
  #relayNow() {
    void this.#alarm.syncNow().catch(() => this.#alarm.syncSoon());
  }

  /** A batch the room takes itself (the Geotab poll): spread over the shards like a webhook's. */
  async #ingestAcross(tenantId: string, key: string, events: IncomingEvent[]) {
    const shards = await this.#bind(tenantId).shards();
    return await ingestAcrossShards(events, shards, (shard, part, ids) =>
      shard ? this.#shards.ingest(shard, key, part, ids) : this.ingest(tenantId, key, part, ids),
    );
  }

  /** A shard's result about one of its alerts, with the alert as the room recorded it (the tenant's seq). */
  #asRelayed(result: TransitionResult): TransitionResult {
    if (!result.ok) return result;
    return { ok: true, alert: this.#book.get(result.alert.id) ?? result.alert };
  }

  /** This object's directory, once bound. */
  #self(): TenantDirectory {
    return this.#bind(shardName(this.#tenantId!, this.#shard));
  }

  /** Binds the object to the tenant and shard its name says (shards.ts `shardName`) on first contact; any other name is refused. */
  #bind(name: string): TenantDirectory {
    const { tenantId, shard } = parseShardName(name);
    if (this.#tenantId && (this.#tenantId !== tenantId || this.#shard !== shard)) {
      throw new Error("TenantHub addressed with another tenant's or shard's name");
    }
    if (!this.#tenantId) {
      this.#tenantId = tenantId;
      this.#shard = shard;
      this.#meta.set("tenantId", tenantId);
      if (shard) this.#meta.set("shard", String(shard));
      // First contact: the scheduled jobs start now, with no cron needed (docs/time-driven-work.md).
      this.#alarm.seed();
      void this.#alarm.arm();
    }
    this.#directory ??= new TenantDirectory(this.#ports, tenantId, () => this.#moves.count);
    return this.#directory;
  }
}

/** The earlier of two optional times. */
const minOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
