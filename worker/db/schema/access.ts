/** Machine and single-sign-on access (migration 0024): API keys, per-tenant OIDC settings, SSO flows in progress. */
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { ROLES } from "../../domain/roles";
import { createdAt, tenantRef } from "./core";

/** An API key: only its SHA-256 is kept; `prefix` (public, in the key itself) finds the row. */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    tenantId: tenantRef(),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    /** Hex SHA-256 of the whole key (`fpk_<prefix>_<secret>`). */
    keyHash: text("key_hash").notNull(),
    scopes: text("scopes", { mode: "json" }).$type<string[]>().notNull(),
    /** The admin who made it; the key acts in its name and stops when that user is no longer an active admin. */
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
    /** Recorded at most once a minute (services/api-keys.ts). */
    lastUsedAt: integer("last_used_at", { mode: "number" }),
    revokedAt: integer("revoked_at", { mode: "number" }),
  },
  (t) => [uniqueIndex("api_keys_prefix_unique").on(t.prefix), index("api_keys_tenant").on(t.tenantId, t.createdAt)],
);

/** A tenant's OIDC identity provider; the client secret is AES-GCM encrypted (lib/crypto.ts). */
export const tenantSso = sqliteTable("tenant_sso", {
  tenantId: tenantRef().primaryKey(),
  issuer: text("issuer").notNull(),
  clientId: text("client_id").notNull(),
  clientSecretEnc: text("client_secret_enc").notNull(),
  defaultRole: text("default_role", { enum: ROLES }).notNull(),
  updatedAt: integer("updated_at", { mode: "number" }).notNull(),
});

/**
 * One step of a sign-in in progress, single use: keyed by the SHA-256 of the `state` (start →
 * callback, with the PKCE verifier and nonce) or of the ticket (callback → exchange, with the user).
 */
export const ssoFlows = sqliteTable(
  "sso_flows",
  {
    id: text("id").primaryKey(),
    tenantId: tenantRef(),
    codeVerifier: text("code_verifier"),
    nonce: text("nonce"),
    userId: text("user_id"),
    expiresAt: integer("expires_at", { mode: "number" }).notNull(),
  },
  (t) => [index("sso_flows_expires").on(t.expiresAt)],
);

export type ApiKey = typeof apiKeys.$inferSelect;
export type TenantSso = typeof tenantSso.$inferSelect;
