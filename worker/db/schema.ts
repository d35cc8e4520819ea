/**
 * The one D1 schema. snake_case columns, camelCase keys; times are integer epoch milliseconds
 * (rendered as ISO 8601 at the API edge). `npm run db:generate` turns changes into migrations/.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const createdAt = () =>
  integer("created_at", { mode: "number" }).notNull().default(sql`(unixepoch() * 1000)`);

/** The owning tenant: every tenant-owned row goes when its tenant goes. */
const tenantRef = () =>
  text("tenant_id")
    .notNull()
    .references(() => tenants.id, { onDelete: "cascade" });
/** The vehicle a row belongs to. */
const vehicleRef = () =>
  text("vehicle_id")
    .notNull()
    .references(() => vehicles.id, { onDelete: "cascade" });

export const tenants = sqliteTable("tenants", {
  id: text("id").primaryKey(),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  /** AES-GCM ciphertext of the current `whsec_…` webhook secret. */
  webhookSecretEnc: text("webhook_secret_enc").notNull(),
  /** Non-critical alerts of one vehicle raised within this window reach a user as one message. */
  groupWaitSeconds: integer("group_wait_seconds").notNull().default(30),
  /** The secret it replaced, still accepted until `previousSecretExpiresAt`. */
  previousWebhookSecretEnc: text("previous_webhook_secret_enc"),
  previousSecretExpiresAt: integer("previous_secret_expires_at", { mode: "number" }),
  createdAt: createdAt(),
});

export const ROLES = ["admin", "manager", "technician", "driver"] as const;
export type Role = (typeof ROLES)[number];

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    tenantId: tenantRef(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    phone: text("phone"),
    passwordHash: text("password_hash").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("users_tenant_email").on(t.tenantId, t.email)],
);

export const vehicles = sqliteTable(
  "vehicles",
  {
    id: text("id").primaryKey(),
    tenantId: tenantRef(),
    externalId: text("external_id").notNull(),
    name: text("name").notNull(),
    vin: text("vin"),
    type: text("type"),
    odometerKm: real("odometer_km"),
    engineHours: real("engine_hours"),
    driverId: text("driver_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [
    uniqueIndex("vehicles_tenant_external").on(t.tenantId, t.externalId),
    index("vehicles_tenant_driver").on(t.tenantId, t.driverId),
  ],
);

export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    /** Null only for platform actions that precede a tenant (none today). */
    tenantId: text("tenant_id").references(() => tenants.id, { onDelete: "cascade" }),
    actorId: text("actor_id"),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    /** Small JSON object with action-specific facts (never secrets or passwords). */
    detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [index("audit_tenant_time").on(t.tenantId, t.createdAt)],
);

/** Failed-login counters for brute-force protection, keyed by `acct:<tenant>:<email>` or `ip:<addr>`. */
export const loginThrottle = sqliteTable("login_throttle", {
  key: text("key").primaryKey(),
  failures: integer("failures").notNull(),
  windowStartedAt: integer("window_started_at", { mode: "number" }).notNull(),
  blockedUntil: integer("blocked_until", { mode: "number" }),
});

export type Tenant = typeof tenants.$inferSelect;
export type User = typeof users.$inferSelect;
export type Vehicle = typeof vehicles.$inferSelect;
export type AuditEntry = typeof auditLog.$inferSelect;

export const RULE_OPS = ["gt", "gte", "lt", "lte", "eq", "neq", "present"] as const;
export type RuleOp = (typeof RULE_OPS)[number];
export const SEVERITIES = ["critical", "high", "medium", "low"] as const;
export type Severity = (typeof SEVERITIES)[number];
export const ALERT_STATUSES = ["open", "acknowledged", "resolved"] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

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
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "number" }).notNull(),
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
    occurrences: integer("occurrences").notNull(),
    silenced: integer("silenced", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at", { mode: "number" }).notNull(),
    lastSeenAt: integer("last_seen_at", { mode: "number" }).notNull(),
    acknowledgedAt: integer("acknowledged_at", { mode: "number" }),
    acknowledgedBy: text("acknowledged_by"),
    resolvedAt: integer("resolved_at", { mode: "number" }),
    resolvedBy: text("resolved_by"),
    snoozedUntil: integer("snoozed_until", { mode: "number" }),
    note: text("note"),
  },
  (t) => [
    // Page queries: newest first within each common filter, ending in id for the keyset cursor.
    index("alerts_tenant_created").on(t.tenantId, t.createdAt, t.id),
    index("alerts_tenant_status_created").on(t.tenantId, t.status, t.createdAt, t.id),
    index("alerts_tenant_severity_created").on(t.tenantId, t.severity, t.createdAt, t.id),
    index("alerts_tenant_vehicle_created").on(t.tenantId, t.vehicleId, t.createdAt, t.id),
    // Facet counts under a vehicle or type filter, answered from the index alone.
    index("alerts_facets_vehicle").on(t.tenantId, t.vehicleId, t.status, t.severity),
    index("alerts_facets_type").on(t.tenantId, t.type, t.status, t.severity),
    // Analytics over a created_at range (series, MTTA/MTTR, top rules/vehicles) from the index alone.
    index("alerts_analytics").on(t.tenantId, t.createdAt, t.severity, t.vehicleId, t.ruleId, t.type, t.acknowledgedAt, t.resolvedAt),
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

export const VENDORS = ["samsara", "motive", "geotab"] as const;
export type Vendor = (typeof VENDORS)[number];

/** A tenant's vendor integration: credentials AES-GCM encrypted, plus the poller's cursor. */
export const integrations = sqliteTable(
  "integrations",
  {
    tenantId: tenantRef(),
    vendor: text("vendor", { enum: VENDORS }).notNull(),
    /** `encryptSecret(JSON.stringify(credentials))`. */
    configEnc: text("config_enc").notNull(),
    /** Vendor-specific progress, e.g. Geotab's `{ fromVersion }` per feed. */
    state: text("state", { mode: "json" }).$type<Record<string, unknown>>(),
    updatedAt: integer("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.vendor] })],
);

export type Integration = typeof integrations.$inferSelect;

// ── Notifications ────────────────────────────────────────────────────────────────────────────

export const CHANNELS = ["push", "sms", "voice", "email", "inapp"] as const;
export type Channel = (typeof CHANNELS)[number];
export const DELIVERY_CHANNELS = [...CHANNELS, "webhook"] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];
export const DELIVERY_STATUSES = ["queued", "sent", "failed", "dead"] as const;

export interface QuietHours {
  start: string;
  end: string;
  timeZone: string;
}

export const userPreferences = sqliteTable("user_preferences", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  tenantId: text("tenant_id").notNull(),
  channels: text("channels", { mode: "json" }).$type<Record<Severity, Channel[]>>().notNull(),
  quietHours: text("quiet_hours", { mode: "json" }).$type<QuietHours | null>(),
  digestMinutes: integer("digest_minutes").notNull().default(0),
  updatedAt: integer("updated_at", { mode: "number" }).notNull(),
});

export const pushSubscriptions = sqliteTable(
  "push_subscriptions",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    endpoint: text("endpoint").notNull().unique(),
    p256dh: text("p256dh").notNull(),
    auth: text("auth").notNull(),
    expirationTime: integer("expiration_time", { mode: "number" }),
    createdAt: createdAt(),
  },
  (t) => [index("push_subscriptions_user").on(t.tenantId, t.userId)],
);

/**
 * One row per (alert or group, recipient, channel, escalation step): its id is derived from
 * those, so a redelivered job finds the row and never sends twice.
 */
export const deliveries = sqliteTable(
  "deliveries",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    /** The alert this delivery is about; null for deliveries about something else (see `topic`). */
    alertId: text("alert_id"),
    /** What a non-alert delivery is about, e.g. `maintenance:<planId>:<vehicleId>:<status>:<dueKey>`. */
    topic: text("topic"),
    /** Null for customer webhooks. */
    userId: text("user_id"),
    channel: text("channel", { enum: DELIVERY_CHANNELS }).notNull(),
    /** 0 = raised (preferences), n ≥ 1 = escalation step n. */
    step: integer("step").notNull().default(0),
    /** Push subscription id or outbound webhook id, when the channel has several targets. */
    target: text("target"),
    status: text("status", { enum: DELIVERY_STATUSES }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    /** When a deferred (quiet hours) or grouped delivery is due. */
    dueAt: integer("due_at", { mode: "number" }),
    sentAt: integer("sent_at", { mode: "number" }),
    /** The rendered message (and webhook event), so a retry sends the same thing. */
    message: text("message", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [index("deliveries_tenant_created").on(t.tenantId, t.createdAt, t.id), index("deliveries_tenant_alert").on(t.tenantId, t.alertId), index("deliveries_tenant_topic").on(t.tenantId, t.topic)],
);

export const silences = sqliteTable(
  "silences",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    matchers: text("matchers", { mode: "json" }).$type<{ vehicleId?: string; ruleId?: string; type?: string; severity?: Severity }>().notNull(),
    startsAt: integer("starts_at", { mode: "number" }).notNull(),
    endsAt: integer("ends_at", { mode: "number" }).notNull(),
    comment: text("comment").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("silences_tenant_ends").on(t.tenantId, t.endsAt)],
);

export interface EscalationStep {
  afterMinutes: number;
  roles: Role[];
  channels: Channel[];
}

export const escalationPolicies = sqliteTable(
  "escalation_policies",
  {
    tenantId: text("tenant_id").notNull(),
    severity: text("severity", { enum: SEVERITIES }).notNull(),
    steps: text("steps", { mode: "json" }).$type<EscalationStep[]>().notNull(),
    updatedAt: integer("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.severity] })],
);

export const outboundWebhooks = sqliteTable(
  "outbound_webhooks",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    url: text("url").notNull(),
    events: text("events", { mode: "json" }).$type<string[]>().notNull(),
    secretEnc: text("secret_enc").notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [index("outbound_webhooks_tenant").on(t.tenantId)],
);

export const inboxItems = sqliteTable(
  "inbox_items",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    userId: text("user_id").notNull(),
    /** Null for an item about something else than an alert (see `topic`). */
    alertId: text("alert_id"),
    /** What a non-alert item is about, as on `deliveries.topic` (e.g. a maintenance reminder). */
    topic: text("topic"),
    title: text("title").notNull(),
    body: text("body").notNull(),
    url: text("url").notNull(),
    createdAt: integer("created_at", { mode: "number" }).notNull(),
    readAt: integer("read_at", { mode: "number" }),
  },
  (t) => [index("inbox_user_created").on(t.tenantId, t.userId, t.createdAt)],
);

export type Delivery = typeof deliveries.$inferSelect;

export type AlertRule = typeof alertRules.$inferSelect;
export type AlertRow = typeof alerts.$inferSelect;

// ---------------------------------------------------------------------------------------------
// Maintenance (issue 5): service plans, recorded services, meter snapshots for forecasts, shop
// resources (technicians, bays), work orders with their status history, and the last due status
// of each (vehicle, plan) pair so the sweep can tell transitions.
// ---------------------------------------------------------------------------------------------

export const WORK_ORDER_STATUSES = ["open", "scheduled", "in_progress", "completed", "cancelled"] as const;
export const WORK_ORDER_PRIORITIES = ["urgent", "high", "normal", "low"] as const;
export const WORK_ORDER_SOURCES = ["manual", "plan", "predictive", "alert"] as const;
export const DUE_STATUSES = ["ok", "due_soon", "overdue"] as const;

export interface ShiftRow {
  weekday: number;
  start: string;
  end: string;
}

export const maintenancePlans = sqliteTable(
  "maintenance_plans",
  {
    id: text("id").primaryKey(),
    tenantId: tenantRef(),
    name: text("name").notNull(),
    /** Null: not limited to listed vehicles. */
    vehicleIds: text("vehicle_ids", { mode: "json" }).$type<string[] | null>(),
    /** Null: any vehicle type. */
    vehicleType: text("vehicle_type"),
    everyKm: real("every_km"),
    everyEngineHours: real("every_engine_hours"),
    everyDays: real("every_days"),
    dueSoonKm: real("due_soon_km"),
    dueSoonEngineHours: real("due_soon_engine_hours"),
    dueSoonDays: real("due_soon_days"),
    durationMinutes: integer("duration_minutes").notNull(),
    skill: text("skill"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [index("maintenance_plans_tenant").on(t.tenantId, t.id)],
);

/** A service done on a vehicle under a plan: where the plan's next interval starts. */
export const serviceRecords = sqliteTable(
  "service_records",
  {
    id: text("id").primaryKey(),
    tenantId: tenantRef(),
    vehicleId: vehicleRef(),
    planId: text("plan_id")
      .notNull()
      .references(() => maintenancePlans.id, { onDelete: "cascade" }),
    /** The completed work order that recorded it (at most one record per work order). */
    workOrderId: text("work_order_id"),
    odometerKm: real("odometer_km"),
    engineHours: real("engine_hours"),
    performedAt: integer("performed_at", { mode: "number" }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("service_records_pair").on(t.tenantId, t.vehicleId, t.planId, t.performedAt), uniqueIndex("service_records_work_order").on(t.workOrderId)],
);

/** One meter reading per vehicle and UTC day: the history behind "average daily km over 30 days". */
export const meterSamples = sqliteTable(
  "meter_samples",
  {
    tenantId: tenantRef(),
    vehicleId: vehicleRef(),
    /** floor(at / 86,400,000). */
    day: integer("day").notNull(),
    odometerKm: real("odometer_km"),
    engineHours: real("engine_hours"),
    at: integer("at", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.vehicleId, t.day] })],
);

export const technicians = sqliteTable(
  "technicians",
  {
    id: text("id").primaryKey(),
    tenantId: tenantRef(),
    name: text("name").notNull(),
    /** The technician's login, if it has one: it may then update its own work orders. */
    userId: text("user_id").references(() => users.id, { onDelete: "set null" }),
    skills: text("skills", { mode: "json" }).$type<string[]>().notNull(),
    shifts: text("shifts", { mode: "json" }).$type<ShiftRow[]>().notNull(),
    timeZone: text("time_zone").notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [index("technicians_tenant").on(t.tenantId, t.id), uniqueIndex("technicians_tenant_user").on(t.tenantId, t.userId)],
);

export const bays = sqliteTable(
  "bays",
  {
    id: text("id").primaryKey(),
    tenantId: tenantRef(),
    name: text("name").notNull(),
    capacity: integer("capacity").notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [index("bays_tenant").on(t.tenantId, t.id)],
);

export const workOrders = sqliteTable(
  "work_orders",
  {
    id: text("id").primaryKey(),
    tenantId: tenantRef(),
    vehicleId: vehicleRef(),
    planId: text("plan_id").references(() => maintenancePlans.id, { onDelete: "set null" }),
    alertId: text("alert_id"),
    title: text("title").notNull(),
    priority: text("priority", { enum: WORK_ORDER_PRIORITIES }).notNull(),
    source: text("source", { enum: WORK_ORDER_SOURCES }).notNull(),
    status: text("status", { enum: WORK_ORDER_STATUSES }).notNull(),
    dueDate: integer("due_date", { mode: "number" }),
    durationMinutes: integer("duration_minutes").notNull(),
    skill: text("skill"),
    technicianId: text("technician_id").references(() => technicians.id, { onDelete: "set null" }),
    bayId: text("bay_id").references(() => bays.id, { onDelete: "set null" }),
    scheduledStart: integer("scheduled_start", { mode: "number" }),
    scheduledEnd: integer("scheduled_end", { mode: "number" }),
    startedAt: integer("started_at", { mode: "number" }),
    completedAt: integer("completed_at", { mode: "number" }),
    cancelledAt: integer("cancelled_at", { mode: "number" }),
    notes: text("notes"),
    costCents: integer("cost_cents"),
    /** `plan:vehicle:baseline` for plan work orders: one per plan interval, whatever races. */
    planCycle: text("plan_cycle"),
    createdBy: text("created_by"),
    /** Changes on every write: guarded updates compare it (optimistic concurrency). */
    rev: text("rev").notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [
    index("work_orders_tenant_created").on(t.tenantId, t.id),
    index("work_orders_tenant_status").on(t.tenantId, t.status, t.id),
    index("work_orders_tenant_vehicle").on(t.tenantId, t.vehicleId, t.id),
    index("work_orders_tenant_technician").on(t.tenantId, t.technicianId, t.scheduledStart),
    index("work_orders_tenant_bay").on(t.tenantId, t.bayId, t.scheduledStart),
    uniqueIndex("work_orders_plan_cycle").on(t.tenantId, t.planCycle),
    uniqueIndex("work_orders_alert").on(t.tenantId, t.alertId),
  ],
);

/** Every status change of a work order (and its creation, with `fromStatus` null). */
export const workOrderEvents = sqliteTable(
  "work_order_events",
  {
    id: text("id").primaryKey(),
    tenantId: tenantRef(),
    workOrderId: text("work_order_id")
      .notNull()
      .references(() => workOrders.id, { onDelete: "cascade" }),
    fromStatus: text("from_status", { enum: WORK_ORDER_STATUSES }),
    toStatus: text("to_status", { enum: WORK_ORDER_STATUSES }).notNull(),
    actorId: text("actor_id"),
    at: integer("at", { mode: "number" }).notNull(),
  },
  (t) => [index("work_order_events_order").on(t.tenantId, t.workOrderId, t.at)],
);

/** The due status the maintenance sweep last saw per (vehicle, plan), to tell transitions. */
export const maintenanceDueStates = sqliteTable(
  "maintenance_due_states",
  {
    tenantId: tenantRef(),
    vehicleId: vehicleRef(),
    planId: text("plan_id")
      .notNull()
      .references(() => maintenancePlans.id, { onDelete: "cascade" }),
    status: text("status", { enum: DUE_STATUSES }).notNull(),
    changedAt: integer("changed_at", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.vehicleId, t.planId] })],
);

export type MaintenancePlan = typeof maintenancePlans.$inferSelect;
export type ServiceRecord = typeof serviceRecords.$inferSelect;
export type Technician = typeof technicians.$inferSelect;
export type Bay = typeof bays.$inferSelect;
export type WorkOrder = typeof workOrders.$inferSelect;
export type WorkOrderEvent = typeof workOrderEvents.$inferSelect;

// ---------------------------------------------------------------------------------------------
// Engagement (issue 8): points ledger, badge awards, per-user opt-out, tenant leaderboard setting.
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
  (t) => [uniqueIndex("points_ledger_source").on(t.tenantId, t.sourceKey), index("points_ledger_user").on(t.tenantId, t.kind, t.userId, t.points)],
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

// Analytics rollups (issue 8), kept by triggers on `alerts` (migration 0009) like `alert_counts`:
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
