/** Alert rules, alerts and their trigger-kept facet counts. */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { ALERT_STATUSES, SEVERITIES } from "../../domain/alert";
import { RULE_KINDS, RULE_OPS } from "../../domain/rule-engine";
import { createdAt, tenantRef } from "./core";

export { ALERT_STATUSES, SEVERITIES, type AlertStatus, type Severity } from "../../domain/alert";
export { RULE_KINDS, RULE_OPS, type RuleKind, type RuleOp } from "../../domain/rule-engine";

export const alertRules = sqliteTable(
  "alert_rules",
  {
    id: text("id").primaryKey(),
    tenantId: tenantRef(),
    name: text("name").notNull(),
    /** Alert `type` of the alerts this rule raises (snake_case of the name at creation). */
    type: text("type").notNull(),
    metric: text("metric").notNull(),
    op: text("op", { enum: RULE_OPS }).notNull(),
    threshold: real("threshold"),
    forSeconds: integer("for_seconds"),
    windowCount: integer("window_count"),
    windowSeconds: integer("window_seconds"),
    cooldownSeconds: integer("cooldown_seconds").notNull().default(900),
    severity: text("severity", { enum: SEVERITIES }).notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    vehicleIds: text("vehicle_ids", { mode: "json" }).$type<string[] | null>(),
    /** Resolve an alert automatically when its episode clears (migration 0012). */
    autoResolve: integer("auto_resolve", { mode: "boolean" }).notNull().default(false),
    /** Only vehicles in one of these groups are evaluated; empty = all (migration 0018). */
    groups: text("groups", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "number" }).notNull(),
    /** Rule kinds and their settings (migration 0017, docs/geofences-and-offline.md). */
    // A SQL default, not a bound one: the default rules' multi-row insert stays under D1's 100 parameters.
    kind: text("kind", { enum: RULE_KINDS }).notNull().default(sql`'threshold'`),
    minutes: integer("minutes"),
    graceMinutes: integer("grace_minutes"),
    geofenceId: text("geofence_id"),
    bufferM: real("buffer_m"),
    fixes: integer("fixes"),
  },
  (t) => [index("alert_rules_tenant").on(t.tenantId)],
);

/**
 * Alerts as the Durable Object last reported them (it owns their lifecycle and `seq`); D1 holds
 * them for listing, search, facets and analytics.
 */
export const alerts = sqliteTable(
  "alerts",
  {
    id: text("id").primaryKey(),
    tenantId: tenantRef(),
    /** Seq of the alert's latest event. */
    seq: integer("seq").notNull(),
    vehicleId: text("vehicle_id").notNull(),
    ruleId: text("rule_id"),
    type: text("type").notNull(),
    severity: text("severity", { enum: SEVERITIES }).notNull(),
    status: text("status", { enum: ALERT_STATUSES }).notNull(),
    message: text("message").notNull(),
    value: real("value"),
    /** Most extreme matching value of the alert's episodes (migration 0012). */
    peakValue: real("peak_value"),
    occurrences: integer("occurrences").notNull(),
    silenced: integer("silenced", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at", { mode: "number" }).notNull(),
    lastSeenAt: integer("last_seen_at", { mode: "number" }).notNull(),
    /** Event time of the reading that ended the latest episode; null while it holds. */
    clearedAt: integer("cleared_at", { mode: "number" }),
    acknowledgedAt: integer("acknowledged_at", { mode: "number" }),
    acknowledgedBy: text("acknowledged_by"),
    resolvedAt: integer("resolved_at", { mode: "number" }),
    resolvedBy: text("resolved_by"),
    snoozedUntil: integer("snoozed_until", { mode: "number" }),
    note: text("note"),
    /** Alert work (migration 0019): who is on it, by id and by name as it was when assigned, and the thread's size. */
    assigneeId: text("assignee_id"),
    assigneeName: text("assignee_name"),
    commentCount: integer("comment_count").notNull().default(0),
  },
  (t) => [
    // Page queries: newest first within each common filter, ending in id for the keyset cursor.
    // The unfiltered one also carries what the created_at-range facets and analytics read, and the
    // vehicle and type ones their facets (status, severity, and each other for both filters at once):
    // each answers from the index alone, and a new alert writes one entry for all (migration 0027).
    index("alerts_tenant_created").on(
      t.tenantId,
      t.createdAt,
      t.id,
      t.status,
      t.severity,
      t.vehicleId,
      t.ruleId,
      t.type,
      t.acknowledgedAt,
      t.resolvedAt,
    ),
    index("alerts_tenant_status_created").on(t.tenantId, t.status, t.createdAt, t.id),
    index("alerts_tenant_severity_created").on(t.tenantId, t.severity, t.createdAt, t.id),
    index("alerts_tenant_vehicle_created").on(t.tenantId, t.vehicleId, t.createdAt, t.id, t.status, t.severity, t.type),
    index("alerts_tenant_type_created").on(t.tenantId, t.type, t.createdAt, t.id, t.status, t.severity, t.vehicleId),
    // The Overview's open critical/high alerts: both equalities searched, the page read in order.
    index("alerts_tenant_status_severity_created").on(t.tenantId, t.status, t.severity, t.createdAt, t.id),
    // The tenant's newest seq in one index read: the version the list's remembered answers are keyed by.
    index("alerts_tenant_seq").on(t.tenantId, t.seq),
  ],
);

/**
 * Alert counts per (tenant, status, severity), kept by triggers on `alerts` (migration
 * 0005), so the facets of an unfiltered or status/severity-filtered list cost one tiny read.
 */
export const alertCounts = sqliteTable(
  "alert_counts",
  {
    tenantId: text("tenant_id").notNull(),
    status: text("status", { enum: ALERT_STATUSES }).notNull(),
    severity: text("severity", { enum: SEVERITIES }).notNull(),
    n: integer("n").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.status, t.severity] })],
);

export type AlertRule = typeof alertRules.$inferSelect;
export type AlertRow = typeof alerts.$inferSelect;
