/** Groups of vehicles, and the recorded reasons each person was or was not told of an alert. */
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { DECISION_OUTCOMES } from "../../domain/decisions";

export { DECISION_OUTCOMES, DECISION_REASONS, type DecisionOutcome, type DecisionReason } from "../../domain/decisions";

/** "Vehicles in group X": one row per (group, vehicle), kept by triggers from `vehicles.groups`. */
export const vehicleGroups = sqliteTable(
  "vehicle_groups",
  {
    tenantId: text("tenant_id").notNull(),
    groupName: text("group_name").notNull(),
    vehicleId: text("vehicle_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.groupName, t.vehicleId] }), index("vehicle_groups_vehicle").on(t.vehicleId)],
);

/**
 * One decision about telling one user of one alert: recorded where the planner decides (held,
 * skipped) and, for a delivery's outcome (told, failed, dead, cancelled), by triggers on
 * `deliveries` (migration 0018). Ids are derived from what they record, so a retried job adds none twice.
 * Stored WITHOUT ROWID, clustered by the alert they explain (migration 0031): the key serves every
 * reader, so a decision writes no index entry.
 */
export const alertDecisions = sqliteTable(
  "alert_decisions",
  {
    id: text("id").notNull(),
    tenantId: text("tenant_id").notNull(),
    alertId: text("alert_id").notNull(),
    userId: text("user_id").notNull(),
    /** Null when the decision concerns the user, not one channel (silenced, out of their groups). */
    channel: text("channel"),
    outcome: text("outcome", { enum: DECISION_OUTCOMES }).notNull(),
    reason: text("reason").notNull(),
    detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>().notNull().default({}),
    at: integer("at", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.alertId, t.id] })],
);
export type AlertDecision = typeof alertDecisions.$inferSelect;
