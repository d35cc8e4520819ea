/** Per-tenant retention windows (docs/time-driven-work.md "Retention"). */
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { RetentionDays } from "../../../durable-objects/retention";
import { tenants } from "./core";

/** A tenant's own windows; a field not set (or no row) means the documented default. */
export const tenantRetention = sqliteTable("tenant_retention", {
  tenantId: text("tenant_id")
    .primaryKey()
    .references(() => tenants.id, { onDelete: "cascade" }),
  days: text("days", { mode: "json" }).$type<Partial<RetentionDays>>().notNull(),
  updatedAt: integer("updated_at", { mode: "number" }).notNull(),
});
