/** Notification preferences, push subscriptions, deliveries, silences, escalation, webhooks and the inbox. */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { SEVERITIES, type Severity } from "../../domain/alert";
import { CHANNELS, type Channel, type EscalationStep, type QuietHours } from "../../domain/notifications";
import type { SilenceMatchers } from "../../domain/silence";
import { createdAt, users } from "./core";

export { CHANNELS, type Channel, type EscalationStep, type QuietHours } from "../../domain/notifications";
/** Channels a user may opt into for "resolved" notices; in-app and push tell everyone told of the raise. */
export const RESOLVED_CHANNELS = ["sms", "voice", "email"] as const;
export type ResolvedChannel = (typeof RESOLVED_CHANNELS)[number];
export const DELIVERY_CHANNELS = [...CHANNELS, "webhook"] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];
/** The statuses the API shows (`GET /api/notifications`). */
export const DELIVERY_STATUSES = ["queued", "sent", "failed", "dead", "cancelled"] as const;
/**
 * What the `status` column may hold: the public statuses plus `sending` — claimed by one sender,
 * the provider request possibly made (shown as `queued`). See docs/notifications-pipeline.md.
 */
export const DELIVERY_STATES = [...DELIVERY_STATUSES, "sending"] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export const userPreferences = sqliteTable("user_preferences", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  tenantId: text("tenant_id").notNull(),
  channels: text("channels", { mode: "json" }).$type<Record<Severity, Channel[]>>().notNull(),
  quietHours: text("quiet_hours", { mode: "json" }).$type<QuietHours | null>(),
  digestMinutes: integer("digest_minutes").notNull().default(0),
  /** Extra channels (`sms`, `voice`, `email`) on which to hear that an alert one was told of resolved. */
  notifyResolved: text("notify_resolved", { mode: "json" }).$type<ResolvedChannel[]>().notNull().default([]),
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
    endpoint: text("endpoint").notNull(),
    p256dh: text("p256dh").notNull(),
    auth: text("auth").notNull(),
    expirationTime: integer("expiration_time", { mode: "number" }),
    createdAt: createdAt(),
  },
  // Tenant-bound: one subscription per (tenant, user, endpoint); no other tenant's call can take it over.
  (t) => [
    index("push_subscriptions_user").on(t.tenantId, t.userId),
    uniqueIndex("push_subscriptions_tenant_user_endpoint").on(t.tenantId, t.userId, t.endpoint),
  ],
);

/**
 * One row per (alert or group, recipient, channel, escalation step): its id is derived from
 * those, so a redelivered job finds the row and never sends twice. Stored WITHOUT ROWID (migration
 * 0030: the id is the table's key, not a second index; drizzle cannot say so).
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
    status: text("status", { enum: DELIVERY_STATES }).notNull(),
    /** When the current `sending` claim was taken (the sweep judges stale claims by it). */
    claimedAt: integer("claimed_at", { mode: "number" }),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    /** When a deferred (quiet hours, grouping) delivery is due, or its next retry. */
    dueAt: integer("due_at", { mode: "number" }),
    sentAt: integer("sent_at", { mode: "number" }),
    /** The rendered message (and webhook event), so a retry sends the same thing. */
    message: text("message", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "number" }).notNull(),
    /** The delivery this one stands in for on the next channel, and why (`circuit_open`, `dead`). */
    fallbackOf: text("fallback_of"),
    fallbackReason: text("fallback_reason"),
  },
  (t) => [
    index("deliveries_tenant_created").on(t.tenantId, t.createdAt, t.id),
    index("deliveries_tenant_alert").on(t.tenantId, t.alertId),
    // A topic is set on reminders, digests and work-order webhooks, a target on webhooks and dead
    // jobs: an alert's deliveries to people write no entry in these two (migration 0027).
    index("deliveries_tenant_topic").on(t.tenantId, t.topic).where(sql`${t.topic} IS NOT NULL`),
    // Unsent rows by status: the tenant object's stale-delivery sweep, eager cancellation, grouping
    // and the cron's backstop sweep tenant by tenant (one index, not a second across tenants:
    // migration 0028). Only unsent rows have an entry (migration 0031): a query uses it when it
    // asks for `status = 'queued'` or `status = 'sending'`.
    index("deliveries_tenant_unsent_due").on(t.tenantId, t.status, t.dueAt).where(sql`${t.status} = 'queued' OR ${t.status} = 'sending'`),
    // An outbound webhook's delivery log (`GET /api/integrations/webhooks/{id}/deliveries`).
    index("deliveries_tenant_target").on(t.tenantId, t.target, t.createdAt, t.id).where(sql`${t.target} IS NOT NULL`),
  ],
);

export const silences = sqliteTable(
  "silences",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    matchers: text("matchers", { mode: "json" }).$type<SilenceMatchers>().notNull(),
    startsAt: integer("starts_at", { mode: "number" }).notNull(),
    endsAt: integer("ends_at", { mode: "number" }).notNull(),
    comment: text("comment").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
    /** Only vehicles in one of these groups are silenced; empty = all (migration 0018). */
    groups: text("groups", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
  },
  (t) => [index("silences_tenant_ends").on(t.tenantId, t.endsAt)],
);

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
    /** The secret before the last rotation: it signs too until `previousSecretValidUntil`. */
    previousSecretEnc: text("previous_secret_enc"),
    previousSecretValidUntil: integer("previous_secret_valid_until", { mode: "number" }),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    /** Why it was disabled (a 410 from the endpoint, or an admin), cleared on re-enable. */
    disabledReason: text("disabled_reason"),
    disabledAt: integer("disabled_at", { mode: "number" }),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "number" }),
  },
  (t) => [index("outbound_webhooks_tenant").on(t.tenantId)],
);

/**
 * A user's in-app notification. Stored WITHOUT ROWID, keyed by (tenant, user, id) (migrations 0030
 * and 0032): ids begin with their creation time, so the key is also the inbox's newest-first order.
 */
export const inboxItems = sqliteTable(
  "inbox_items",
  {
    id: text("id").notNull(),
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
  (t) => [primaryKey({ columns: [t.tenantId, t.userId, t.id] })],
);

export type Delivery = typeof deliveries.$inferSelect;

/**
 * Notification jobs other than `deliver` that ran out of queue retries (they reached the
 * dead-letter queue). One row per job body: a re-driven job that dies again flips the same row
 * back to `dead`. Dead `deliver` jobs are not listed here: their delivery row turns `dead`.
 */
export const deadJobs = sqliteTable(
  "dead_jobs",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    type: text("type").notNull(),
    body: text("body", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    status: text("status", { enum: ["dead", "redriven"] }).notNull(),
    /** How many times this job reached the dead-letter queue. */
    deaths: integer("deaths").notNull().default(1),
    diedAt: integer("died_at", { mode: "number" }).notNull(),
    redrivenAt: integer("redriven_at", { mode: "number" }),
    redrivenBy: text("redriven_by"),
  },
  (t) => [index("dead_jobs_tenant_died").on(t.tenantId, t.diedAt, t.id)],
);
export type DeadJob = typeof deadJobs.$inferSelect;
