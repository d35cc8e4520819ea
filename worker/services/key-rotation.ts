import type { Db } from "../db/client";
import { emailIndex, indexPrefix } from "../lib/blind-index";
import { type Keyring, LEGACY_INDEX_ID, type SealedAt } from "../lib/keyring";
import { logError } from "../lib/logger";
import { sealedAt } from "../lib/sealed-fields";
import { sealPendingUsers } from "./users";

/**
 * `npm run keys:rotate` (POST /api/admin/keys/rotate): seals users still in clear (migration
 * 0023), then re-encrypts every encrypted field not yet under the active key and re-indexes every
 * email blind index not yet under the active index key, a page at a time.
 * Each update is guarded by the old ciphertext, so a secret rotated meanwhile is not overwritten.
 * Callers repeat until `remaining` is 0. Every encrypted column is listed here (and in
 * worker/lib/sealed-fields.ts): a new one must be added to both.
 */
interface SealedColumn {
  table: string;
  column: string;
  /** The row's key, as SQL selecting `k1` (and `k2`), plus the tenant as `tenant`. */
  select: string;
  where: string;
  at: (row: Row) => SealedAt;
}
type Row = { k1: string; k2: string | null; tenant: string; sealed: string };

const byId = "id AS k1, NULL AS k2";
const SEALED_COLUMNS: SealedColumn[] = [
  ...["webhook_secret_enc", "previous_webhook_secret_enc"].map((column) => ({
    table: "tenants",
    column,
    select: `${byId}, id AS tenant`,
    where: "id = ?",
    at: (r: Row) => sealedAt.tenantWebhookSecret(r.k1),
  })),
  {
    table: "integrations",
    column: "config_enc",
    select: "tenant_id AS k1, vendor AS k2, tenant_id AS tenant",
    where: "tenant_id = ? AND vendor = ?",
    at: (r) => sealedAt.integrationConfig(r.tenant, r.k2!),
  },
  ...["secret_enc", "previous_secret_enc"].map((column) => ({
    table: "outbound_webhooks",
    column,
    select: `${byId}, tenant_id AS tenant`,
    where: "id = ?",
    at: (r: Row) => sealedAt.outboundWebhookSecret(r.tenant, r.k1),
  })),
  {
    table: "tenant_sso",
    column: "client_secret_enc",
    select: "tenant_id AS k1, NULL AS k2, tenant_id AS tenant",
    where: "tenant_id = ?",
    at: (r) => sealedAt.ssoClientSecret(r.tenant),
  },
  {
    table: "users",
    column: "email_enc",
    select: `${byId}, tenant_id AS tenant`,
    where: "id = ?",
    at: (r) => sealedAt.userEmail(r.tenant, r.k1),
  },
  {
    table: "users",
    column: "phone_enc",
    select: `${byId}, tenant_id AS tenant`,
    where: "id = ?",
    at: (r) => sealedAt.userPhone(r.tenant, r.k1),
  },
];

export interface RotationResult {
  activeKey: string;
  activeIndexKey: string;
  sealedUsers: number;
  reencrypted: number;
  /** Email blind indexes moved to the active index key on this call. */
  reindexed: number;
  /** Ciphertexts that did not open (unknown key id, or moved from their row): left as they are. */
  failed: number;
  /** Fields still not under the active key after this page (failed ones included). */
  remaining: number;
}

export async function rotateKeys(d1: D1Database, db: Db, keyring: Keyring, pageSize = 200): Promise<RotationResult> {
  const sealedUsers = await sealPendingUsers(db, keyring, { limit: pageSize });
  const prefix = `v2.${keyring.activeId}.`;
  let reencrypted = 0;
  let failed = 0;
  let remaining = 0;
  for (const field of SEALED_COLUMNS) {
    const stale = `${field.column} IS NOT NULL AND substr(${field.column}, 1, ${prefix.length}) != ?1`;
    const { results } = await d1
      .prepare(`SELECT ${field.select}, ${field.column} AS sealed FROM ${field.table} WHERE ${stale} LIMIT ?2`)
      .bind(prefix, pageSize)
      .all<Row>();
    const updates: D1PreparedStatement[] = [];
    for (const row of results) {
      try {
        const resealed = await keyring.reseal(row.sealed, field.at(row));
        const keys = row.k2 === null ? [row.k1] : [row.k1, row.k2];
        updates.push(
          d1
            .prepare(`UPDATE ${field.table} SET ${field.column} = ? WHERE ${field.where} AND ${field.column} = ?`)
            .bind(resealed, ...keys, row.sealed),
        );
      } catch (error) {
        failed++;
        logError({ job: "keys.rotate", table: field.table, column: field.column, tenantId: row.tenant }, error);
      }
    }
    if (updates.length) reencrypted += (await d1.batch(updates)).reduce((n, r) => n + (r.meta.changes ?? 0), 0);
    const left = await d1.prepare(`SELECT count(*) AS n FROM ${field.table} WHERE ${stale}`).bind(prefix).first<{ n: number }>();
    remaining += left?.n ?? 0;
  }
  const index = await reindexEmails(d1, keyring, pageSize);
  const unsealed = await d1.prepare("SELECT count(*) AS n FROM users WHERE email_index IS NULL").first<{ n: number }>();
  return {
    activeKey: keyring.activeId,
    activeIndexKey: keyring.indexActiveId,
    sealedUsers,
    reencrypted,
    reindexed: index.reindexed,
    failed: failed + index.failed,
    remaining: remaining + index.remaining + (unsealed?.n ?? 0),
  };
}

/**
 * Recomputes `users.email_index` under the active index key from the opened email, a page at a
 * time, each update guarded by the old index. Lookups try every known index key meanwhile, so
 * sign-in never misses a row; afterwards no row names an older index key and it can be removed.
 */
async function reindexEmails(d1: D1Database, keyring: Keyring, pageSize: number) {
  // Legacy-key indexes carry no key id (no dot); others start with "<id>.".
  const active = keyring.indexActiveId;
  const stale =
    active === LEGACY_INDEX_ID
      ? "email_index IS NOT NULL AND instr(email_index, '.') > 0"
      : `email_index IS NOT NULL AND substr(email_index, 1, ${indexPrefix(active).length}) != ?1`;
  const bind = active === LEGACY_INDEX_ID ? [] : [indexPrefix(active)];
  const { results } = await d1
    .prepare(`SELECT id, tenant_id AS tenant, email_enc AS sealed, email_index AS old FROM users WHERE ${stale} LIMIT ${Number(pageSize)}`)
    .bind(...bind)
    .all<{ id: string; tenant: string; sealed: string | null; old: string }>();
  let reindexed = 0;
  let failed = 0;
  for (const row of results) {
    try {
      if (!row.sealed) throw new Error("Indexed user without a sealed email");
      const email = await keyring.open(row.sealed, sealedAt.userEmail(row.tenant, row.id));
      const next = await emailIndex(keyring, row.tenant, email);
      // One statement per row: a unique clash (two rows of one address) fails that row only.
      const done = await d1.prepare("UPDATE users SET email_index = ? WHERE id = ? AND email_index = ?").bind(next, row.id, row.old).run();
      reindexed += done.meta.changes ?? 0;
    } catch (error) {
      failed++;
      logError({ job: "keys.reindex", table: "users", column: "email_index", tenantId: row.tenant }, error);
    }
  }
  const left = await d1
    .prepare(`SELECT count(*) AS n FROM users WHERE ${stale}`)
    .bind(...bind)
    .first<{ n: number }>();
  return { reindexed, failed, remaining: left?.n ?? 0 };
}
