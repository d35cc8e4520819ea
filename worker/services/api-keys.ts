/**
 * API keys for machine clients (docs/security.md#api-keys): `fpk_<prefix>_<secret>`, shown once,
 * kept as a SHA-256 (the secret has 256 random bits, so a fast hash is enough), found by its
 * public prefix. A key acts in the name of the admin who created it, with the role `manager` at
 * most, and only on the resources its scopes name; it stops when revoked or when that admin is no
 * longer an active admin.
 */
import { desc, eq, isNull } from "drizzle-orm";
import type { Context } from "hono";
import { apiKeys, type ApiKey, type Role } from "../db/schema";
import { database, inTenant, pastCursor, type Db } from "../db/client";
import type { AppEnv, AuthContext } from "../env";
import { safeEqual } from "../lib/crypto";
import { randomBytes, toBase64Url, utf8 } from "../lib/encoding";
import { newId } from "../lib/ids";
import { AppError } from "../lib/problem";
import { clientInfo } from "../lib/client-info";
import { recordAudit } from "./audit";

export const API_KEY_PREFIX = "fpk_";
const KEY_SHAPE = /^fpk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** What a key may reach: `/api/<resource>/…`; `write` includes `read` of the same resource. */
export const API_KEY_SCOPES = [
  "alerts:read",
  "alerts:write",
  "work-orders:read",
  "work-orders:write",
  "vehicles:read",
  "vehicles:write",
  "maintenance:read",
  "maintenance:write",
  "reports:read",
  "analytics:read",
] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** The role a key acts with: never admin, so a key cannot manage users, keys, SSO or settings. */
export const API_KEY_ROLE: Role = "manager";
/** Last use and the read sample are written at most once per key per minute. */
const USE_RECORD_MS = 60_000;

const UNAUTHORIZED_HEADERS = { "www-authenticate": 'Bearer realm="fleetpulse"' };

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(text)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

export const publicApiKey = (key: ApiKey) => ({
  id: key.id,
  name: key.name,
  prefix: `${API_KEY_PREFIX}${key.prefix}`,
  scopes: key.scopes,
  createdBy: key.createdBy,
  createdAt: new Date(key.createdAt).toISOString(),
  lastUsedAt: key.lastUsedAt ? new Date(key.lastUsedAt).toISOString() : null,
  revokedAt: key.revokedAt ? new Date(key.revokedAt).toISOString() : null,
});

/** Creates a key; the returned `key` is the only time the secret exists outside the caller. */
export async function createApiKey(db: Db, tenantId: string, createdBy: string, input: { name: string; scopes: ApiKeyScope[] }) {
  const prefix = hex(randomBytes(8));
  const key = `${API_KEY_PREFIX}${prefix}_${toBase64Url(randomBytes(32))}`;
  const [row] = await db
    .insert(apiKeys)
    .values({
      id: newId("key"),
      tenantId,
      name: input.name,
      prefix,
      keyHash: await sha256Hex(key),
      scopes: [...new Set(input.scopes)].sort(),
      createdBy,
    })
    .returning();
  return { row: row!, key };
}

export function listApiKeys(db: Db, tenantId: string, limit: number, after?: [number, string]) {
  return db
    .select()
    .from(apiKeys)
    .where(inTenant(apiKeys, tenantId, pastCursor(apiKeys.createdAt, apiKeys.id, after, "desc")))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
    .limit(limit + 1);
}

/** Revokes a key (idempotent: a second call keeps the first time). 404 for another tenant's key. */
export async function revokeApiKey(db: Db, tenantId: string, id: string, now = Date.now()) {
  await db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(inTenant(apiKeys, tenantId, eq(apiKeys.id, id), isNull(apiKeys.revokedAt)));
  const row = await db.query.apiKeys.findFirst({ where: inTenant(apiKeys, tenantId, eq(apiKeys.id, id)) });
  if (!row) throw new AppError("not_found", "No such API key.");
  return row;
}

/** The scope a request needs: GET/HEAD read, anything else write, of `/api/<resource>`; null if keys may not call it. */
export function requiredScope(method: string, path: string): { read: string; write: string; needsWrite: boolean } | null {
  const resource = path.match(/^\/api\/([a-z-]+)(?:\/|$)/)?.[1];
  if (!resource) return null;
  const read = `${resource}:read`;
  const write = `${resource}:write`;
  const known = (API_KEY_SCOPES as readonly string[]).includes(read) || (API_KEY_SCOPES as readonly string[]).includes(write);
  if (!known) return null;
  return { read, write, needsWrite: method !== "GET" && method !== "HEAD" };
}

/**
 * The API-key branch of `authorize`: 401 for an unknown, malformed or revoked key (or one whose
 * admin left); 403 when its scopes or its role do not cover the request. Records the last use and,
 * at most once a minute, an `api_key.used` audit row (writes are audited in full by auditWrites,
 * which names the key).
 */
export async function authorizeApiKey(c: Context<AppEnv>, key: string, roles: Role[], now = Date.now()): Promise<AuthContext> {
  const match = KEY_SHAPE.exec(key);
  const row = match
    ? await c.env.DB.prepare(
        `SELECT k.id, k.tenant_id AS tenantId, k.key_hash AS keyHash, k.scopes, k.created_by AS createdBy, k.revoked_at AS revokedAt,
                k.last_used_at AS lastUsedAt, u.active, u.role
         FROM api_keys k JOIN users u ON u.id = k.created_by AND u.tenant_id = k.tenant_id
         WHERE k.prefix = ?1`,
      )
        .bind(match[1])
        .first<{
          id: string;
          tenantId: string;
          keyHash: string;
          scopes: string;
          createdBy: string;
          revokedAt: number | null;
          lastUsedAt: number | null;
          active: number;
          role: Role;
        }>()
    : null;
  // Hash even without a row, so a guessed prefix costs the same as a known one.
  const hash = await sha256Hex(key);
  if (!row || !safeEqual(hash, row.keyHash) || row.revokedAt != null || !row.active || row.role !== "admin") {
    throw new AppError("unauthorized", "The API key is invalid or revoked.", undefined, UNAUTHORIZED_HEADERS);
  }
  const scopes = JSON.parse(row.scopes) as string[];
  const path = new URL(c.req.url).pathname;
  const needed = requiredScope(c.req.method, path);
  const allowed =
    needed !== null &&
    (scopes.includes(needed.write) || (!needed.needsWrite && scopes.includes(needed.read))) &&
    roles.includes(API_KEY_ROLE);
  if (!allowed) {
    const scope = needed ? (needed.needsWrite ? needed.write : needed.read) : null;
    throw new AppError("forbidden", scope ? `This API key lacks the scope ${scope}.` : "API keys may not call this endpoint.");
  }
  await recordUse(c, row.id, row.tenantId, row.createdBy, path, now);
  return { userId: row.createdBy, tenantId: row.tenantId, role: API_KEY_ROLE, apiKeyId: row.id };
}

/** One conditional UPDATE: only the first use in a minute wins it, and only that one writes the sample row. */
async function recordUse(c: Context<AppEnv>, keyId: string, tenantId: string, actorId: string, path: string, now: number) {
  const won = await c.env.DB.prepare(
    "UPDATE api_keys SET last_used_at = ?1 WHERE id = ?2 AND (last_used_at IS NULL OR last_used_at < ?3) RETURNING id",
  )
    .bind(now, keyId, now - USE_RECORD_MS)
    .first();
  if (!won) return;
  await recordAudit(database(c.env.DB), {
    tenantId,
    actorId,
    action: "api_key.used",
    targetType: "api_key",
    targetId: keyId,
    // Sampled: the first call of each minute (machine clients poll; one row per read would drown the log).
    detail: { method: c.req.method, path, sampled: "first use per key per minute" },
    ...clientInfo(c),
  });
}
