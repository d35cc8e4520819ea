/** Geofences: named circles and polygons per tenant, read by enter, exit and dwell rules (migration 0017). */
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { GeofenceShape } from "../../domain/geo";
import { createdAt, tenantRef } from "./core";

export const geofences = sqliteTable(
  "geofences",
  {
    id: text("id").primaryKey(),
    tenantId: tenantRef(),
    name: text("name").notNull(),
    tags: text("tags", { mode: "json" }).$type<string[]>().notNull(),
    shape: text("shape", { mode: "json" }).$type<GeofenceShape>().notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [index("geofences_tenant").on(t.tenantId)],
);

export type GeofenceRow = typeof geofences.$inferSelect;
