/**
 * Resumable planning: a planning job retried after failing halfway finds the rows its earlier
 * run wrote. Those still `queued` are sent (again handed to deliver(), whose claim keeps each to
 * one provider request); rows already sending, sent, failed or cancelled are left alone.
 */
import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { deliveries } from "../db/schema";

/** A delivery to send now or at `dueAt`. */
export interface Planned {
  id: string;
  dueAt: number;
}

export function resume(row: { id: string; status: string; dueAt: number | null }, now: number, out: Planned[]) {
  if (row.status === "queued") out.push({ id: row.id, dueAt: row.dueAt ?? now });
}

/** For an insert that found its row already there (ON CONFLICT DO NOTHING returned nothing). */
export async function resumeExisting(db: Db, id: string, now: number, out: Planned[]) {
  const [row] = await db
    .select({ id: deliveries.id, status: deliveries.status, dueAt: deliveries.dueAt })
    .from(deliveries)
    .where(eq(deliveries.id, id));
  if (row) resume(row, now, out);
}
