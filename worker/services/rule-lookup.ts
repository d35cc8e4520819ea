/** One rule of the tenant: GET /api/rules/:id and the current state a 412 carries. */
import { eq } from "drizzle-orm";
import { type Db, inTenant } from "../db/client";
import { alertRules } from "../db/schema";
import { AppError } from "../lib/problem";

export async function findRule(db: Db, tenantId: string, id: string) {
  const row = await db.query.alertRules.findFirst({ where: inTenant(alertRules, tenantId, eq(alertRules.id, id)) });
  if (!row) throw new AppError("not_found", "No such rule.");
  return row;
}
