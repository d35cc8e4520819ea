/**
 * CSV exports with the list endpoints' filters and order (newest first), streamed in keyset
 * chunks of `CHUNK_ROWS` rows.
 */
import { and, desc, eq } from "drizzle-orm";
import { inTenant, pastCursor, type Db } from "../db/client";
import { alerts, technicians, vehicles } from "../db/schema";
import { isoOrNull, iso } from "../lib/time";
import type { AuthContext } from "../env";
import { alertConditions, type AlertFilters } from "./alerts";
import { csvStream, type CsvValue } from "./reports-csv";
import { listWorkOrders, type Viewer, type WorkOrderFilter } from "./work-orders";

const CHUNK_ROWS = 500;

export const ALERT_CSV_HEADER = [
  "id",
  "createdAt",
  "vehicleId",
  "vehicleName",
  "type",
  "severity",
  "status",
  "message",
  "value",
  "acknowledgedAt",
  "resolvedAt",
] as const;
export const WORK_ORDER_CSV_HEADER = [
  "id",
  "createdAt",
  "vehicleId",
  "vehicleName",
  "title",
  "priority",
  "source",
  "status",
  "dueDate",
  "technicianId",
  "technicianName",
  "scheduledStart",
  "scheduledEnd",
  "startedAt",
  "completedAt",
  "costCents",
  "notes",
] as const;

/** Staff only (the route's roles), so the driver scope of `alertConditions` never applies. */
export function alertsCsv(db: Db, auth: AuthContext, filters: AlertFilters): ReadableStream<Uint8Array> {
  const where = alertConditions(auth.tenantId, auth, filters);
  return csvStream<[number, string]>(ALERT_CSV_HEADER, async (cursor) => {
    const rows = await db
      .select({ a: alerts, vehicleName: vehicles.name })
      .from(alerts)
      .leftJoin(vehicles, and(eq(vehicles.id, alerts.vehicleId), eq(vehicles.tenantId, alerts.tenantId)))
      .where(and(where, pastCursor(alerts.createdAt, alerts.id, cursor, "desc")))
      .orderBy(desc(alerts.createdAt), desc(alerts.id))
      .limit(CHUNK_ROWS);
    const last = rows.at(-1)?.a;
    return {
      rows: rows.map(({ a, vehicleName }): CsvValue[] => [
        a.id,
        iso(a.createdAt),
        a.vehicleId,
        vehicleName,
        a.type,
        a.severity,
        a.status,
        a.message,
        a.value,
        isoOrNull(a.acknowledgedAt),
        isoOrNull(a.resolvedAt),
      ]),
      cursor: rows.length === CHUNK_ROWS && last ? [last.createdAt, last.id] : undefined,
    };
  });
}

/** Work orders through the list endpoint's own query (same filters, same technician scope). */
export async function workOrdersCsv(
  db: Db,
  tenantId: string,
  viewer: Viewer,
  filter: WorkOrderFilter,
): Promise<ReadableStream<Uint8Array>> {
  const [vehicleNames, technicianNames] = await Promise.all([
    db.select({ id: vehicles.id, name: vehicles.name }).from(vehicles).where(inTenant(vehicles, tenantId)),
    db.select({ id: technicians.id, name: technicians.name }).from(technicians).where(inTenant(technicians, tenantId)),
  ]);
  const vehicleName = new Map(vehicleNames.map((v) => [v.id, v.name]));
  const technicianName = new Map(technicianNames.map((t) => [t.id, t.name]));
  return csvStream<string>(WORK_ORDER_CSV_HEADER, async (cursor) => {
    const page = await listWorkOrders(db, tenantId, viewer, filter, CHUNK_ROWS, cursor);
    const rows = page.slice(0, CHUNK_ROWS);
    return {
      rows: rows.map((w): CsvValue[] => [
        w.id,
        iso(w.createdAt),
        w.vehicleId,
        vehicleName.get(w.vehicleId),
        w.title,
        w.priority,
        w.source,
        w.status,
        isoOrNull(w.dueDate),
        w.technicianId,
        w.technicianId ? technicianName.get(w.technicianId) : null,
        isoOrNull(w.scheduledStart),
        isoOrNull(w.scheduledEnd),
        isoOrNull(w.startedAt),
        isoOrNull(w.completedAt),
        w.costCents,
        w.notes,
      ]),
      cursor: page.length > CHUNK_ROWS ? rows.at(-1)!.id : undefined,
    };
  });
}
