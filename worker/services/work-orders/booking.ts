/** Bookings as stored: overlapping bookings, and the booking rules as an SQL guard on the UPDATE. */
import { and, gt, inArray, lt, sql, type SQL } from "drizzle-orm";
import { inTenant, type Db } from "../../db/client";
import { workOrders, type WorkOrder } from "../../db/schema";
import type { Booking } from "../../domain/maintenance/booking";
import { BOOKED_STATUSES } from "../../domain/maintenance/lifecycle";

const BOOKED_SQL = sql.raw(`('${BOOKED_STATUSES.join("','")}')`);

/** Booked work orders (scheduled or in progress) overlapping [start, end), other than `exceptId`. */
export async function bookingsBetween(db: Db, tenantId: string, start: number, end: number, exceptId?: string): Promise<Booking[]> {
  const rows = await db
    .select()
    .from(workOrders)
    .where(
      inTenant(
        workOrders,
        tenantId,
        inArray(workOrders.status, [...BOOKED_STATUSES]),
        lt(workOrders.scheduledStart, end),
        gt(workOrders.scheduledEnd, start),
        exceptId ? sql`${workOrders.id} <> ${exceptId}` : undefined,
      ),
    );
  return rows.map(toBooking);
}

export const toBooking = (w: WorkOrder): Booking => ({
  workOrderId: w.id,
  vehicleId: w.vehicleId,
  technicianId: w.technicianId,
  bayId: w.bayId,
  start: w.scheduledStart!,
  end: w.scheduledEnd!,
  title: w.title,
});

/**
 * The same booking rules as `findBookingConflict`, as a condition on the UPDATE itself, so a
 * booking written between our check and our write still cannot be double-booked. The bay's
 * peak use over [start, end) is at `start` or at some overlapping booking's start.
 */
export function bookingGuard(
  tenantId: string,
  id: string,
  b: { vehicleId: string; technicianId: string | null; bayId: string | null; start: number; end: number },
  bayCapacity: number | null,
): SQL {
  const overlapping = (alias: string) =>
    sql`${sql.raw(alias)}.tenant_id = ${tenantId} AND ${sql.raw(alias)}.id <> ${id} AND ${sql.raw(alias)}.status IN ${BOOKED_SQL}`;
  const parts: SQL[] = [
    sql`NOT EXISTS (SELECT 1 FROM work_orders o WHERE ${overlapping("o")} AND o.scheduled_start < ${b.end} AND o.scheduled_end > ${b.start}
      AND (o.vehicle_id = ${b.vehicleId}${b.technicianId ? sql` OR o.technician_id = ${b.technicianId}` : sql``}))`,
  ];
  if (b.bayId && bayCapacity != null) {
    parts.push(sql`NOT EXISTS (SELECT 1 FROM work_orders p WHERE ${overlapping("p")} AND p.bay_id = ${b.bayId}
      AND p.scheduled_start < ${b.end} AND p.scheduled_end > ${b.start}
      AND (SELECT count(*) FROM work_orders q WHERE ${overlapping("q")} AND q.bay_id = ${b.bayId}
        AND q.scheduled_start <= max(p.scheduled_start, ${b.start}) AND q.scheduled_end > max(p.scheduled_start, ${b.start})) >= ${bayCapacity})`);
  }
  return and(...parts)!;
}
