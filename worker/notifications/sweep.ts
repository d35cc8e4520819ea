/**
 * The stale-delivery sweep: finds rows whose queue job was lost and hands them back to the queue.
 * Each tenant's object runs it for its own tenant every 5 minutes from its alarm (so it works
 * under `wrangler dev`, where no cron fires); the cron handler runs it across all tenants as a
 * backstop.
 *
 * - `queued` past its due time by QUEUED_GRACE_MS (and untouched that long): its job was lost
 *   (a failed enqueue, a planning job that died, a dropped message) → re-enqueued. Safe: only a
 *   `queued` row is ever claimed, so a job that turns up late too still sends once.
 * - `sending` with a claim older than SENDING_DEADLINE_MS: the sender stopped between its claim
 *   and recording the outcome. The claim is taken right before the provider request, so a stale
 *   claim means the request may have been made and no evidence either way survives:
 *   - webhook: re-queued; the repeat carries the same `webhook-id` (the delivery id), which
 *     receivers use to drop duplicates (Standard Webhooks).
 *   - SMS, voice, email, push: Twilio, SendGrid and Web Push take no idempotency key, so a repeat
 *     could reach the person twice → `dead` with an "outcome unknown" error: visible in the API
 *     and re-drivable by an admin (`POST /api/notifications/{id}/redrive`) after checking the
 *     provider's log.
 */
import { and, eq, lt, sql } from "drizzle-orm";
import { database, type Db } from "../db/client";
import { deliveries } from "../db/schema";
import type { NotificationJob } from "../domain/notifications";
import { logError, logInfo } from "../lib/logger";

/** Longer than the longest circuit-breaker wait (10 min), so a row waiting on it is not "lost". */
export const QUEUED_GRACE_MS = 15 * 60_000;
/** Far beyond the 10 s provider timeout: a live sender has recorded its outcome by then. */
export const SENDING_DEADLINE_MS = 5 * 60_000;
const SWEEP_LIMIT = 500;

export const OUTCOME_UNKNOWN =
  "Outcome unknown: the sender stopped after its request to the provider; not repeated so it cannot arrive twice (check the provider's log, then re-drive)";

export interface SweepResult {
  /** Handed back to the queue. */
  requeued: string[];
  /** Stale `sending` rows on channels without idempotency: now `dead` (outcome unknown). */
  abandoned: string[];
}

/** `undefined`: every tenant (the cron backstop); otherwise one tenant's rows (its object's alarm). */
type TenantFilter = string | undefined;

/** The rows' tenant: one, or every tenant in turn, so the (tenant, status, due) index serves both. */
const tenantCondition = (tenantId: TenantFilter) =>
  tenantId === undefined ? sql`${deliveries.tenantId} IN (SELECT id FROM tenants)` : sql`${deliveries.tenantId} = ${tenantId}`;

async function staleClaims(db: Db, now: number, tenantId: TenantFilter, result: SweepResult, jobs: NotificationJob[]) {
  const stale = await db
    .select({ id: deliveries.id, tenantId: deliveries.tenantId, channel: deliveries.channel })
    .from(deliveries)
    .where(
      and(
        tenantCondition(tenantId),
        eq(deliveries.status, "sending"),
        lt(sql`coalesce(${deliveries.claimedAt}, 0)`, now - SENDING_DEADLINE_MS),
      ),
    )
    .limit(SWEEP_LIMIT);
  for (const row of stale) {
    const idempotent = row.channel === "webhook";
    const changed = await db
      .update(deliveries)
      .set(
        idempotent
          ? { status: "queued", claimedAt: null, dueAt: now, lastError: "Re-queued after a stalled send (same webhook-id)", updatedAt: now }
          : { status: "dead", lastError: OUTCOME_UNKNOWN, updatedAt: now },
      )
      .where(and(eq(deliveries.id, row.id), eq(deliveries.status, "sending")))
      .returning({ id: deliveries.id });
    if (!changed.length) continue;
    if (idempotent) {
      result.requeued.push(row.id);
      jobs.push({ type: "deliver", tenantId: row.tenantId, deliveryId: row.id });
    } else result.abandoned.push(row.id);
  }
}

async function lostJobs(db: Db, now: number, tenantId: TenantFilter, result: SweepResult, jobs: NotificationJob[]) {
  const cutoff = now - QUEUED_GRACE_MS;
  // Touching `updated_at` keeps the next sweep from re-enqueueing the same rows for a grace period.
  const stuck = await db
    .update(deliveries)
    .set({ updatedAt: now })
    .where(
      sql`${deliveries.id} IN (SELECT id FROM deliveries WHERE status = 'queued' AND coalesce(due_at, 0) < ${cutoff} AND updated_at < ${cutoff} AND ${tenantCondition(tenantId)} LIMIT ${SWEEP_LIMIT})`,
    )
    .returning({ id: deliveries.id, tenantId: deliveries.tenantId });
  for (const row of stuck) {
    result.requeued.push(row.id);
    jobs.push({ type: "deliver", tenantId: row.tenantId, deliveryId: row.id });
  }
}

/**
 * Never throws (the cron sweep and the alarm go on with their other work); failures are logged.
 * `tenantId` limits it to one tenant (the tenant object's `staleDeliveries` job).
 */
export async function sweepStaleDeliveries(env: Env, now = Date.now(), tenantId?: string): Promise<SweepResult> {
  const db = database(env.DB);
  const result: SweepResult = { requeued: [], abandoned: [] };
  const jobs: NotificationJob[] = [];
  try {
    await staleClaims(db, now, tenantId, result, jobs);
    await lostJobs(db, now, tenantId, result, jobs);
    for (let i = 0; i < jobs.length; i += 100) await env.NOTIFY_QUEUE.sendBatch(jobs.slice(i, i + 100).map((body) => ({ body })));
  } catch (error) {
    // Rows not enqueued stay `queued` and come up again after the grace period.
    logError({ job: "deliveries.sweep", tenantId }, error);
  }
  if (result.requeued.length || result.abandoned.length) {
    logInfo({ job: "deliveries.sweep", tenantId, requeued: result.requeued.length, abandoned: result.abandoned.length });
  }
  return result;
}
