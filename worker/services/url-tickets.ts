/**
 * Tickets instead of tokens in URLs (docs/security.md, "Tickets"): a URL ends up in request logs,
 * browser history and proxies, so what it carries must be worthless once used. A ticket is 256
 * random bits, stored hashed, good once (taken with `DELETE … RETURNING`: of two racing uses one
 * wins) and only until its expiry.
 */
import { newSecret, sha256Hex } from "./refresh-sessions";

/** A live-stream ticket covers the time to open the socket, not more. */
export const LIVE_TICKET_SECONDS = 30;
/** A voice-ack link is pressed during the call it was made for. */
export const VOICE_ACK_TICKET_SECONDS = 30 * 60;

type Purpose = "live" | "voice-ack";

export async function issueTicket(
  d1: D1Database,
  purpose: Purpose,
  owner: { tenantId: string; userId: string },
  payload: unknown,
  ttlSeconds: number,
  now = Date.now(),
): Promise<{ ticket: string; expiresAt: number }> {
  const ticket = newSecret("tk");
  const expiresAt = now + ttlSeconds * 1000;
  await d1.batch([
    d1.prepare("DELETE FROM url_tickets WHERE expires_at <= ?1").bind(now),
    d1
      .prepare("INSERT INTO url_tickets (hash, tenant_id, user_id, purpose, payload, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
      .bind(await sha256Hex(ticket), owner.tenantId, owner.userId, purpose, JSON.stringify(payload), expiresAt),
  ]);
  return { ticket, expiresAt };
}

/** Takes a ticket (it is gone afterwards, whatever the caller does next); null if unknown, used, expired or of another purpose. */
export async function redeemTicket<T>(d1: D1Database, purpose: Purpose, ticket: string, now = Date.now()) {
  if (!ticket) return null;
  const row = await d1
    .prepare(
      "DELETE FROM url_tickets WHERE hash = ?1 RETURNING tenant_id AS tenantId, user_id AS userId, purpose, payload, expires_at AS expiresAt",
    )
    .bind(await sha256Hex(ticket))
    .first<{ tenantId: string; userId: string; purpose: Purpose; payload: string; expiresAt: number }>();
  if (!row || row.purpose !== purpose || row.expiresAt <= now) return null;
  return { tenantId: row.tenantId, userId: row.userId, payload: JSON.parse(row.payload) as T };
}
