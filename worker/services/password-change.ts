import { and, eq, sql } from "drizzle-orm";
import { type Db, inTenant } from "../db/client";
import { users } from "../db/schema";
import { issueToken } from "../lib/jwt";
import type { Keyring } from "../lib/keyring";
import { hashPassword, verifyPassword } from "../lib/password";
import { AppError, fieldError } from "../lib/problem";
import { type Family, startFamily } from "./refresh-sessions";
import { forgetSessions } from "./sessions";
import { findUser, openUser } from "./users";

/**
 * A person changes its own password (docs/security.md, "Password change"). The new hash and a
 * raised token version are written in one statement, guarded by the old hash (of two racing
 * changes one wins): every token, refresh family and socket of the user from before stops. The
 * caller gets a new sign-in (refresh family and access token) so it stays signed in.
 */
export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
}

export interface FreshSession {
  token: string;
  exp: number;
  refresh: Family;
}

export async function changePassword(
  db: Db,
  env: Pick<Env, "JWT_SECRET" | "JWT_TTL_SECONDS" | "DB">,
  keyring: Keyring,
  who: { tenantId: string; userId: string },
  input: PasswordChange,
  accessTtlSeconds?: number,
): Promise<FreshSession> {
  const row = await findUser(db, who.tenantId, who.userId);
  if (!row) throw new AppError("unauthorized", "The token is invalid or expired.");
  // A wrong current password is a field error, not a 401: the caller's session is fine.
  if (!(await verifyPassword(input.currentPassword, row.passwordHash)))
    throw fieldError("currentPassword", "The current password is not correct.");
  if (input.newPassword === input.currentPassword) throw fieldError("newPassword", "The new password must differ from the current one.");

  const [updated] = await db
    .update(users)
    .set({ passwordHash: await hashPassword(input.newPassword), tokenVersion: sql`${users.tokenVersion} + 1` })
    .where(inTenant(users, who.tenantId, and(eq(users.id, who.userId), eq(users.passwordHash, row.passwordHash))))
    .returning();
  if (!updated) throw new AppError("conflict", "The password was changed meanwhile. Please sign in again.");
  forgetSessions(who.userId);

  const user = await openUser(keyring, updated);
  const signInTtl = Number(env.JWT_TTL_SECONDS) || 43_200;
  const refresh = await startFamily(env.DB, user, signInTtl);
  const issued = await issueToken(
    { userId: user.id, tenantId: user.tenantId, role: user.role, tokenVersion: user.tokenVersion, family: refresh.id },
    env.JWT_SECRET,
    Math.min(accessTtlSeconds ?? signInTtl, signInTtl),
  );
  return { token: issued.token, exp: issued.exp, refresh };
}
