/**
 * Optimistic concurrency: every write sets a new `rev`, and rows that must only follow a guarded
 * update (history, service records) are inserted on the condition that the update applied.
 */
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { workOrderEvents } from "../../db/schema";
import type { WorkOrderStatus } from "../../domain/maintenance/lifecycle";
import { newId } from "../../lib/ids";

export const newRev = () => crypto.randomUUID();

/** The work order now carries `rev`: a condition for writes that must only follow a guarded update that applied. */
export const hasRev = (tenantId: string, workOrderId: string, rev: string) =>
  sql`EXISTS (SELECT 1 FROM work_orders WHERE tenant_id = ${tenantId} AND id = ${workOrderId} AND rev = ${rev})`;

/** History row, written only if the guarded update in the same batch applied (columns in table order). */
export function eventIfRev(
  db: Db,
  tenantId: string,
  workOrderId: string,
  rev: string,
  from: WorkOrderStatus | null,
  to: WorkOrderStatus,
  actorId: string | null,
  at: number,
) {
  return db
    .insert(workOrderEvents)
    .select(
      sql`SELECT ${newId("woe", at)}, ${tenantId}, ${workOrderId}, ${from}, ${to}, ${actorId}, ${at} WHERE ${hasRev(tenantId, workOrderId, rev)}`,
    );
}
