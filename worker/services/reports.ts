/**
 * CSV exports with the list endpoints' filters and order (newest first), streamed in keyset
 * chunks of `CHUNK_ROWS` rows.
 */
import { and, desc, eq, gte, lt, sql } from "drizzle-orm";
import { inTenant, pastCursor, type Db } from "../db/client";
import { alerts, technicians, vehicles } from "../db/schema";
import { isoOrNull, iso } from "../lib/time";
import { ftsQuery, type AlertFilters } from "./alerts";
import { csvStream, type CsvValue } from "./reports-csv";
import { listWorkOrders, type Viewer, type WorkOrderFilter } from "./work-orders";

const CHUNK_ROWS = 500;

export const ALERT_CSV_HEADER = ["id", "createdAt", "vehicleId", "vehicleName", "type", "severity", "status", "message", "value", "acknowledgedAt", "resolvedAt"] as const;
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

/**
 * The filters of `GET /api/alerts` (services/alerts.ts keeps its own copy inside the list query,
 * which also computes facets — an export must not recount them per chunk). Staff only: no driver scope.
 */
function alertConditions(tenantId: string, f: AlertFilters) {
  const fts = f.q ? ftsQuery(f.q) : undefined;
  return inTenant(
    alerts,
    tenantId,
    f.status ? eq(alerts.status, f.status) : undefined,
    f.severity ? eq(alerts.severity, f.severity) : undefined,
    f.vehicleId ? eq(alerts.vehicleId, f.vehicleId) : undefined,
    f.type ? eq(alerts.type, f.type) : undefined,
    f.from != null ? gte(alerts.createdAt, f.from) : undefined,
    f.to != null ? lt(alerts.createdAt, f.to) : undefined,
    f.q ? (fts ? sql`${alerts}.rowid IN (SELECT rowid FROM alerts_fts WHERE alerts_fts MATCH ${fts})` : sql`0`) : undefined,
  );
}

export function alertsCsv(db: Db, tenantId: string, filters: AlertFilters): ReadableStream<Uint8Array> {
  const where = alertConditions(tenantId, filters);
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
export async function workOrdersCsv(db: Db, tenantId: string, viewer: Viewer, filter: WorkOrderFilter): Promise<ReadableStream<Uint8Array>> {
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
