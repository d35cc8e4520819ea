import { and, asc, eq, gt, inArray, isNull, or, sql } from "drizzle-orm";
import { users, type Role, type User as UserRow } from "../db/schema";
import { inTenant, isUniqueViolation, type Db } from "../db/client";
import { emailIndex, emailIndexes, normaliseEmail } from "../lib/blind-index";
import type { Keyring } from "../lib/keyring";
import { newId } from "../lib/ids";
import { hashPassword } from "../lib/password";
import { AppError } from "../lib/problem";
import { sealedAt } from "../lib/sealed-fields";
import { logError } from "../lib/logger";
import { forgetSessions } from "./sessions";

/**
 * Users. Email and phone are stored only encrypted (`email_enc`, `phone_enc`, keyring bound to the
 * row), with a blind index of the email for sign-in lookup and per-tenant uniqueness
 * (docs/security.md, "Personal data"). Rows from before migration 0023 are sealed by
 * `sealPendingUsers`; until then they are read from their plain columns.
 */

export interface NewUser {
  email: string;
  password: string;
  name: string;
  role: Role;
  phone?: string;
}

/** A user with its email and phone opened; the sealed columns are not carried. */
export type DecodedUser = Omit<UserRow, "legacyEmail" | "legacyPhone" | "emailEnc" | "phoneEnc" | "emailIndex"> & {
  email: string;
  phone: string | null;
};

/** The public shape of a user: never the password hash. */
export const publicUser = (user: DecodedUser) => ({
  id: user.id,
  email: user.email,
  name: user.name,
  role: user.role,
  tenantId: user.tenantId,
  phone: user.phone,
  active: user.active,
  groups: user.groups,
});

/** The decrypting accessor: a stored row with its email and phone in clear (for the API and for sending). */
export async function openUser(keyring: Keyring, row: UserRow): Promise<DecodedUser> {
  const { legacyEmail, legacyPhone, emailEnc, phoneEnc, emailIndex: _index, ...rest } = row;
  const [email, phone] = await Promise.all([
    emailEnc ? keyring.open(emailEnc, sealedAt.userEmail(row.tenantId, row.id)) : legacyEmail,
    phoneEnc ? keyring.open(phoneEnc, sealedAt.userPhone(row.tenantId, row.id)) : legacyPhone,
  ]);
  return { ...rest, email, phone };
}

/** The stored columns for an email (and phone, when given) of user `userId`. */
export async function sealEmail(keyring: Keyring, tenantId: string, userId: string, email: string) {
  const [emailEnc, index] = await Promise.all([
    keyring.seal(email, sealedAt.userEmail(tenantId, userId)),
    emailIndex(keyring, tenantId, email),
  ]);
  return { emailEnc, emailIndex: index, legacyEmail: "" };
}

export async function sealPhone(keyring: Keyring, tenantId: string, userId: string, phone: string | null) {
  return { phoneEnc: phone === null ? null : await keyring.seal(phone, sealedAt.userPhone(tenantId, userId)), legacyPhone: null };
}

/** The row of a new user, email and phone sealed (also used by tenant creation for its first admin). */
export async function newUserRow(
  keyring: Keyring,
  tenantId: string,
  input: Omit<NewUser, "password"> & { passwordHash: string },
  id = newId("usr"),
) {
  return {
    id,
    tenantId,
    name: input.name,
    role: input.role,
    passwordHash: input.passwordHash,
    ...(await sealEmail(keyring, tenantId, id, input.email)),
    ...(await sealPhone(keyring, tenantId, id, input.phone ?? null)),
  };
}

export async function createUser(db: Db, keyring: Keyring, tenantId: string, input: NewUser): Promise<DecodedUser> {
  // Unsealed rows are not in the blind-index uniqueness yet: seal them first (normally none).
  await sealPendingUsers(db, keyring, { tenantId });
  // During an index-key rotation the unique index cannot see a row still under the old key.
  if (keyring.indexKeys.size > 1 && (await findUserRowByEmail(db, keyring, tenantId, input.email)))
    throw new AppError("conflict", "A user with this email already exists.");
  const row = await newUserRow(keyring, tenantId, { ...input, passwordHash: await hashPassword(input.password) });
  try {
    const [stored] = await db.insert(users).values(row).returning();
    return openUser(keyring, stored!);
  } catch (error) {
    // Never echo the address back in the message: problem bodies end up in logs too.
    if (isUniqueViolation(error)) throw new AppError("conflict", "A user with this email already exists.");
    throw error;
  }
}

export const findUser = (db: Db, tenantId: string, userId: string) =>
  db.query.users.findFirst({ where: inTenant(users, tenantId, eq(users.id, userId)) });

/** The stored row with this email: by its blind index under any known index key, or (not sealed yet) by its plain email. */
async function findUserRowByEmail(db: Db, keyring: Keyring, tenantId: string, email: string) {
  const indexes = await emailIndexes(keyring, tenantId, email);
  return db.query.users.findFirst({
    where: inTenant(
      users,
      tenantId,
      or(inArray(users.emailIndex, indexes), and(isNull(users.emailIndex), eq(sql`lower(${users.legacyEmail})`, normaliseEmail(email)))),
    ),
  });
}

/** Sign-in lookup (and single sign-on matching) by email. */
export async function findUserByEmail(db: Db, keyring: Keyring, tenantId: string, email: string) {
  const row = await findUserRowByEmail(db, keyring, tenantId, email);
  return row ? openUser(keyring, row) : undefined;
}

export async function listUsers(db: Db, keyring: Keyring, tenantId: string, limit: number, afterId?: string) {
  const rows = await db
    .select()
    .from(users)
    .where(inTenant(users, tenantId, afterId ? gt(users.id, afterId) : undefined))
    .orderBy(asc(users.id))
    .limit(limit + 1);
  return Promise.all(rows.map((row) => openUser(keyring, row)));
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
export async function updateUser(db: Db, keyring: Keyring, tenantId: string, userId: string, changes: UserChanges) {
  const user = await findUser(db, tenantId, userId);
  if (!user) throw new AppError("not_found", "No such user.");
  const revoked = (changes.active === false && user.active) || (changes.role !== undefined && changes.role !== user.role);
  const { phone, ...plain } = changes;
  const [row] = await db
    .update(users)
    .set({
      ...plain,
      ...(phone !== undefined ? await sealPhone(keyring, tenantId, userId, phone) : {}),
      ...(revoked ? { tokenVersion: sql`${users.tokenVersion} + 1` } : {}),
    })
    .where(inTenant(users, tenantId, eq(users.id, userId)))
    .returning();
  if (revoked) forgetSessions(userId);
  return { user: await openUser(keyring, row!), revoked };
}

/**
 * The migration-0023 backfill: seals up to `limit` rows still holding a plain email (all tenants,
 * or one), blanking the plain columns in the same statement. Returns how many it sealed. Runs on
 * the cron sweep, before creating a user, and from `npm run keys:rotate`; idempotent.
 */
export async function sealPendingUsers(db: Db, keyring: Keyring, options: { tenantId?: string; limit?: number } = {}) {
  const pending = await db
    .select()
    .from(users)
    .where(and(isNull(users.emailIndex), options.tenantId ? eq(users.tenantId, options.tenantId) : undefined))
    .limit(options.limit ?? 100);
  let sealed = 0;
  for (const row of pending) {
    const values = {
      ...(await sealEmail(keyring, row.tenantId, row.id, row.legacyEmail)),
      ...(await sealPhone(keyring, row.tenantId, row.id, row.legacyPhone)),
    };
    try {
      await db
        .update(users)
        .set(values)
        .where(and(eq(users.id, row.id), isNull(users.emailIndex)));
      sealed++;
    } catch (error) {
      // Two legacy rows of one tenant differing only in case: left for an admin to resolve.
      logError({ job: "users.seal", tenantId: row.tenantId, userId: row.id }, error);
    }
  }
  return sealed;
}
