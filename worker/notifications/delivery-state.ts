/**
 * The delivery state machine, one conditional UPDATE per transition:
 *
 *   queued ──claim──▶ sending ──▶ sent | failed | dead
 *     │                  └──release (retryable failure)──▶ queued
 *     └──cancel──▶ cancelled
 *
 * A claim succeeds for exactly one caller, so a redelivered job or a concurrent sweep never makes
 * a second provider request for the same row. Every transition names the status it leaves: a
 * write that lost a race changes nothing.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { deliveries } from "../db/schema";

/** Takes the row for one provider request; the new attempt number, or null when someone else holds it. */
export async function claim(db: Db, id: string, now: number): Promise<number | null> {
  const [row] = await db
    .update(deliveries)
    .set({ status: "sending", attempts: sql`${deliveries.attempts} + 1`, claimedAt: now, updatedAt: now })
    .where(and(eq(deliveries.id, id), eq(deliveries.status, "queued")))
    .returning({ attempts: deliveries.attempts });
  return row?.attempts ?? null;
}

/** The provider accepted the request. */
export const markSent = (db: Db, id: string, now: number) =>
  db
    .update(deliveries)
    .set({ status: "sent", sentAt: now, lastError: null, updatedAt: now })
    .where(and(eq(deliveries.id, id), eq(deliveries.status, "sending")));

/** A retryable failure with attempts left: back to `queued`, due again at `dueAt`. */
export const release = (db: Db, id: string, dueAt: number, lastError: string, now: number) =>
  db
    .update(deliveries)
    .set({ status: "queued", claimedAt: null, dueAt, lastError, updatedAt: now })
    .where(and(eq(deliveries.id, id), eq(deliveries.status, "sending")));

/** A final failure: `failed` (not retryable) or `dead` (out of attempts). */
export const settle = (db: Db, id: string, status: "failed" | "dead", lastError: string, now: number) =>
  db
    .update(deliveries)
    .set({ status, lastError, updatedAt: now })
    .where(and(eq(deliveries.id, id), eq(deliveries.status, "sending")));

/** Never to be sent (its alert was acknowledged, resolved or silenced). True when this call cancelled it. */
export async function cancel(db: Db, id: string, reason: string, now: number): Promise<boolean> {
  const done = await db
    .update(deliveries)
    .set({ status: "cancelled", lastError: reason, updatedAt: now })
    .where(and(eq(deliveries.id, id), eq(deliveries.status, "queued")))
    .returning({ id: deliveries.id });
  return done.length > 0;
}
