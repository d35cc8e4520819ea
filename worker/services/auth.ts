import type { Db } from "../db/client";
import { issueToken, type TokenClaims } from "../lib/jwt";
import { DECOY_HASH, verifyPassword } from "../lib/password";
import { AppError, problemBody } from "../lib/problem";
import { recordAudit } from "./audit";
import { refundAttempt, reserveAttempt, throttleKeys } from "./login-throttle";
import { type Family, revokeFamily, startFamily } from "./refresh-sessions";
import { revokeToken } from "./sessions";
import { findTenantBySlug } from "./tenants";
import { emailIndex } from "../lib/blind-index";
import { keyringOf, type KeyringSecrets } from "../lib/keyring";
import { findUserByEmail, publicUser, type DecodedUser } from "./users";

export interface LoginInput {
  tenant: string;
  email: string;
  password: string;
}

/**
 * The single 401 answer for unknown tenant, unknown user and wrong password: byte for byte the
 * same body, and the same PBKDF2 work in each case.
 */
const BAD_CREDENTIALS = new AppError("unauthorized", "Email or password is incorrect.");
export const badCredentialsResponse = (origin: string) =>
  new Response(JSON.stringify(problemBody(BAD_CREDENTIALS, { origin })), {
    status: 401,
    headers: { "content-type": "application/problem+json" },
  });

type LoginResult = { ok: true; token: string; exp: number; user: ReturnType<typeof publicUser>; refresh: Family } | { ok: false };

/**
 * Lifetimes (docs/security.md, "Lifetimes"): the sign-in (its refresh family) lasts
 * JWT_TTL_SECONDS (12 h); a bearer token from login lasts as long, as the contract has it; the
 * PWA's cookie session asks for `accessTtlSeconds` = 15 minutes and refreshes.
 */
export interface LoginOptions {
  accessTtlSeconds?: number;
}

export async function login(
  db: Db,
  env: Pick<Env, "JWT_SECRET" | "JWT_TTL_SECONDS" | "DB"> & KeyringSecrets,
  input: LoginInput,
  client: { ip: string; userAgent: string | null },
  options: LoginOptions = {},
): Promise<LoginResult> {
  // Counted before the password is checked, atomically: parallel guesses cannot slip past.
  const keyring = keyringOf(env);
  const keys = await throttleKeys(keyring, input.tenant, input.email, client.ip);
  const waitMs = await reserveAttempt(db, keys);
  if (waitMs > 0) {
    throw new AppError("rate_limited", "Too many failed sign-in attempts. Try again later.", undefined, {
      "retry-after": String(Math.ceil(waitMs / 1000)),
    });
  }

  const tenant = await findTenantBySlug(db, input.tenant);
  const user: DecodedUser | undefined = tenant ? await findUserByEmail(db, keyring, tenant.id, input.email) : undefined;
  const passwordOk = await verifyPassword(input.password, user?.passwordHash ?? DECOY_HASH);

  // A deactivated user gets exactly the wrong-password answer (after the same work).
  if (!user || !passwordOk || !user.active) {
    await recordAudit(db, {
      tenantId: tenant?.id ?? null,
      actorId: user?.id ?? null,
      action: "auth.login_failed",
      targetType: "user",
      targetId: user?.id ?? null,
      // The blind index, never the address: an admin can match it to a user, a log reader cannot read it.
      detail: {
        emailIndex: tenant ? await emailIndex(keyring, tenant.id, input.email) : null,
        tenant: input.tenant,
        ...(user && passwordOk ? { reason: "inactive" } : {}),
      },
      ...client,
    });
    return { ok: false };
  }

  const [session] = await Promise.all([startSession(db, env, user, client, options), refundAttempt(db, keys)]);
  return { ok: true, ...session };
}

/**
 * A new sign-in of `user` (password or single sign-on): its refresh family, an access token
 * bound to it, and the `auth.login` audit row (`detail` says how, e.g. `{ method: "sso" }`).
 */
export async function startSession(
  db: Db,
  env: Pick<Env, "JWT_SECRET" | "JWT_TTL_SECONDS" | "DB">,
  user: DecodedUser,
  client: { ip: string; userAgent: string | null },
  options: LoginOptions & { detail?: Record<string, unknown> } = {},
) {
  const signInTtl = Number(env.JWT_TTL_SECONDS) || 43_200;
  const ttl = Math.min(options.accessTtlSeconds ?? signInTtl, signInTtl);
  const refresh = await startFamily(env.DB, user, signInTtl);
  const [issued] = await Promise.all([
    issueToken(
      { userId: user.id, tenantId: user.tenantId, role: user.role, tokenVersion: user.tokenVersion, family: refresh.id },
      env.JWT_SECRET,
      ttl,
    ),
    recordAudit(db, {
      tenantId: user.tenantId,
      actorId: user.id,
      action: "auth.login",
      targetType: "user",
      targetId: user.id,
      ...(options.detail ? { detail: options.detail } : {}),
      ...client,
    }),
  ]);
  return { token: issued.token, exp: issued.exp, user: publicUser(user), refresh };
}

/** POST /api/auth/logout: ends the caller's token and its sign-in (refresh family); the route closes the sockets. */
export async function logout(db: Db, d1: D1Database, claims: TokenClaims) {
  await revokeToken(db, claims);
  if (claims.fam) await revokeFamily(d1, claims.fam, claims.userId);
}
