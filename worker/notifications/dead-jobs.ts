/**
 * Jobs that reached the dead-letter queue. A dead `deliver` job turns its delivery `dead` (it is
 * listed by `GET /api/notifications`); any other job (planning an alert, an escalation step or a
 * maintenance reminder) is recorded in `dead_jobs`, one row per job body, for an admin to see and
 * re-drive (worker/services/notifications-admin.ts).
 */
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { deadJobs, deliveries } from "../db/schema";
import type { NotificationJob } from "../domain/notifications";
import { deliveryId } from "./message";

/** Same job body, same id: a job that dies again after a re-drive flips its row back to `dead`. */
export const deadJobId = async (body: unknown) => (await deliveryId([JSON.stringify(body)])).replace(/^dlv_/, "djb_");

export async function recordDeadJob(db: Db, job: NotificationJob, now: number) {
  if (job.type === "deliver") {
    // A row stuck in `sending` is left to the sweep, which knows whether a repeat is safe.
    await db
      .update(deliveries)
      .set({ status: "dead", lastError: "Gave up: the job kept failing", updatedAt: now })
      .where(and(eq(deliveries.id, job.deliveryId), eq(deliveries.status, "queued")));
    return;
  }
  await db
    .insert(deadJobs)
    .values({
      id: await deadJobId(job),
      tenantId: job.tenantId,
      type: job.type,
      body: job as never,
      status: "dead",
      deaths: 1,
      diedAt: now,
    })
    .onConflictDoUpdate({
      target: deadJobs.id,
      set: { status: "dead", deaths: sql`${deadJobs.deaths} + 1`, diedAt: now, redrivenAt: null, redrivenBy: null },
    });
}
