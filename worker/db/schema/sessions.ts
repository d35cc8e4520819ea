/**
 * Refresh-token families and single-use URL tickets (migration 0025, docs/security.md).
 * Secrets are stored only as SHA-256 hashes: a copy of the database signs no one in.
 */
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, tenantRef, users } from "./core";

/** One sign-in: every refresh token it rotates through; revoking it ends them all (and its access tokens, via `fam`). */
export const sessionFamilies = sqliteTable(
  "session_families",
  {
    id: text("id").primaryKey(),
    tenantId: tenantRef(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The user's token version at sign-in: a role change or deactivation raises it and ends the family. */
    tokenVersion: integer("token_version").notNull(),
    createdAt: createdAt(),
    /** Absolute end of the sign-in, epoch ms: refreshing never goes past it. */
    expiresAt: integer("expires_at", { mode: "number" }).notNull(),
    revokedAt: integer("revoked_at", { mode: "number" }),
  },
  (t) => [index("session_families_user").on(t.tenantId, t.userId), index("session_families_expires").on(t.expiresAt)],
);

/** A refresh token by its hash; `usedAt` set when it was rotated (a second use revokes the family). */
export const refreshTokens = sqliteTable(
  "refresh_tokens",
  {
    hash: text("hash").primaryKey(),
    familyId: text("family_id")
      .notNull()
      .references(() => sessionFamilies.id, { onDelete: "cascade" }),
    usedAt: integer("used_at", { mode: "number" }),
    expiresAt: integer("expires_at", { mode: "number" }).notNull(),
  },
  (t) => [index("refresh_tokens_family").on(t.familyId)],
);

/** A single-use, short-lived ticket that stands in for a token in a URL (live stream, voice-ack link). */
export const urlTickets = sqliteTable(
  "url_tickets",
  {
    hash: text("hash").primaryKey(),
    tenantId: tenantRef(),
    userId: text("user_id").notNull(),
    purpose: text("purpose", { enum: ["live", "voice-ack"] }).notNull(),
    /** JSON: the session's claims for `live`, the alert for `voice-ack`. */
    payload: text("payload").notNull(),
    expiresAt: integer("expires_at", { mode: "number" }).notNull(),
  },
  (t) => [index("url_tickets_expires").on(t.expiresAt)],
);
