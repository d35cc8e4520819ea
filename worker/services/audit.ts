import { desc, gte, lt } from "drizzle-orm";
import { auditLog } from "../db/schema";
import { inTenant, pastCursor, type Db } from "../db/client";
import { newId } from "../lib/ids";

export interface AuditRecord {
  tenantId: string | null;
  actorId: string | null;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  detail?: Record<string, unknown> | null;
}

export function recordAudit(db: Db, entry: AuditRecord) {
  return db.insert(auditLog).values({ id: newId("aud"), ...entry });
}

export async function listAudit(db: Db, tenantId: string, query: { from?: number; to?: number; limit: number; after?: [number, string] }) {
  const after = query.after;
  return db
    .select()
    .from(auditLog)
    .where(
      inTenant(
        auditLog,
        tenantId,
        query.from != null ? gte(auditLog.createdAt, query.from) : undefined,
        query.to != null ? lt(auditLog.createdAt, query.to) : undefined,
        pastCursor(auditLog.createdAt, auditLog.id, after, "desc"),
      ),
    )
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(query.limit + 1);
}
