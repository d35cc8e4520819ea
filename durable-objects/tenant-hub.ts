import { DurableObject } from "cloudflare:workers";
import { recentReadings } from "./recent-readings";
import type { Alert, AlertEvent } from "../worker/domain/alert";
import { ClientMessage, HEARTBEAT } from "../worker/domain/live-protocol";
import type { TelemetryEvent } from "../worker/domain/telemetry";
import { isSilenced } from "../worker/domain/silence";
import { pollGeotab } from "../worker/integrations/geotab/poller";
import type { NotificationJob } from "../worker/notifications/jobs";
import { iso } from "../worker/lib/time";
import { AlertBook } from "./alert-book";
import { SYNC_PAGE, syncAlertsToD1 } from "./alert-sync";
import { cancelEscalations, dueEscalations, finishStep, nextEscalationAt, postponeStep, scheduleEscalations } from "./escalation-schedule";
import { ANOMALY_RULES, drivingSignals } from "./driving-anomalies";
import { enqueueRaisedAlerts } from "./notify-outbox";
import { proposeFromNewAlerts } from "./predictive-outbox";
import { scoreTouchedVehicles } from "./model-scoring";
import { vehicleRisk } from "./vehicle-risk";
import { evaluateBatch, evaluateRules, type BatchContext } from "./evaluate-batch";
import { HUB_MIGRATIONS, RETENTION_MS } from "./hub-storage";
import { broadcast, broadcastWorkOrder, canSee, sseFrame, toMessage, type SseClient, type Viewer } from "./live-room";
import { VehicleStates } from "./vehicle-states";
import { migrateStorage } from "./storage-migrations";
import { TenantDirectory } from "./tenant-directory";

/** A telemetry event as the Worker hands it over: vehicles still named by `externalId`. */
export interface IncomingEvent {
  vehicleId: string;
  ts: number;
  readings: Record<string, number>;
  dtc?: string[];
}

export type IngestResult =
  | { ok: true; accepted: number; duplicate?: true }
  | { ok: false; errors: { path: string; message: string }[] };

export type AlertAction = { action: "ack" | "resolve"; note?: string } | { action: "snooze"; minutes: number };
export type TransitionResult = { ok: true; alert: Alert } | { ok: false; error: "not_found" | "conflict"; detail: string };

/** Live stream headers set by the Worker after it verified the token (never by the client). */
export const VIEWER_HEADER = "x-fleetpulse-viewer";

const PRUNE_EVERY_MS = 60 * 60 * 1000;
/** How often a tenant with a Geotab integration is polled (Geotab has no push). */
export const GEOTAB_POLL_MS = 60_000;

/**
 * One object per tenant (`idFromName(tenantId)`): the unit of ordering and live fan-out. It
 * accepts telemetry batches durably, runs the rule engine, owns alerts and their `seq`, serves
 * the live room (WebSocket hibernation and SSE) and syncs alerts to D1 off the hot path.
 */
export class TenantHub extends DurableObject<Env> {
  #book!: AlertBook;
  #states!: VehicleStates;
  #directory?: TenantDirectory;
  #tenantId?: string;
  readonly #sse = new Set<SseClient>();
  #syncing: Promise<unknown> = Promise.resolve();
  #syncScheduled = false;
  #proposing: Promise<unknown> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      migrateStorage(ctx.storage.sql, HUB_MIGRATIONS);
      this.#book = new AlertBook(ctx.storage.sql);
      this.#states = new VehicleStates(ctx.storage.sql);
      this.#tenantId = this.#meta("tenantId");
    });
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(HEARTBEAT.request, HEARTBEAT.response));
  }

  /** Accepts a batch once (by idempotency key), durably, then evaluates rules and broadcasts. */
  async ingest(tenantId: string, key: string, incoming: IncomingEvent[]): Promise<IngestResult> {
    const directory = this.#bind(tenantId);
    const sql = this.ctx.storage.sql;
    if (sql.exec("SELECT 1 FROM ingested_batches WHERE key = ?", key).toArray().length) return { ok: true, accepted: 0, duplicate: true };

    let { byExternal } = await directory.vehicles();
    if (incoming.some((e) => !byExternal.has(e.vehicleId))) {
      directory.invalidate(); // a vehicle registered a moment ago on another isolate
      ({ byExternal } = await directory.vehicles());
    }
    const errors = incoming.flatMap((e, i) =>
      byExternal.has(e.vehicleId) ? [] : [{ path: `events.${i}.vehicleId`, message: `Unknown vehicle externalId "${e.vehicleId}"` }],
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
      states: this.#states,
      book: this.#book,
      now,
      silenced: (alert) => isSilenced(alert, activeSilences, now),
      toScore: new Set(),
      machineReadings: [],
      driving: [],
    };
    const raised = this.ctx.storage.transactionSync(() => {
      sql.exec("INSERT INTO ingested_batches (key, received_at, event_count, events) VALUES (?, ?, ?, ?)", key, now, events.length, JSON.stringify(events));
      const out = evaluateBatch(events, context);
      const drivingScores = drivingSignals(
        context.driving!,
        (id) => byId.get(id)?.driverId,
        (id) => this.#states.driving(id),
        (id, profiles) => this.#states.setDriving(id, profiles),
      );
      out.push(...evaluateRules(drivingScores, { ...context, rules: ANOMALY_RULES }));
      this.#states.flush();
      return out;
    });
    await this.#scheduleEscalations(raised, now);
    this.#publish(raised, byId);
    // The models run after the rule alerts are on the sockets, so scoring never delays them.
    if (context.toScore!.size || context.machineReadings!.length) {
      const predicted = await scoreTouchedVehicles(this.ctx.storage, this.#states, context);
      await this.#scheduleEscalations(predicted, now);
      this.#publish(predicted, byId);
    }
    return { ok: true, accepted: events.length };
  }

  /** GET /api/vehicles/:id/readings: the vehicle's readings since `since` (epoch ms), oldest first. */
  async recentReadings(tenantId: string, vehicleId: string, since: number, maxPoints: number) {
    this.#bind(tenantId);
    return recentReadings(this.ctx.storage.sql, vehicleId, since, maxPoints);
  }

  /**
   * The edge models' latest estimate for a vehicle (API.md "Predictive"): the main fields are the
   * model whose score is highest relative to its own alert threshold, `models` lists each one.
   */
  async risk(tenantId: string, vehicleId: string) {
    this.#bind(tenantId);
    return await vehicleRisk(this.#states.risk(vehicleId), this.#states.engineWindow(vehicleId), this.#states.machineRisk(vehicleId));
  }

  /** Drops cached vehicles and rules after the API changed them; the next event reloads. */
  invalidate(tenantId: string) {
    this.#bind(tenantId).invalidate();
  }

  /** The vehicle's newest readings, or null before any telemetry. */
  latest(tenantId: string, vehicleId: string) {
    this.#bind(tenantId);
    const latest = this.#states.latest(vehicleId);
    return latest ? { ts: iso(latest.ts), readings: latest.readings, dtc: latest.dtc } : null;
  }

  /** One alert as the object holds it now (the source of truth), if the viewer may see it. */
  async alert(tenantId: string, viewer: Viewer, alertId: string): Promise<Alert | null> {
    const { byId } = await this.#bind(tenantId).vehicles();
    const alert = this.#book.get(alertId);
    return alert && canSee(viewer, { seq: alert.seq, kind: "alert", alert }, (id) => byId.get(id)?.driverId) ? alert : null;
  }

  /** Acknowledge, resolve or snooze an alert as `actor`; drivers only for their own vehicle. */
  async transition(tenantId: string, viewer: Viewer, alertId: string, change: AlertAction): Promise<TransitionResult> {
    const { byId } = await this.#bind(tenantId).vehicles();
    const alert = this.#book.get(alertId);
    if (!alert || !canSee(viewer, { seq: alert.seq, kind: "alert", alert }, (id) => byId.get(id)?.driverId)) {
      return { ok: false, error: "not_found", detail: "No such alert." };
    }
    if (alert.status === "resolved") return { ok: false, error: "conflict", detail: "The alert is already resolved." };
    const now = Date.now();
    const note = change.action !== "snooze" && change.note !== undefined ? change.note : alert.note;
    let next: Omit<Alert, "seq">;
    if (change.action === "snooze") {
      next = { ...alert, snoozedUntil: iso(now + change.minutes * 60_000) };
    } else if (change.action === "ack") {
      if (alert.status === "acknowledged") return { ok: true, alert };
      next = { ...alert, status: "acknowledged", acknowledgedAt: iso(now), acknowledgedBy: viewer.userId, note };
    } else {
      next = { ...alert, status: "resolved", resolvedAt: iso(now), resolvedBy: viewer.userId, note };
      if (alert.ruleId) this.#states.resetPair(alert.ruleId, alert.vehicleId);
    }
    const event = this.ctx.storage.transactionSync(() => {
      const recorded = this.#book.record("alert.updated", next, now);
      if (change.action !== "snooze") cancelEscalations(this.ctx.storage.sql, alert.id); // acknowledging stops the chain
      this.#states.flush();
      return recorded;
    });
    this.#publish([event], byId);
    await this.syncNow();
    return { ok: true, alert: event.alert };
  }

  /** Sends a work-order change to every staff socket and SSE stream of the tenant (drivers do not get them). */
  publishWorkOrder(tenantId: string, workOrder: Record<string, unknown>) {
    this.#bind(tenantId);
    broadcastWorkOrder(workOrder, this.ctx.getWebSockets(), this.#sse);
  }

  /** Writes pending alert events to D1 now (serialised with any sync already running). */
  async syncNow(): Promise<number> {
    const tenantId = this.#tenantId;
    if (!tenantId) return 0;
    const run = this.#syncing.then(() => syncAlertsToD1(this.ctx.storage.sql, this.env.DB, tenantId));
    this.#syncing = run.catch(() => undefined);
    return run;
  }

  /** Starts (or keeps) polling Geotab from this object's alarm; called when Geotab is configured and by the cron sweep. */
  async armGeotab(tenantId: string) {
    this.#bind(tenantId);
    const next = Number(this.#meta("geotabNextPoll") ?? Number.POSITIVE_INFINITY);
    if (next > Date.now() + GEOTAB_POLL_MS) await this.#scheduleGeotab(Date.now() + GEOTAB_POLL_MS);
  }

  /**
   * One alarm drives everything time-based here: the D1 sync of new alert events and their
   * notification jobs (due at once), escalation steps (at their time) and the Geotab poll (every
   * GEOTAB_POLL_MS while configured). Each step is idempotent and vendor failures are caught, so
   * the runtime's own alarm retries only cover D1 or Queue outages.
   */
  override async alarm() {
    this.#syncScheduled = false;
    while ((await this.syncNow()) >= SYNC_PAGE) {
      // a backlog larger than one sync page: keep going
    }
    const now = Date.now();
    const tenantId = this.#tenantId;
    if (tenantId) {
      await enqueueRaisedAlerts(this.ctx.storage.sql, this.env.NOTIFY_QUEUE, tenantId);
      await this.#proposeWorkOrders(tenantId);
      await this.#fireEscalations(tenantId, now);
      if (Number(this.#meta("geotabNextPoll") ?? Number.POSITIVE_INFINITY) <= now) await this.#pollGeotab(tenantId, now);
    }
    const lastPrune = Number(this.#meta("lastPrune") ?? 0);
    if (now - lastPrune > PRUNE_EVERY_MS) {
      this.ctx.storage.sql.exec("DELETE FROM ingested_batches WHERE received_at < ?", now - RETENTION_MS);
      this.#book.prune(now - RETENTION_MS);
      this.#setMeta("lastPrune", String(now));
    }
    await this.#arm();
  }

  /**
   * Predictive work orders for new predictive alerts, one run at a time (the check for an active
   * work order and the insert must not interleave); a failure is logged and retried on the next alarm.
   */
  #proposeWorkOrders(tenantId: string) {
    const run = this.#proposing.then(() => proposeFromNewAlerts(this.ctx.storage.sql, this.env, tenantId, (id) => this.#book.get(id)));
    this.#proposing = run.catch((error) => {
      console.error(JSON.stringify({ level: "error", job: "predictive.workOrders", tenantId, error: String(error) }));
    });
    return this.#proposing;
  }

  /** Due steps of alerts still open become `alert.escalated` jobs; snoozed ones wait, acknowledged ones are dropped. */
  async #fireEscalations(tenantId: string, now: number) {
    const sql = this.ctx.storage.sql;
    const jobs: NotificationJob[] = [];
    for (const due of dueEscalations(sql, now)) {
      const alert = this.#book.get(due.alertId);
      const snoozedUntil = alert?.snoozedUntil ? Date.parse(alert.snoozedUntil) : 0;
      if (alert?.status === "open" && snoozedUntil > now) {
        postponeStep(sql, due.alertId, due.step, snoozedUntil);
        continue;
      }
      if (alert?.status === "open") jobs.push({ type: "alert.escalated", tenantId, ...due });
      finishStep(sql, due.alertId, due.step);
    }
    if (jobs.length) await this.env.NOTIFY_QUEUE.sendBatch(jobs.map((body) => ({ body })));
  }

  async #scheduleEscalations(events: AlertEvent[], now: number) {
    const created = events.filter((e) => e.kind === "alert" && !e.alert.silenced);
    if (!created.length) return;
    for (const { alert } of created) {
      scheduleEscalations(this.ctx.storage.sql, alert.id, await this.#directory!.escalationSteps(alert.severity), now);
    }
    await this.#arm();
  }

  /** Sets the alarm to the earliest pending work (escalation or Geotab poll), unless one is set sooner. */
  async #arm() {
    const next = Math.min(nextEscalationAt(this.ctx.storage.sql) ?? Infinity, Number(this.#meta("geotabNextPoll") ?? Infinity));
    if (!Number.isFinite(next)) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > next) await this.ctx.storage.setAlarm(next);
  }

  async #pollGeotab(tenantId: string, now: number) {
    try {
      const result = await pollGeotab(this.env, tenantId, fetch, {
        // Straight into this object, not back through its own stub.
        ingest: async (t, key, events) => {
          const r = await this.ingest(t, key, events);
          if (!r.ok) throw new Error(`Geotab batch rejected: ${JSON.stringify(r.errors.slice(0, 3))}`);
          return r;
        },
      });
      if (!result.configured) {
        this.ctx.storage.sql.exec("DELETE FROM meta WHERE key = 'geotabNextPoll'");
        return;
      }
    } catch (error) {
      console.error(JSON.stringify({ level: "error", job: "geotab.poll", tenantId, error: String(error) }));
    }
    await this.#scheduleGeotab(now + GEOTAB_POLL_MS);
  }

  async #scheduleGeotab(at: number) {
    this.#setMeta("geotabNextPoll", String(at));
    await this.#arm();
  }

  /** WebSocket upgrade (hibernation API) and SSE; the Worker has verified the token already. */
  override async fetch(request: Request): Promise<Response> {
    const viewer = JSON.parse(request.headers.get(VIEWER_HEADER) ?? "null") as (Viewer & { tenantId: string }) | null;
    if (!viewer) return new Response("Forbidden", { status: 403 });
    this.#bind(viewer.tenantId);
    if (new URL(request.url).pathname.endsWith("/sse")) return await this.#openSse(viewer, request);

    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server, [viewer.role]);
    server.serializeAttachment({ userId: viewer.userId, role: viewer.role } satisfies Viewer);
    server.send(JSON.stringify({ type: "hello", seq: this.#book.seq }));
    const protocol = request.headers.get("sec-websocket-protocol")?.split(",").map((p) => p.trim()).find((p) => p.startsWith("bearer."));
    return new Response(null, { status: 101, webSocket: client, headers: protocol ? { "sec-websocket-protocol": protocol } : {} });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer) {
    const viewer = ws.deserializeAttachment() as Viewer;
    let parsed: ClientMessage;
    try {
      parsed = ClientMessage.parse(JSON.parse(typeof message === "string" ? message : new TextDecoder().decode(message)));
    } catch {
      ws.send(JSON.stringify({ type: "error", message: 'Expected {"type":"resume","since":N}' }));
      return;
    }
    const tenantId = this.#tenantId!;
    const { byId } = await this.#bind(tenantId).vehicles();
    for (const event of this.#book.eventsSince(parsed.since)) {
      if (canSee(viewer, event, (id) => byId.get(id)?.driverId)) ws.send(JSON.stringify(toMessage(event)));
    }
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string) {
    try {
      ws.close(code, reason);
    } catch {
      // already closed
    }
  }

  override async webSocketError(ws: WebSocket) {
    try {
      ws.close(1011, "error");
    } catch {
      // already closed
    }
  }

  async #openSse(viewer: Viewer, request: Request): Promise<Response> {
    const since = Number(request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("since") ?? Number.NaN);
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const client: SseClient = { viewer, writer: writable.getWriter() };
    const { byId } = await this.#directory!.vehicles();
    const replay = Number.isFinite(since)
      ? this.#book.eventsSince(since).filter((e) => canSee(viewer, e, (id) => byId.get(id)?.driverId)).map(sseFrame).join("")
      : "";
    const hello = `retry: 2000\nevent: hello\ndata: ${JSON.stringify({ type: "hello", seq: this.#book.seq })}\n\n`;
    client.writer.write(new TextEncoder().encode(hello + replay)).catch(() => this.#sse.delete(client));
    this.#sse.add(client);
    client.writer.closed.catch(() => undefined).finally(() => this.#sse.delete(client));
    return new Response(readable, {
      headers: { "content-type": "text/event-stream", "cache-control": "no-store", "x-accel-buffering": "no" },
    });
  }

  #publish(events: AlertEvent[], byId: Map<string, { driverId: string | null }>) {
    if (!events.length) return;
    broadcast(events, this.ctx.getWebSockets(), this.#sse, (id) => byId.get(id)?.driverId);
    // D1 sync happens off the socket path, on the alarm; one pending alarm covers any number of events.
    if (!this.#syncScheduled) {
      this.#syncScheduled = true;
      void this.ctx.storage.setAlarm(Date.now());
    }
  }

  #bind(tenantId: string): TenantDirectory {
    if (this.#tenantId && this.#tenantId !== tenantId) throw new Error("TenantHub addressed with another tenant's id");
    if (!this.#tenantId) {
      this.#tenantId = tenantId;
      this.#setMeta("tenantId", tenantId);
    }
    this.#directory ??= new TenantDirectory(this.env.DB, tenantId);
    return this.#directory;
  }

  #meta(key: string): string | undefined {
    return this.ctx.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0]?.value;
  }

  #setMeta(key: string, value: string) {
    this.ctx.storage.sql.exec("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value);
  }
}
