/** Admin recovery of the notification pipeline: list dead jobs, re-drive a dead job or a dead delivery. */
import { and, desc, eq } from "drizzle-orm";
import { database, inTenant, pastCursor } from "../db/client";
import { deadJobs, deliveries, type DeadJob } from "../db/schema";
import { AppError } from "../lib/problem";
import { iso, isoOrNull } from "../lib/time";
import type { NotificationJob } from "../domain/notifications";
import { logError } from "../lib/logger";

export const publicDeadJob = (j: DeadJob) => ({
  id: j.id,
  type: j.type,
  job: j.body,
  status: j.status,
  deaths: j.deaths,
  diedAt: iso(j.diedAt),
  redrivenAt: isoOrNull(j.redrivenAt),
  redrivenBy: j.redrivenBy,
});

export function listDeadJobs(env: Env, tenantId: string, status: DeadJob["status"] | undefined, limit: number, after?: [number, string]) {
  return database(env.DB)
    .select()
    .from(deadJobs)
    .where(
      inTenant(
        deadJobs,
        tenantId,
        status ? eq(deadJobs.status, status) : undefined,
        pastCursor(deadJobs.diedAt, deadJobs.id, after, "desc"),
      ),
    )
    .orderBy(desc(deadJobs.diedAt), desc(deadJobs.id))
    .limit(limit + 1);
}

/** Puts a dead job back on the queue (planning is idempotent, so a repeat is harmless); 409 unless `dead`. */
export async function redriveDeadJob(env: Env, tenantId: string, id: string, actorId: string, now = Date.now()) {
  const db = database(env.DB);
  const [job] = await db
    .select()
    .from(deadJobs)
    .where(inTenant(deadJobs, tenantId, eq(deadJobs.id, id)));
  if (!job) throw new AppError("not_found", "No such dead job.");
  if (job.status !== "dead") throw new AppError("conflict", "The job was already re-driven.");
  await env.NOTIFY_QUEUE.send(job.body as NotificationJob);
  const [updated] = await db
    .update(deadJobs)
    .set({ status: "redriven", redrivenAt: now, redrivenBy: actorId })
    .where(and(eq(deadJobs.id, id), eq(deadJobs.status, "dead")))
    .returning();
  return updated ?? job;
}

/**
 * A `dead` delivery goes back to `queued`, due now, and onto the queue. It keeps its attempt count
 * (the API counts provider requests), so one more retryable failure makes it `dead` again. If the
 * enqueue fails, the stale sweep picks the row up.
 */
export async function redriveDelivery(env: Env, tenantId: string, id: string, now = Date.now()) {
  const db = database(env.DB);
  const [row] = await db
    .update(deliveries)
    .set({ status: "queued", claimedAt: null, dueAt: now, updatedAt: now })
    .where(inTenant(deliveries, tenantId, eq(deliveries.id, id), eq(deliveries.status, "dead")))
    .returning();
  if (!row) {
    const [exists] = await db
      .select({ status: deliveries.status })
      .from(deliveries)
      .where(inTenant(deliveries, tenantId, eq(deliveries.id, id)));
    throw exists
      ? new AppError(
          "conflict",
          `Only a dead delivery can be re-driven; this one is ${exists.status === "sending" ? "queued" : exists.status}.`,
        )
      : new AppError("not_found", "No such delivery.");
  }
  try {
    await env.NOTIFY_QUEUE.send({ type: "deliver", tenantId, deliveryId: id } satisfies NotificationJob);
  } catch (error) {
    logError({ job: "redrive", deliveryId: id, note: "enqueue failed, left for the sweep" }, error);
  }
  return row;
}
