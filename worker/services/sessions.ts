import { lt } from "drizzle-orm";
import type { Db } from "../db/client";
import { revokedTokens, type Role } from "../db/schema";
import type { TokenClaims } from "../lib/jwt";

/**
 * Whether a verified token still stands (docs/security.md): its user exists in its tenant and is
 * active, the token's version is the user's current one, and it was not logged out. The role is
 * the stored user's, never the token's. A token from a sign-in with a refresh family (`fam`) also
 * falls with its family (logout, reuse of a rotated refresh token). One D1 read per token, remembered by this isolate for
 * CACHE_MS (revocations made here clear it at once; other isolates see them within CACHE_MS).
 */
const CACHE_MS = 5_000;
const CACHE_MAX = 5_000;
const cache = new Map<string, { role: Role | null; userId: string; until: number }>();

/**
 * A read a route wants answered in the same D1 round trip as a session check this isolate cannot
 * answer from memory: a cold isolate under a burst of list requests paid two round trips for each
 * (the session, then the list's version). `took` gets the statement's first row when the token stands.
 */
export interface SessionRider {
  statement: D1PreparedStatement;
  took(row: Record<string, unknown> | undefined): void;
}

/** The stored role when the token stands, else null. */
export async function sessionRole(
  d1: D1Database,
  claims: TokenClaims,
  rider?: (tenantId: string) => SessionRider,
  now = Date.now(),
): Promise<Role | null> {
  const hit = cache.get(claims.jti);
  if (hit && hit.until > now) return hit.role;
  const session = d1
    .prepare(
      `SELECT role, active, token_version AS version,
         EXISTS(SELECT 1 FROM revoked_tokens WHERE jti = ?1)
           OR EXISTS(SELECT 1 FROM session_families WHERE id = ?4 AND revoked_at IS NOT NULL) AS revoked
       FROM users WHERE id = ?2 AND tenant_id = ?3`,
    )
    .bind(claims.jti, claims.userId, claims.tenantId, claims.fam ?? null);
  type SessionRow = { role: Role; active: number; version: number; revoked: number };
  const ride = rider?.(claims.tenantId);
  let row: SessionRow | null | undefined;
  let ridden: Record<string, unknown> | undefined;
  if (ride) {
    const [mine, theirs] = await d1.batch<Record<string, unknown>>([session, ride.statement]);
    row = mine!.results[0] as SessionRow | undefined;
    ridden = theirs!.results[0];
  } else row = await session.first<SessionRow>();
  const role = row?.active && row.version === claims.ver && !row.revoked ? row.role : null;
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(claims.jti, { role, userId: claims.userId, until: now + CACHE_MS });
  if (role && ride) ride.took(ridden);
  return role;
}

/** Forgets what this isolate remembers about a user's tokens (after a revocation). */
export function forgetSessions(userId: string) {
  for (const [jti, entry] of cache) if (entry.userId === userId) cache.delete(jti);
}

/** Logout: this one token stops working; rows of tokens that have expired anyway are dropped. */
export async function revokeToken(db: Db, claims: Pick<TokenClaims, "jti" | "exp" | "userId">, now = Date.now()) {
  await db.batch([
    db
      .insert(revokedTokens)
      .values({ jti: claims.jti, expiresAt: claims.exp * 1000 })
      .onConflictDoNothing(),
    db.delete(revokedTokens).where(lt(revokedTokens.expiresAt, now)),
  ]);
  forgetSessions(claims.userId);
}
