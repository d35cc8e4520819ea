import { and, eq, inArray, or } from "drizzle-orm";
import { inTenant, type Db } from "../db/client";
import { users, type Role } from "../db/schema";
import type { Recipient } from "./channels/types";

const toRecipient = (u: typeof users.$inferSelect): Recipient => ({ userId: u.id, name: u.name, email: u.email, phone: u.phone });

/** Everyone allowed to see an alert: the tenant's admins and managers, and the vehicle's driver. */
export async function alertAudience(db: Db, tenantId: string, driverId: string | null): Promise<Recipient[]> {
  const rows = await db
    .select()
    .from(users)
    .where(inTenant(users, tenantId, or(inArray(users.role, ["admin", "manager"]), driverId ? eq(users.id, driverId) : undefined)));
  return rows.map(toRecipient);
}

/** Every user of the given roles (an escalation step's audience). */
export async function usersWithRoles(db: Db, tenantId: string, roles: Role[]): Promise<Recipient[]> {
  if (!roles.length) return [];
  const rows = await db.select().from(users).where(and(inTenant(users, tenantId), inArray(users.role, roles)));
  return rows.map(toRecipient);
}
