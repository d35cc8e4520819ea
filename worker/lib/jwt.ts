import { sign, verify } from "hono/jwt";
import { ROLES, type Role } from "../db/schema";
import type { AuthContext } from "../env";

export interface TokenClaims extends AuthContext {
  exp: number;
  /** The token's own id: logout revokes exactly this token. */
  jti: string;
  /** The user's token version when it was issued: a higher stored version revokes it. */
  ver: number;
}

export async function issueToken(
  auth: AuthContext & { tokenVersion: number },
  secret: string,
  ttlSeconds: number,
): Promise<TokenClaims & { token: string }> {
  const now = Math.floor(Date.now() / 1000);
  const exp = now + ttlSeconds;
  const jti = crypto.randomUUID();
  const ver = auth.tokenVersion;
  const token = await sign({ sub: auth.userId, tid: auth.tenantId, role: auth.role, ver, jti, iat: now, exp }, secret, "HS256");
  return { userId: auth.userId, tenantId: auth.tenantId, role: auth.role, exp, jti, ver, token };
}

/**
 * Verifies signature (HS256 only — `alg: none` and other algorithms fail), expiry and claim
 * shapes. Returns null for anything not a valid token of ours. Whether the token was revoked
 * since is the session check's question (services/sessions.ts).
 */
export async function verifyToken(token: string, secret: string): Promise<TokenClaims | null> {
  try {
    const claims = await verify(token, secret, "HS256");
    const { sub, tid, role, exp, jti, ver } = claims;
    if (typeof sub !== "string" || typeof tid !== "string" || typeof exp !== "number") return null;
    if (typeof jti !== "string" || typeof ver !== "number" || !Number.isInteger(ver)) return null;
    if (!ROLES.includes(role as Role)) return null;
    return { userId: sub, tenantId: tid, role: role as Role, exp, jti, ver };
  } catch {
    return null;
  }
}
