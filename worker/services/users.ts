import { asc, eq, gt, sql } from "drizzle-orm";
import { users, type Role, type User } from "../db/schema";
import { inTenant, isUniqueViolation, type Db } from "../db/client";
import { newId } from "../lib/ids";
import { hashPassword } from "../lib/password";
import { AppError } from "../lib/problem";
import { forgetSessions } from "./sessions";

export interface NewUser {
  email: string;
  password: string;
  name: string;
  role: Role;
  phone?: string;
}

/** The public shape of a user: never the password hash. */
export const publicUser = (user: User) => ({
  id: user.id,
  email: user.email,
  name: user.name,
  role: user.role,
  tenantId: user.tenantId,
  phone: user.phone,
  active: user.active,
  groups: user.groups,
});

export async function createUser(db: Db, tenantId: string, input: NewUser) {
  const user = {
    id: newId("usr"),
    tenantId,
    email: input.email,
    name: input.name,
    role: input.role,
    phone: input.phone ?? null,
    passwordHash: await hashPassword(input.password),
  };
  try {
    const [row] = await db.insert(users).values(user).returning();
    return row!;
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("conflict", `A user with email ${input.email} already exists.`);
    throw error;
  }
}

export const findUser = (db: Db, tenantId: string, userId: string) =>
  db.query.users.findFirst({ where: inTenant(users, tenantId, eq(users.id, userId)) });

export const findUserByEmail = (db: Db, tenantId: string, email: string) =>
  db.query.users.findFirst({ where: inTenant(users, tenantId, eq(users.email, email)) });

export function listUsers(db: Db, tenantId: string, limit: number, afterId?: string) {
  return db
    .select()
    .from(users)
    .where(inTenant(users, tenantId, afterId ? gt(users.id, afterId) : undefined))
    .orderBy(asc(users.id))
    .limit(limit + 1);
}

export interface UserChanges {
  name?: string;
  phone?: string | null;
  role?: Role;
  active?: boolean;
  /** Groups the user is told about; empty = all. */
  groups?: string[];
}

/**
 * An admin's change to a user. Deactivating, or changing the role, raises the user's token
 * version in the same statement, so every token issued before answers 401 from then on;
 * `revoked` tells the caller to close the user's live sockets too.
 */
export async function updateUser(db: Db, tenantId: string, userId: string, changes: UserChanges) {
  const user = await findUser(db, tenantId, userId);
  if (!user) throw new AppError("not_found", "No such user.");
  const revoked = (changes.active === false && user.active) || (changes.role !== undefined && changes.role !== user.role);
  const [row] = await db
    .update(users)
    .set({ ...changes, ...(revoked ? { tokenVersion: sql`${users.tokenVersion} + 1` } : {}) })
    .where(inTenant(users, tenantId, eq(users.id, userId)))
    .returning();
  if (revoked) forgetSessions(userId);
  return { user: row!, revoked };
}
