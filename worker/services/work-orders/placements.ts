/** Booking the auto-scheduler's placements, each only if the work order is still open and unchanged. */
import { eq } from "drizzle-orm";
import { database, inTenant } from "../../db/client";
import { workOrders, type WorkOrder } from "../../db/schema";
import { bookingGuard } from "./booking";
import { eventIfRev, newRev } from "./revisions";
import { publishWorkOrders, workOrderDetail } from "./view";

/**
 * Books placements from the auto-scheduler: each open work order becomes scheduled if it is
 * still open and unchanged (`rev`) and the booking guard holds; placements that lost a race come
 * back in `lost`.
 */
export async function applyPlacements(
  env: Env,
  tenantId: string,
  actorId: string | null,
  placements: { workOrder: WorkOrder; technicianId: string; bayId: string | null; start: number; end: number }[],
  bayCapacity: Map<string, number>,
) {
  const db = database(env.DB);
  const now = Date.now();
  const booked: WorkOrder[] = [];
  const lost: string[] = [];
  for (let i = 0; i < placements.length; i += 40) {
    const chunk = placements.slice(i, i + 40);
    const statements = chunk.flatMap((p) => {
      const rev = newRev();
      const guard = bookingGuard(
        tenantId,
        p.workOrder.id,
        { vehicleId: p.workOrder.vehicleId, technicianId: p.technicianId, bayId: p.bayId, start: p.start, end: p.end },
        p.bayId ? (bayCapacity.get(p.bayId) ?? null) : null,
      );
      return [
        db
          .update(workOrders)
          .set({
            status: "scheduled",
            technicianId: p.technicianId,
            bayId: p.bayId,
            scheduledStart: p.start,
            scheduledEnd: p.end,
            rev,
            updatedAt: now,
          })
          .where(
            inTenant(
              workOrders,
              tenantId,
              eq(workOrders.id, p.workOrder.id),
              eq(workOrders.rev, p.workOrder.rev),
              eq(workOrders.status, "open"),
              guard,
            ),
          )
          .returning(),
        eventIfRev(db, tenantId, p.workOrder.id, rev, "open", "scheduled", actorId, now),
      ];
    });
    const results = await db.batch(statements as [(typeof statements)[number], ...typeof statements]);
    chunk.forEach((p, j) => {
      const row = (results[j * 2] as WorkOrder[])[0];
      if (row) booked.push(row);
      else lost.push(p.workOrder.id);
    });
  }
  await publishWorkOrders(env, tenantId, await Promise.all(booked.map((w) => workOrderDetail(db, tenantId, w))));
  return { booked, lost };
}
