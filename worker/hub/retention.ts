/** Rows per DELETE, so one statement stays well inside D1's limits; a larger backlog goes over several runs. */
const CHUNK = 1000;
const MAX_CHUNKS = 20;

/**
 * What each table keeps: deliveries only in a final state (nothing will send, claim or cancel
 * them again), inbox items and audit entries by age; the decisions that explain deliveries
 * ("Who was told") by the deliveries' window. `?1` is the tenant, `?2` the cutoff.
 */
const PRUNE = {
  deliveries: `DELETE FROM deliveries WHERE id IN (SELECT id FROM deliveries WHERE tenant_id = ?1
    AND status IN ('sent', 'failed', 'dead', 'cancelled') AND updated_at < ?2 LIMIT ${CHUNK})`,
  inboxItems: `DELETE FROM inbox_items WHERE id IN (SELECT id FROM inbox_items WHERE tenant_id = ?1 AND created_at < ?2 LIMIT ${CHUNK})`,
  alertDecisions: `DELETE FROM alert_decisions WHERE id IN (SELECT id FROM alert_decisions WHERE tenant_id = ?1 AND at < ?2 LIMIT ${CHUNK})`,
  auditLog: `DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE tenant_id = ?1 AND created_at < ?2 LIMIT ${CHUNK})`,
} as const;

/** The cutoffs the tenant's settings give (decisions follow the deliveries'). */
type Cutoffs = Record<Exclude<keyof typeof PRUNE, "alertDecisions">, number>;

/** Deletes the tenant's D1 rows older than each cutoff (the tenant object's hourly `retention` job). */
export async function pruneTenantRecords(d1: D1Database, tenantId: string, windows: Cutoffs) {
  const before = { ...windows, alertDecisions: windows.deliveries };
  for (const [table, statement] of Object.entries(PRUNE) as [keyof typeof PRUNE, string][]) {
    for (let i = 0; i < MAX_CHUNKS; i++) {
      const { meta } = await d1.prepare(statement).bind(tenantId, before[table]).run();
      if (meta.changes < CHUNK) break;
    }
  }
}
