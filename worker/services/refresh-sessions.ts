/**
 * Refresh-token families (docs/security.md, "Refresh"): each sign-in starts a family; a refresh
 * token is good for one rotation, which hands out the next one of the same family. Presenting a
 * token that was already rotated means a copy is in someone else's hands: the whole family is
 * revoked (its access tokens too, through their `fam` claim). Only SHA-256 hashes are stored.
 */
import { toBase64Url } from "../lib/encoding";
import { issueToken } from "../lib/jwt";
import type { Role } from "../db/schema";
import { forgetSessions } from "./sessions";

/** The PWA cookie session's access token, and every token a refresh hands out: 15 minutes. */
export const ACCESS_TTL_SECONDS = 15 * 60;

export async function sha256Hex(secret: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret)));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** 256 random bits, URL-safe. */
export const newSecret = (prefix: string) => `${prefix}_${toBase64Url(crypto.getRandomValues(new Uint8Array(32)))}`;

export interface Family {
  id: string;
  refreshToken: string;
  /** Epoch ms: the sign-in ends then whatever is refreshed. */
  expiresAt: number;
}

/** Starts the family of a sign-in (and drops families that ended long ago). */
export async function startFamily(
  d1: D1Database,
  user: { id: string; tenantId: string; tokenVersion: number },
  lifetimeSeconds: number,
  now = Date.now(),
): Promise<Family> {
  const id = `fam_${crypto.randomUUID()}`;
  const refreshToken = newSecret("rt");
  const expiresAt = now + lifetimeSeconds * 1000;
  await d1.batch([
    d1.prepare("DELETE FROM session_families WHERE expires_at < ?1").bind(now),
    d1
      .prepare(
        "INSERT INTO session_families (id, tenant_id, user_id, token_version, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
      )
      .bind(id, user.tenantId, user.id, user.tokenVersion, now, expiresAt),
    d1
      .prepare("INSERT INTO refresh_tokens (hash, family_id, expires_at) VALUES (?1, ?2, ?3)")
      .bind(await sha256Hex(refreshToken), id, expiresAt),
  ]);
  return { id, refreshToken, expiresAt };
}

export type RotateResult =
  | { ok: true; family: Family; access: Awaited<ReturnType<typeof issueToken>> }
  /** `reused`: the token had been rotated already; its family is now revoked. */
  | { ok: false; reason: "unknown" | "reused" | "ended"; familyId?: string; userId?: string; tenantId?: string };

/**
 * Uses a refresh token once: marks it used (atomically: of two racing uses exactly one wins),
 * checks the family and its user still stand, stores the next token, issues an access token.
 */
export async function rotate(d1: D1Database, refreshToken: string, secret: string, now = Date.now()): Promise<RotateResult> {
  const hash = await sha256Hex(refreshToken);
  const claimed = await d1
    .prepare(
      "UPDATE refresh_tokens SET used_at = ?2 WHERE hash = ?1 AND used_at IS NULL AND expires_at > ?2 RETURNING family_id AS familyId",
    )
    .bind(hash, now)
    .first<{ familyId: string }>();
  if (!claimed) {
    const seen = await d1
      .prepare(
        `SELECT f.id AS familyId, f.user_id AS userId, f.tenant_id AS tenantId FROM refresh_tokens t
         JOIN session_families f ON f.id = t.family_id WHERE t.hash = ?1 AND t.used_at IS NOT NULL`,
      )
      .bind(hash)
      .first<{ familyId: string; userId: string; tenantId: string }>();
    if (!seen) return { ok: false, reason: "unknown" };
    await revokeFamily(d1, seen.familyId, seen.userId, now);
    return { ok: false, reason: "reused", ...seen };
  }
  const row = await d1
    .prepare(
      `SELECT f.id, f.tenant_id AS tenantId, f.user_id AS userId, f.token_version AS familyVersion, f.expires_at AS expiresAt,
         f.revoked_at AS revokedAt, u.role, u.active, u.token_version AS userVersion
       FROM session_families f JOIN users u ON u.id = f.user_id AND u.tenant_id = f.tenant_id WHERE f.id = ?1`,
    )
    .bind(claimed.familyId)
    .first<{
      id: string;
      tenantId: string;
      userId: string;
      familyVersion: number;
      expiresAt: number;
      revokedAt: number | null;
      role: Role;
      active: number;
      userVersion: number;
    }>();
  // A role change, deactivation or password change raised the user's version: the family is over.
  if (!row || row.revokedAt !== null || row.expiresAt <= now || !row.active || row.familyVersion !== row.userVersion) {
    return { ok: false, reason: "ended", familyId: claimed.familyId };
  }
  const next = newSecret("rt");
  await d1
    .prepare("INSERT INTO refresh_tokens (hash, family_id, expires_at) VALUES (?1, ?2, ?3)")
    .bind(await sha256Hex(next), row.id, row.expiresAt)
    .run();
  const ttl = Math.max(1, Math.min(ACCESS_TTL_SECONDS, Math.floor((row.expiresAt - now) / 1000)));
  const access = await issueToken(
    { userId: row.userId, tenantId: row.tenantId, role: row.role, tokenVersion: row.userVersion, family: row.id },
    secret,
    ttl,
  );
  return { ok: true, family: { id: row.id, refreshToken: next, expiresAt: row.expiresAt }, access };
}

/** Ends a sign-in: its refresh tokens stop working and so do the access tokens it issued. */
export async function revokeFamily(d1: D1Database, familyId: string, userId: string, now = Date.now()) {
  await d1.prepare("UPDATE session_families SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL").bind(familyId, now).run();
  forgetSessions(userId);
}
