/**
 * Digests: a user with `digestMinutes > 0` gets their non-critical notifications of a window
 * gathered into one message per channel (and push subscription), naming each alert. The first
 * notification opens the window (a row due when it ends, or when quiet hours end if later); the
 * next ones join that row until it is claimed. Critical alerts and escalation steps are never
 * held here. Alerts acknowledged, resolved or silenced before the digest goes out drop out of it
 * at send time (./cancellation.ts); a digest whose alerts all closed is cancelled.
 */
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import type { Channel } from "../db/schema";
import type { MessageSpec } from "./message";

export const digestEntry = (spec: MessageSpec) =>
  spec.alerts.map((a) => ({ ...a, vehicleName: spec.vehicleName, severity: spec.severity }));

/**
 * Adds the alert to the user's open digest on this channel and target, in one statement (two
 * planning jobs joining at once both land), once: a digest already naming it (an interrupted run
 * joined it) is left as it is. Returns the digest's id, or null when none is open.
 */
export async function joinDigest(
  db: Db,
  tenantId: string,
  userId: string,
  channel: Channel,
  target: string | null,
  spec: MessageSpec,
  now: number,
): Promise<string | null> {
  const entries = digestEntry(spec);
  const [row] = await db.all<{ id: string }>(sql`
    UPDATE deliveries
    SET message = CASE
        WHEN EXISTS (SELECT 1 FROM json_each(message, '$.alerts') a WHERE json_extract(a.value, '$.id') = ${entries[0]!.id}) THEN message
        ELSE json_insert(message, '$.alerts[#]', json(${JSON.stringify(entries[0])})) END,
      updated_at = ${now}
    WHERE id = (
      SELECT id FROM deliveries
      WHERE tenant_id = ${tenantId} AND user_id = ${userId} AND channel = ${channel} AND coalesce(target, '') = ${target ?? ""}
        AND step = 0 AND topic IS NULL AND status = 'queued' AND due_at > ${now} AND json_extract(message, '$.digest') = 1
      ORDER BY due_at LIMIT 1)
      AND status = 'queued'
    RETURNING id`);
  return row?.id ?? null;
}

/** The message of a new digest opened by this alert. */
export const openingDigest = (spec: MessageSpec): MessageSpec => ({ ...spec, digest: true, alerts: digestEntry(spec) });
