import { ALERT_ID_PREFIX } from "../domain/alert";
import { idsBefore } from "../lib/ids";
import { INBOX_ID_PREFIX } from "../notifications/inbox-write";
/** Rows per DELETE, so one statement stays well inside D1's limits; a larger backlog goes over several runs. */
const CHUNK = 1000;
const MAX_CHUNKS = 20;

/**
 * What each table keeps: deliveries only in a final state (nothing will send, claim or cancel
 * them again), inbox items and audit entries by age; the decisions that explain deliveries
 * ("Who was told") by the deliveries' window. `?1` is the tenant, `?2` the cutoff. Each walks an
 * index or key in order: final deliveries by (tenant, created_at), as one updated before the
 * cutoff was created before it; decisions by their key (tenant, alert, id) up to `?3`, the ids of
 * alerts raised before the cutoff, as no decision comes before its alert (migration 0031); inbox
 * items by their key (tenant, user, id), user by user (users are deactivated, never deleted), up to
 * `?3`, the ids of items created before the cutoff (migration 0032).
 */
const PRUNE = {
  deliveries: `DELETE FROM deliveries WHERE id IN (SELECT id FROM deliveries WHERE tenant_id = ?1 AND created_at < ?2
    AND status IN ('sent', 'failed', 'dead', 'cancelled') AND updated_at < ?2 LIMIT ${CHUNK})`,
  inboxItems: `DELETE FROM inbox_items WHERE (tenant_id, user_id, id) IN (SELECT tenant_id, user_id, id FROM inbox_items
    WHERE tenant_id = ?1 AND user_id IN (SELECT id FROM users WHERE tenant_id = ?1) AND id < ?3 AND created_at < ?2 LIMIT ${CHUNK})`,
  alertDecisions: `DELETE FROM alert_decisions WHERE (tenant_id, alert_id, id) IN (SELECT tenant_id, alert_id, id
    FROM alert_decisions WHERE tenant_id = ?1 AND alert_id < ?3 AND at < ?2 LIMIT ${CHUNK})`,
  auditLog: `DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE tenant_id = ?1 AND created_at < ?2 LIMIT ${CHUNK})`,
} as const;

/** Tables whose statement bounds their key by `?3`: the id prefix of the rows it walks by time. */
const KEYED_BY_TIME: Partial<Record<keyof typeof PRUNE, string>> = { alertDecisions: ALERT_ID_PREFIX, inboxItems: INBOX_ID_PREFIX };

/** The cutoffs the tenant's settings give (decisions follow the deliveries'). */
type Cutoffs = Record<Exclude<keyof typeof PRUNE, "alertDecisions">, number>;

/** Deletes the tenant's D1 rows older than each cutoff (the tenant object's hourly `retention` job). */
export async function pruneTenantRecords(d1: D1Database, tenantId: string, windows: Cutoffs) {
  const before = { ...windows, alertDecisions: windows.deliveries };
  for (const [table, statement] of Object.entries(PRUNE) as [keyof typeof PRUNE, string][]) {
    for (let i = 0; i < MAX_CHUNKS; i++) {
      const cutoff = before[table];
      const prefix = KEYED_BY_TIME[table];
      const params = prefix ? [tenantId, cutoff, idsBefore(prefix, cutoff)] : [tenantId, cutoff];
      const { meta } = await d1
        .prepare(statement)
        .bind(...params)
        .run();
      if (meta.changes < CHUNK) break;
    }
  }
}
