import { sign, verify } from "hono/jwt";
import { ROLES, type Role } from "../db/schema";
import type { AuthContext } from "../env";
import { utf8 } from "./encoding";
import { hmacKey } from "./hmac-key";

/** The signing secret as a key, imported once (hono/jwt imports a string secret on every call). */
const jwtKey = (secret: string) => hmacKey(secret, utf8, ["sign", "verify"]);

export interface TokenClaims extends AuthContext {
  exp: number;
  /** The token's own id: logout revokes exactly this token. */
  jti: string;
  /** The user's token version when it was issued: a higher stored version revokes it. */
  ver: number;
  /** The sign-in (refresh-token family) the token came from, when it has one: ending the family ends the token. */
  fam?: string;
}

export async function issueToken(
  auth: AuthContext & { tokenVersion: number; family?: string },
  secret: string,
  ttlSeconds: number,
): Promise<TokenClaims & { token: string }> {
  const now = Math.floor(Date.now() / 1000);
  const exp = now + ttlSeconds;
  const jti = crypto.randomUUID();
  const ver = auth.tokenVersion;
  const fam = auth.family;
  const payload = { sub: auth.userId, tid: auth.tenantId, role: auth.role, ver, jti, iat: now, exp, ...(fam ? { fam } : {}) };
  const token = await sign(payload, await jwtKey(secret), "HS256");
  return { userId: auth.userId, tenantId: auth.tenantId, role: auth.role, exp, jti, ver, ...(fam ? { fam } : {}), token };
}

/**
 * Tokens this isolate has verified, with the secret they verified under: a token's signature and
 * claims never change, so a repeated API call checks only its expiry, not the HMAC again (a
 * token's revocation is the session check's question either way). Bounded like sessions.ts.
 */
const VERIFIED_MAX = 5_000;
const verified = new Map<string, { secret: string; claims: TokenClaims }>();

/**
 * Verifies signature (HS256 only — `alg: none` and other algorithms fail), expiry and claim
 * shapes. Returns null for anything not a valid token of ours. Whether the token was revoked
 * since is the session check's question (services/sessions.ts).
 */
export async function verifyToken(token: string, secret: string): Promise<TokenClaims | null> {
  const known = verified.get(token);
  // hono/jwt's rule: a token is expired once its `exp` (seconds) is not after now.
  if (known?.secret === secret) return known.claims.exp > Math.floor(Date.now() / 1000) ? known.claims : null;
  const claims = await verifySignature(token, secret);
  if (claims) {
    if (verified.size >= VERIFIED_MAX) verified.clear();
    verified.set(token, { secret, claims: Object.freeze(claims) });
  }
  return claims;
}

async function verifySignature(token: string, secret: string): Promise<TokenClaims | null> {
  try {
    const claims = await verify(token, await jwtKey(secret), "HS256");
    const { sub, tid, role, exp, jti, ver, fam } = claims;
    if (typeof sub !== "string" || typeof tid !== "string" || typeof exp !== "number") return null;
    if (typeof jti !== "string" || typeof ver !== "number" || !Number.isInteger(ver)) return null;
    if (!ROLES.includes(role as Role)) return null;
    if (fam !== undefined && typeof fam !== "string") return null;
    return { userId: sub, tenantId: tid, role: role as Role, exp, jti, ver, ...(fam ? { fam } : {}) };
  } catch {
    return null;
  }
}
