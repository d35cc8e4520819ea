import type { Alert, AlertEvent, Severity } from "../worker/domain/alert";
import type { EscalationStep } from "../worker/domain/notifications";
import type { AlertBook } from "./alert-book";
import { SYNC_PAGE, syncAlerts } from "./alert-sync";
import { nextEscalationAt, scheduleEscalations, takeDueEscalations } from "./escalation-schedule";
import { RETENTION_MS } from "./hub-storage";
import type { HubMeta } from "./hub-meta";
import type { GeotabIngest, HubPorts } from "./hub-ports";
import { enqueueRaisedAlerts } from "./notify-outbox";
import { proposeFromNewAlerts } from "./predictive-outbox";

const PRUNE_EVERY_MS = 60 * 60 * 1000;
/** How often a tenant with a Geotab integration is polled (Geotab has no push). */
export const GEOTAB_POLL_MS = 60_000;

export interface AlarmDeps {
  storage: DurableObjectStorage;
  meta: HubMeta;
  book: AlertBook;
  ports: HubPorts;
  queue: Queue;
  /** The tenant the object serves, once it has been addressed. */
  tenantId: () => string | undefined;
  /** Takes a Geotab round straight into this object, not back through its own stub. */
  ingest: GeotabIngest;
  /** Held-back live updates (live-sockets.ts): when the next is due, and sending those due. */
  live: { nextDueAt(): number | null; flushDue(now: number): Promise<void> };
}

/**
 * One alarm drives everything time-based in the object: the D1 sync of new alert events and
 * their notification jobs (due at once), predictive work-order proposals, escalation steps (at
 * their time), the Geotab poll (every GEOTAB_POLL_MS while configured) and pruning. Each step is
 * idempotent and vendor failures are caught, so the runtime's own alarm retries only cover D1 or
 * Queue outages; whatever a step throws, the alarm is re-armed for the pending work.
 */
export class HubAlarm {
  #syncing: Promise<unknown> = Promise.resolve();
  #syncScheduled = false;
  #proposing: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: AlarmDeps) {}

  async run() {
    this.#syncScheduled = false;
    try {
      await this.deps.live.flushDue(Date.now());
      while ((await this.syncNow()) >= SYNC_PAGE) {
        // a backlog larger than one sync page: keep going
      }
      const now = Date.now();
      const tenantId = this.deps.tenantId();
      if (tenantId) {
        await enqueueRaisedAlerts(this.deps.storage.sql, this.deps.queue, tenantId);
        await this.#proposeWorkOrders(tenantId);
        await this.#fireEscalations(tenantId, now);
        if (this.#geotabNextPoll() <= now) await this.#pollGeotab(tenantId, now);
      }
      this.#pruneIfDue(now);
    } finally {
      await this.arm();
    }
  }

  /** Writes pending alert events to D1 now (serialised with any sync already running). */
  syncNow(): Promise<number> {
    const tenantId = this.deps.tenantId();
    if (!tenantId) return Promise.resolve(0);
    const run = this.#syncing.then(() => syncAlerts(this.deps.storage.sql, (alerts) => this.deps.ports.saveAlerts(tenantId, alerts)));
    this.#syncing = run.catch(() => undefined);
    return run;
  }

  /** D1 sync happens off the socket path, on the alarm; one pending alarm covers any number of events. */
  syncSoon() {
    if (this.#syncScheduled) return;
    this.#syncScheduled = true;
    void this.deps.storage.setAlarm(Date.now());
  }

  /** Schedules the policy's steps for each new, unsilenced alert. */
  async scheduleEscalations(events: AlertEvent[], stepsFor: (severity: Severity) => Promise<EscalationStep[]>, now: number) {
    const created = events.filter((e) => e.kind === "alert" && !e.alert.silenced);
    if (!created.length) return;
    for (const { alert } of created) scheduleEscalations(this.deps.storage.sql, alert.id, await stepsFor(alert.severity), now);
    await this.arm();
  }

  /** Starts (or keeps) polling Geotab: the next poll is at most GEOTAB_POLL_MS away. */
  async armGeotab() {
    if (this.#geotabNextPoll() > Date.now() + GEOTAB_POLL_MS) await this.#scheduleGeotab(Date.now() + GEOTAB_POLL_MS);
  }

  /** Sets the alarm to the earliest pending work (escalation or Geotab poll), unless one is set sooner. */
  async arm() {
    const next = Math.min(
      nextEscalationAt(this.deps.storage.sql) ?? Infinity,
      this.#geotabNextPoll(),
      this.deps.live.nextDueAt() ?? Infinity,
    );
    if (!Number.isFinite(next)) return;
    const current = await this.deps.storage.getAlarm();
    if (current === null || current > next) await this.deps.storage.setAlarm(next);
  }

  /**
   * Predictive work orders for new predictive alerts, one run at a time (the check for an active
   * work order and the insert must not interleave); a failure is logged and retried on the next alarm.
   */
  #proposeWorkOrders(tenantId: string) {
    const { storage, ports, book } = this.deps;
    const propose = (alerts: Alert[]) => ports.proposeWorkOrders(tenantId, alerts);
    const run = this.#proposing.then(() => proposeFromNewAlerts(storage.sql, propose, (id) => book.get(id)));
    this.#proposing = run.catch((error) => {
      console.error(JSON.stringify({ level: "error", job: "predictive.workOrders", tenantId, error: String(error) }));
    });
    return this.#proposing;
  }

  async #fireEscalations(tenantId: string, now: number) {
    const jobs = takeDueEscalations(this.deps.storage.sql, tenantId, now, (id) => this.deps.book.get(id));
    if (jobs.length) await this.deps.queue.sendBatch(jobs.map((body) => ({ body })));
  }

  async #pollGeotab(tenantId: string, now: number) {
    try {
      const result = await this.deps.ports.pollGeotab(tenantId, this.deps.ingest);
      if (!result.configured) {
        this.deps.meta.delete("geotabNextPoll");
        return;
      }
    } catch (error) {
      console.error(JSON.stringify({ level: "error", job: "geotab.poll", tenantId, error: String(error) }));
    }
    await this.#scheduleGeotab(now + GEOTAB_POLL_MS);
  }

  #geotabNextPoll() {
    return Number(this.deps.meta.get("geotabNextPoll") ?? Number.POSITIVE_INFINITY);
  }

  async #scheduleGeotab(at: number) {
    this.deps.meta.set("geotabNextPoll", String(at));
    await this.arm();
  }

  #pruneIfDue(now: number) {
    if (now - Number(this.deps.meta.get("lastPrune") ?? 0) <= PRUNE_EVERY_MS) return;
    this.deps.storage.sql.exec("DELETE FROM ingested_batches WHERE received_at < ?", now - RETENTION_MS);
    this.deps.book.prune(now - RETENTION_MS);
    this.deps.meta.set("lastPrune", String(now));
  }
}
