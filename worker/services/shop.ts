/** Shop resources: technicians (skills, weekly shifts in their zone, optional login) and bays. */
import { asc, eq, gt } from "drizzle-orm";
import { bays, technicians, users, type Bay, type ShiftRow, type Technician } from "../db/schema";
import { inTenant, isUniqueViolation, type Db } from "../db/client";
import { newId } from "../lib/ids";
import { AppError } from "../lib/problem";
import { iso } from "../lib/time";
import { noSuch } from "./references";

export interface TechnicianFields {
  name?: string;
  userId?: string | null;
  skills?: string[];
  shifts?: ShiftRow[];
  timeZone?: string;
}

export const publicTechnician = (t: Technician) => ({
  id: t.id,
  name: t.name,
  userId: t.userId,
  skills: t.skills,
  shifts: t.shifts,
  timeZone: t.timeZone,
  createdAt: iso(t.createdAt),
  updatedAt: iso(t.updatedAt),
});

export const publicBay = (b: Bay) => ({
  id: b.id,
  name: b.name,
  capacity: b.capacity,
  createdAt: iso(b.createdAt),
  updatedAt: iso(b.updatedAt),
});

/** Skills are kept trimmed and unique (case-insensitively), in the order given. */
const cleanSkills = (skills: string[]) => {
  const seen = new Set<string>();
  return skills.filter((s) => !seen.has(s.toLowerCase()) && seen.add(s.toLowerCase()));
};

/** The linked login must be a technician of the same tenant. */
async function assertTechnicianUser(db: Db, tenantId: string, userId: string | null | undefined) {
  if (!userId) return;
  const user = await db.query.users.findFirst({ where: inTenant(users, tenantId, eq(users.id, userId)) });
  if (!user) throw noSuch("user", "userId");
  if (user.role !== "technician") {
    throw new AppError("validation", "The request has invalid fields.", [
      { path: "userId", message: "Must be a user with the technician role" },
    ]);
  }
}

const linkedTwice = (userId: string) => new AppError("conflict", `User ${userId} is already linked to another technician.`);

export async function createTechnician(
  db: Db,
  tenantId: string,
  input: Required<Omit<TechnicianFields, "userId">> & { userId?: string | null },
) {
  await assertTechnicianUser(db, tenantId, input.userId);
  try {
    const [row] = await db
      .insert(technicians)
      .values({
        id: newId("tec"),
        tenantId,
        name: input.name,
        userId: input.userId ?? null,
        skills: cleanSkills(input.skills),
        shifts: input.shifts,
        timeZone: input.timeZone,
        updatedAt: Date.now(),
      })
      .returning();
    return row!;
  } catch (error) {
    if (isUniqueViolation(error) && input.userId) throw linkedTwice(input.userId);
    throw error;
  }
}

export async function updateTechnician(db: Db, tenantId: string, id: string, patch: TechnicianFields) {
  await assertTechnicianUser(db, tenantId, patch.userId);
  try {
    const [row] = await db
      .update(technicians)
      .set({ ...patch, ...(patch.skills ? { skills: cleanSkills(patch.skills) } : {}), updatedAt: Date.now() })
      .where(inTenant(technicians, tenantId, eq(technicians.id, id)))
      .returning();
    if (!row) throw new AppError("not_found", "No such technician.");
    return row;
  } catch (error) {
    if (isUniqueViolation(error) && patch.userId) throw linkedTwice(patch.userId);
    throw error;
  }
}

export async function getTechnician(db: Db, tenantId: string, id: string) {
  const row = await db.query.technicians.findFirst({ where: inTenant(technicians, tenantId, eq(technicians.id, id)) });
  if (!row) throw new AppError("not_found", "No such technician.");
  return row;
}

export const findTechnician = (db: Db, tenantId: string, id: string) =>
  db.query.technicians.findFirst({ where: inTenant(technicians, tenantId, eq(technicians.id, id)) });

/** The technician record a user logs in as, if any. */
export const technicianOfUser = (db: Db, tenantId: string, userId: string) =>
  db.query.technicians.findFirst({ where: inTenant(technicians, tenantId, eq(technicians.userId, userId)) });

/** Keyset page by id (creation order). */
export const listTechnicians = (db: Db, tenantId: string, limit: number, afterId?: string) =>
  db
    .select()
    .from(technicians)
    .where(inTenant(technicians, tenantId, afterId ? gt(technicians.id, afterId) : undefined))
    .orderBy(asc(technicians.id))
    .limit(limit + 1);

export const allTechnicians = (db: Db, tenantId: string) =>
  db.select().from(technicians).where(inTenant(technicians, tenantId)).orderBy(asc(technicians.id));

export async function createBay(db: Db, tenantId: string, input: { name: string; capacity: number }) {
  const [row] = await db
    .insert(bays)
    .values({ id: newId("bay"), tenantId, name: input.name, capacity: input.capacity, updatedAt: Date.now() })
    .returning();
  return row!;
}

export async function updateBay(db: Db, tenantId: string, id: string, patch: { name?: string; capacity?: number }) {
  const [row] = await db
    .update(bays)
    .set({ ...patch, updatedAt: Date.now() })
    .where(inTenant(bays, tenantId, eq(bays.id, id)))
    .returning();
  if (!row) throw new AppError("not_found", "No such bay.");
  return row;
}

export async function getBay(db: Db, tenantId: string, id: string) {
  const row = await db.query.bays.findFirst({ where: inTenant(bays, tenantId, eq(bays.id, id)) });
  if (!row) throw new AppError("not_found", "No such bay.");
  return row;
}

export const findBay = (db: Db, tenantId: string, id: string) =>
  db.query.bays.findFirst({ where: inTenant(bays, tenantId, eq(bays.id, id)) });

export const listBays = (db: Db, tenantId: string, limit: number, afterId?: string) =>
  db
    .select()
    .from(bays)
    .where(inTenant(bays, tenantId, afterId ? gt(bays.id, afterId) : undefined))
    .orderBy(asc(bays.id))
    .limit(limit + 1);

export const allBays = (db: Db, tenantId: string) => db.select().from(bays).where(inTenant(bays, tenantId)).orderBy(asc(bays.id));
