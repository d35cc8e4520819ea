/** Engagement (points, badges, opt-out, leaderboard setting) and the analytics rollups of alerts. */
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { tenantRef, tenants, users } from "./core";
import { SEVERITIES } from "../../domain/alert";

// ---------------------------------------------------------------------------------------------
// Engagement: points ledger, badge awards, per-user opt-out, tenant leaderboard setting.
// ---------------------------------------------------------------------------------------------

export const ENGAGEMENT_KINDS = ["driver", "technician"] as const;

/**
 * Every point a user earned, once per source: `sourceKey` (`wo:<workOrderId>`,
 * `safe-day:<userId>:<day>`, `badge:<badgeId>:<userId>`) is unique per tenant, so a sweep or an
 * event that runs twice inserts nothing the second time.
 */
export const pointsLedger = sqliteTable(
  "points_ledger",
  {
    id: text("id").primaryKey(),
    tenantId: tenantRef(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ENGAGEMENT_KINDS }).notNull(),
    points: integer("points").notNull(),
    reason: text("reason").notNull(),
    sourceKey: text("source_key").notNull(),
    at: integer("at", { mode: "number" }).notNull(),
  },
  (t) => [
    uniqueIndex("points_ledger_source").on(t.tenantId, t.sourceKey),
    index("points_ledger_user").on(t.tenantId, t.kind, t.userId, t.points),
  ],
);

/** A badge a user holds: at most one row per (user, badge), however often the criteria are met. */
export const badgeAwards = sqliteTable(
  "badge_awards",
  {
    tenantId: tenantRef(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    badge: text("badge").notNull(),
    awardedAt: integer("awarded_at", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.userId, t.badge] })],
);

/** A user's engagement choices; no row = taking part. */
export const engagementPreferences = sqliteTable("engagement_preferences", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  tenantId: tenantRef(),
  /** Off the leaderboard, badges private, no points or badges earned while set. */
  optedOut: integer("opted_out", { mode: "boolean" }).notNull().default(false),
  updatedAt: integer("updated_at", { mode: "number" }).notNull(),
});

/** Tenant-wide engagement settings; no row = defaults. */
export const engagementSettings = sqliteTable("engagement_settings", {
  tenantId: text("tenant_id")
    .primaryKey()
    .references(() => tenants.id, { onDelete: "cascade" }),
  /** Hidden: drivers and technicians see no leaderboard (managers and admins still do). */
  leaderboardHidden: integer("leaderboard_hidden", { mode: "boolean" }).notNull().default(false),
  updatedAt: integer("updated_at", { mode: "number" }).notNull(),
});

export type PointsEntry = typeof pointsLedger.$inferSelect;
export type BadgeAward = typeof badgeAwards.$inferSelect;

// Analytics rollups, kept by triggers on `alerts` (migration 0009) like `alert_counts`:
// alert analytics over long periods read these instead of every alert.

/** Per 15-minute slot (created_at / 900,000) and severity: counts and summed times to ack/resolve. */
export const alertSlotStats = sqliteTable(
  "alert_slot_stats",
  {
    tenantId: text("tenant_id").notNull(),
    slot: integer("slot").notNull(),
    severity: text("severity", { enum: SEVERITIES }).notNull(),
    n: integer("n").notNull(),
    acked: integer("acked").notNull(),
    ackMs: integer("ack_ms").notNull(),
    resolved: integer("resolved").notNull(),
    resolveMs: integer("resolve_ms").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.slot, t.severity] })],
);

/** Alerts per UTC day (created_at / 86,400,000) and vehicle. */
export const alertDayVehicles = sqliteTable(
  "alert_day_vehicles",
  {
    tenantId: text("tenant_id").notNull(),
    day: integer("day").notNull(),
    vehicleId: text("vehicle_id").notNull(),
    n: integer("n").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.day, t.vehicleId] })],
);

/** Alerts per UTC day and rule (`ruleKey` = rule id, or '' for alerts without one) and type. */
export const alertDayRules = sqliteTable(
  "alert_day_rules",
  {
    tenantId: text("tenant_id").notNull(),
    day: integer("day").notNull(),
    ruleKey: text("rule_key").notNull(),
    type: text("type").notNull(),
    n: integer("n").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.day, t.ruleKey, t.type] })],
);

/**
 * Times to acknowledge / resolve per UTC day, as a histogram of whole seconds rounded down to two
 * significant digits (exact below 100 s): p90 over periods too large to sort.
 */
export const alertLatencyBins = sqliteTable(
  "alert_latency_bins",
  {
    tenantId: text("tenant_id").notNull(),
    day: integer("day").notNull(),
    kind: text("kind", { enum: ["ack", "resolve"] }).notNull(),
    bin: integer("bin").notNull(),
    n: integer("n").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.day, t.kind, t.bin] })],
);
