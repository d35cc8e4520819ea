import { sign, verify } from "hono/jwt";
import { ROLES, type Role } from "../db/schema";
import type { AuthContext } from "../env";

export interface TokenClaims extends AuthContext {
  exp: number;
}

export async function issueToken(auth: AuthContext, secret: string, ttlSeconds: number): Promise<TokenClaims & { token: string }> {
  const now = Math.floor(Date.now() / 1000);
  const exp = now + ttlSeconds;
  const token = await sign({ sub: auth.userId, tid: auth.tenantId, role: auth.role, iat: now, exp }, secret, "HS256");
  return { ...auth, exp, token };
}

/**
 * Verifies signature (HS256 only — `alg: none` and other algorithms fail), expiry and claim
 * shapes. Returns null for anything not a valid token of ours.
 */
export async function verifyToken(token: string, secret: string): Promise<TokenClaims | null> {
  try {
    const claims = await verify(token, secret, "HS256");
    const { sub, tid, role, exp } = claims;
    if (typeof sub !== "string" || typeof tid !== "string" || typeof exp !== "number") return null;
    if (!ROLES.includes(role as Role)) return null;
    return { userId: sub, tenantId: tid, role: role as Role, exp };
  } catch {
    return null;
  }
}
