/** Tenants, users, vehicles, the audit log, login throttling and vendor integrations. */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { ROLES } from "../../domain/roles";

export { ROLES, type Role } from "../../domain/roles";

export const createdAt = () => integer("created_at", { mode: "number" }).notNull().default(sql`(unixepoch() * 1000)`);

/** The owning tenant: every tenant-owned row goes when its tenant goes. */
export const tenantRef = () =>
  text("tenant_id")
    .notNull()
    .references(() => tenants.id, { onDelete: "cascade" });
/** The vehicle a row belongs to. */
export const vehicleRef = () =>
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
  /** Send on the user's next channel when a provider's circuit is open or a critical delivery is dead (migration 0018). */
  fallbackChannels: integer("fallback_channels", { mode: "boolean" }).notNull().default(false),
  /** TenantHub objects the tenant's ingest is spread over by vehicle (durable-objects/shards.ts, migration 0029). */
  ingestShards: integer("ingest_shards").notNull().default(1),
});

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    tenantId: tenantRef(),
    /**
     * The plain email and phone columns of before migration 0023: "" and null once the row is
     * sealed (worker/services/users.ts `sealPendingUsers`). Read only by that backfill.
     */
    legacyEmail: text("email")
      .notNull()
      .$default(() => ""),
    name: text("name").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    legacyPhone: text("phone"),
    /** Keyring ciphertexts bound to this row (worker/lib/keyring.ts); open with `openUser`. */
    emailEnc: text("email_enc"),
    phoneEnc: text("phone_enc"),
    /** Blind index (HMAC) of the normalised email within the tenant: login lookup and uniqueness. Null = not sealed yet. */
    emailIndex: text("email_index"),
    passwordHash: text("password_hash").notNull(),
    createdAt: createdAt(),
    /** Tokens carry the version they were issued at; raising it revokes every older token (role change, deactivation). */
    tokenVersion: integer("token_version").notNull().default(0),
    /** A deactivated user cannot sign in and its tokens answer 401. */
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    /** Groups the user is told about (a depot's manager); empty = all (migration 0018). */
    groups: text("groups", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
  },
  (t) => [
    uniqueIndex("users_tenant_email_index").on(t.tenantId, t.emailIndex),
    index("users_unsealed").on(t.id).where(sql`email_index IS NULL`),
  ],
);

/** Tokens ended by logout, by their `jti`, kept until they would have expired anyway. */
export const revokedTokens = sqliteTable(
  "revoked_tokens",
  {
    jti: text("jti").primaryKey(),
    expiresAt: integer("expires_at", { mode: "number" }).notNull(),
  },
  (t) => [index("revoked_tokens_expires").on(t.expiresAt)],
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
    /** Depot, region, vehicle type…: mirrored into `vehicle_groups` by triggers (migration 0018). */
    groups: text("groups", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
  },
  (t) => [
    uniqueIndex("vehicles_tenant_external").on(t.tenantId, t.externalId),
    index("vehicles_tenant_driver").on(t.tenantId, t.driverId),
    // The vehicle list's (name, id) keyset page without sorting the fleet.
    index("vehicles_tenant_name").on(t.tenantId, t.name, t.id),
  ],
);

/**
 * A tenant's fleet revision, raised by triggers on every insert and update of its vehicles
 * (migration 0035): the version `GET /api/vehicles` remembers its pages under.
 */
export const fleetRevisions = sqliteTable("fleet_revisions", {
  tenantId: text("tenant_id").primaryKey(),
  n: integer("n").notNull(),
});

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

/** Failed-login counters for brute-force protection, keyed by `acct:<tenant>:<email blind index>` or `ip:<addr>` (never a raw email). */
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
