import type { Alert, Severity } from "../worker/domain/alert";
import type { EscalationStep } from "../worker/domain/notifications";
import { isSilenced } from "../worker/domain/silence";
import type { AlertBook } from "./alert-book";
import { SYNC_PAGE, syncAlerts } from "./alert-sync";
import {
  alertsWithPendingSteps,
  cancelEscalations,
  dueEscalationJobs,
  finishSteps,
  nextEscalationAt,
  scheduleFromNewAlerts,
} from "./escalation-schedule";
import type { HubMeta } from "./hub-meta";
import type { GeotabIngest, HubPorts, PredictiveProposal } from "./hub-ports";
import { enqueueRaisedAlerts, type NotifyQueues } from "./notify-outbox";
import { proposeFromNewAlerts } from "./predictive-outbox";
import type { ReadingsStore } from "./readings-store";
import { ALERT_WORK_DELAY_MS } from "./deferred-writes";
import { OutboxCursors } from "./outbox-cursors";
import { daysMs, pruneObject } from "./retention";
import { type JobName, PERIODIC_JOBS, Schedule } from "./schedule";
import { type RelayedEvent, relayAlerts } from "./shard-relay";
import { logError, logWarn } from "../worker/lib/logger";

/** How often a tenant with a Geotab integration is polled (Geotab has no push). */
export const GEOTAB_POLL_MS = 60_000;
/** An alarm this late is reported by the cron backstop as overdue (the runtime lost or kept failing it). */
export const OVERDUE_AFTER_MS = 2 * 60_000;

export interface AlarmDeps {
  storage: DurableObjectStorage;
  meta: HubMeta;
  book: AlertBook;
  /** The downsampled readings store: the retention job folds and prunes its buckets. */
  readings: ReadingsStore;
  ports: HubPorts;
  /** Notification jobs: a critical alert's raise on the urgent queue, the rest on the normal one. */
  queues: NotifyQueues;
  /** The tenant the object serves, once it has been addressed. */
  tenantId: () => string | undefined;
  /** Takes a Geotab round straight into this object, not back through its own stub. */
  ingest: GeotabIngest;
  /** Held continuing-episode updates (alert-book.ts): when the next is due, and logging and streaming those due. */
  live: { nextDueAt(): number | null; flushDue(now: number): Promise<void> };
  /** Offline rules: opens the episodes of vehicles whose due time has come (offline-sweep.ts). */
  offline?: (now: number) => Promise<unknown>;
  /**
   * Writes kept off the request path (deferred-writes.ts): when the next is due, and writing those
   * due by `now` (the readings buffer, the vehicles' journaled and settled state).
   */
  deferred: { nextDueAt(): number | null; flush(now: number): void };
  /** The tenant's escalation policies, as the directory keeps them until the API changes one (tenant-directory.ts). */
  escalationPolicies: () => Promise<Map<Severity, EscalationStep[]>>;
  /** Whether an enabled webhook subscribes to `alert.updated` (from the object's directory). */
  alertUpdateWebhooks: () => Promise<boolean>;
  /** Streams a work order the alarm created to the tenant's staff (this object's sockets, no call back through its stub). */
  publishWorkOrder: (workOrder: Record<string, unknown>) => void;
  /** The component forecast a new alert proposes a work order with (model-scoring.ts), null for none. */
  forecast: (alert: Alert) => Promise<Omit<PredictiveProposal, "alert"> | null>;
  /**
   * Set on a shard (shards.ts): its alert events go to the room, which syncs and notifies them;
   * D1, the queues and the tenant-wide jobs are the room's.
   */
  relay?: () => ((events: RelayedEvent[]) => Promise<void>) | undefined;
}

const log = (level: "error" | "warn", job: string, tenantId: string, error: unknown) =>
  (level === "error" ? logError : logWarn)({ job, tenantId }, error);

/**
 * One alarm drives everything time-based in the object (docs/time-driven-work.md): the alert
 * outboxes (D1 sync, notification jobs, predictive work orders, the escalation schedule, due
 * ALERT_WORK_DELAY_MS after the first new event), escalation steps and held live updates (at their
 * time), the deferred writes (readings buffer, model state), and the jobs of the schedule
 * table (maintenance, engagement, retention, the Geotab poll). Each step is idempotent. A failing
 * outbox step throws (the runtime retries the alarm) but the scheduled jobs still run, each on its
 * own, and the alarm is always re-armed for the earliest pending work.
 */
export class HubAlarm {
  #syncing: Promise<unknown> = Promise.resolve();
  /** The alarm time this instance last set (null once it fired): a later request never pushes it back. */
  #armedAt: number | null = null;
  #proposing: Promise<unknown> = Promise.resolve();
  readonly #schedule: Schedule;
  readonly #cursors: OutboxCursors;

  constructor(private readonly deps: AlarmDeps) {
    this.#schedule = new Schedule(deps.storage.sql);
    this.#cursors = new OutboxCursors(deps.meta);
  }

  async run() {
    this.#armedAt = null;
    const now = Date.now();
    try {
      await this.deps.live.flushDue(now);
      await this.#alertWork(now);
    } finally {
      try {
        this.#flushDeferred(now);
        await this.#runDueJobs(now);
      } finally {
        await this.arm();
      }
    }
    // A shard relays what its due jobs raised (offline rules) before the alarm ends; a failure is retried with the alarm.
    if (this.#relay()) await this.syncNow();
  }

  /** The deferred writes (deferred-writes.ts); a failure is logged and retried at their next due time (arm keeps it). */
  #flushDeferred(now: number) {
    try {
      this.deps.deferred.flush(now);
    } catch (error) {
      log("error", "deferred.flush", this.deps.tenantId() ?? "", error);
    }
  }

  /**
   * Writes pending alert events to D1 now, or a shard's to the room (serialised with any sync
   * already running). Its cursor is written at once, unless the alarm's alert work, which writes
   * every outbox cursor in one row when it ends, runs it (`saveCursor` false).
   */
  syncNow(saveCursor = true): Promise<number> {
    const tenantId = this.deps.tenantId();
    if (!tenantId) return Promise.resolve(0);
    const relay = this.#relay();
    const { sql } = this.deps.storage;
    const run = this.#syncing.then(async () => {
      if (relay) return relayAlerts(sql, this.deps.meta, relay);
      const synced = await syncAlerts(sql, this.#cursors, (alerts, created) => this.deps.ports.saveAlerts(tenantId, alerts, created));
      if (saveCursor) this.#cursors.save();
      return synced;
    });
    this.#syncing = run.catch(() => undefined);
    return run;
  }

  /**
   * D1 sync, notification jobs and the rest of the alert work happen off the socket path, on the
   * alarm ALERT_WORK_DELAY_MS after the first new event: one alarm covers any number of events.
   * An `urgent` hand-off (a critical alert) runs it right after the request instead; alerts that
   * arrive while it runs still share the next run. Safe inside a storage transaction (the alarm
   * then commits with the events).
   */
  syncSoon(urgent = false) {
    // A shard's only alert work is the relay, which the live stream waits for.
    this.runBy(Date.now() + (urgent || this.#relay() ? 0 : ALERT_WORK_DELAY_MS));
  }

  /**
   * Makes the alarm fire by `at`: sets it unless this instance already set it for that time or
   * sooner, so steady traffic never pushes a pending alarm back (and costs no storage call).
   */
  runBy(at: number) {
    const armed = this.#armedAt;
    if (armed !== null && armed <= at) {
      // Set for sooner and not yet run (run() clears it). One already due may have been lost (its
      // alarm deleted): setting it again keeps it due now — never later, or an urgent hand-off
      // would wait for the next deferred write.
      if (armed < Date.now()) void this.deps.storage.setAlarm(armed);
      return;
    }
    this.#armedAt = at;
    void this.deps.storage.setAlarm(at);
  }

  /**
   * The cron backstop and first contact: adds missing periodic jobs and re-arms. Reports the
   * alarm as it was, so the caller can log a tenant whose alarm was lost or is overdue.
   */
  async ensure(now = Date.now()) {
    this.seed(now);
    const before = await this.deps.storage.getAlarm();
    await this.arm();
    return { alarmAt: before, overdue: before === null || before < now - OVERDUE_AFTER_MS, nextAt: await this.deps.storage.getAlarm() };
  }

  /** Adds missing periodic jobs (first contact with a tenant) without touching the alarm if nothing changed. */
  seed(now = Date.now()) {
    this.#schedule.seed(now, this.#relay() ? ["retention"] : undefined);
  }

  #relay() {
    return this.deps.relay?.();
  }

  /** A new silence: pending steps of alerts it covers now are dropped, so none fires. */
  cancelSilenced(silenced: (alert: Alert) => boolean) {
    const sql = this.deps.storage.sql;
    const covered = alertsWithPendingSteps(sql).filter((id) => {
      const alert = this.deps.book.get(id);
      return alert !== undefined && silenced(alert);
    });
    for (const id of covered) cancelEscalations(sql, id);
    return covered.length;
  }

  /** Starts (or keeps) polling Geotab: the next poll is at most GEOTAB_POLL_MS away. */
  async armGeotab() {
    const next = this.#schedule.dueAt("geotab") ?? Number.POSITIVE_INFINITY;
    if (next > Date.now() + GEOTAB_POLL_MS) this.#schedule.set("geotab", Date.now() + GEOTAB_POLL_MS);
    await this.arm();
  }

  /** Sets the alarm to the earliest pending work (schedule row, escalation step, held live update), unless one is set sooner. */
  async arm() {
    const next = Math.min(
      this.#schedule.next() ?? Infinity,
      nextEscalationAt(this.deps.storage.sql) ?? Infinity,
      this.deps.live.nextDueAt() ?? Infinity,
      this.deps.deferred.nextDueAt() ?? Infinity,
    );
    if (!Number.isFinite(next)) return;
    const current = await this.deps.storage.getAlarm();
    if (current === null || current > next) await this.deps.storage.setAlarm(next);
    this.#armedAt = current === null ? next : Math.min(current, next);
  }

  /** The outboxes past their cursors, then due escalation steps; throws on a D1 or Queue failure. */
  async #alertWork(now: number) {
    try {
      while ((await this.syncNow(false)) >= SYNC_PAGE) {
        // a backlog larger than one sync page: keep going
      }
      const tenantId = this.deps.tenantId();
      if (!tenantId || this.#relay()) return;
      const { storage, book, queues } = this.deps;
      await enqueueRaisedAlerts(storage.sql, this.#cursors, queues, tenantId, this.deps.alertUpdateWebhooks);
      await this.#proposeWorkOrders(tenantId);
      await scheduleFromNewAlerts(storage.sql, this.#cursors, this.deps.escalationPolicies, (id) => book.get(id));
      await this.#fireEscalations(tenantId, now);
    } finally {
      // What each outbox finished, in one row (outbox-cursors.ts), also when a later one failed.
      this.#cursors.save();
    }
  }

  /** Runs each due job of the schedule table on its own: a failure is logged and retried next period. */
  async #runDueJobs(now: number) {
    const tenantId = this.deps.tenantId();
    if (!tenantId) return;
    for (const job of this.#schedule.due(now)) {
      if (job !== "geotab") this.#schedule.set(job, now + PERIODIC_JOBS[job]);
      try {
        await this.#runJob(job, tenantId, now);
      } catch (error) {
        log("error", job, tenantId, error);
      }
    }
    try {
      await this.deps.offline?.(now);
    } catch (error) {
      log("error", "offline", tenantId, error);
    }
  }

  async #runJob(job: JobName, tenantId: string, now: number) {
    const { ports } = this.deps;
    switch (job) {
      case "maintenance":
        return await ports.sweepMaintenance(tenantId, now);
      case "engagement":
        return await ports.sweepEngagement(tenantId, now);
      case "retention":
        return await this.runRetention(tenantId, now);
      case "staleDeliveries":
        return await ports.sweepDeliveries(tenantId, now);
      case "geotab":
        return await this.#pollGeotab(tenantId, now);
    }
  }

  /** The `retention` job: the object's own storage, then the tenant's D1 rows, each by the tenant's windows. */
  async runRetention(tenantId: string, now: number) {
    const days = await this.deps.ports.retentionDays(tenantId);
    this.deps.readings.flush(); // the raw batches retention empties must not hold unwritten readings
    const pruned = pruneObject(this.deps.storage.sql, this.deps.book, this.deps.readings, this.#cursors.get("syncedSeq"), now, days);
    this.deps.readings.afterRawPruned();
    if (this.#relay()) return pruned; // the tenant's D1 rows are the room's to prune
    await this.deps.ports.pruneRecords(tenantId, {
      deliveries: now - daysMs(days.deliveriesDays),
      inboxItems: now - daysMs(days.inboxItemsDays),
      auditLog: now - daysMs(days.auditLogDays),
    });
    return pruned;
  }

  /**
   * Predictive work orders for new predictive alerts, one run at a time (the check for an active
   * work order and the insert must not interleave); a failure is logged and retried on the next alarm.
   */
  #proposeWorkOrders(tenantId: string) {
    const { storage, ports, book } = this.deps;
    const propose = (proposals: PredictiveProposal[]) => ports.proposeWorkOrders(tenantId, proposals);
    const run = this.#proposing.then(async () => {
      const created = await proposeFromNewAlerts(storage.sql, this.#cursors, propose, (id) => book.get(id), this.deps.forecast);
      for (const workOrder of created) this.deps.publishWorkOrder(workOrder);
    });
    this.#proposing = run.catch((error) => log("error", "predictive.workOrders", tenantId, error));
    return this.#proposing;
  }

  /** Steps leave the table only once the queue took their jobs: a failed send fires them on the next alarm. */
  async #fireEscalations(tenantId: string, now: number) {
    const sql = this.deps.storage.sql;
    const next = nextEscalationAt(sql);
    if (next === null || next > now) return;
    const active = await this.deps.ports.silences(tenantId, now);
    const due = dueEscalationJobs(
      sql,
      tenantId,
      now,
      (id) => this.deps.book.get(id),
      (alert) => isSilenced(alert, active, now),
    );
    if (!due.jobs.length) return;
    await this.deps.queues.normal.sendBatch(due.jobs.map((body) => ({ body })));
    finishSteps(sql, due.steps);
  }

  async #pollGeotab(tenantId: string, now: number) {
    try {
      const result = await this.deps.ports.pollGeotab(tenantId, this.deps.ingest);
      if (!result.configured) {
        this.#schedule.clear("geotab");
        return;
      }
    } catch (error) {
      log("error", "geotab.poll", tenantId, error);
    }
    this.#schedule.set("geotab", now + GEOTAB_POLL_MS);
  }
}
