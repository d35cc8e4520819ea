import type { Alert } from "../worker/domain/alert";
import type { OutboxCursors } from "./outbox-cursors";

/** Most events one sync reads; a sync that returns this many has left more behind. */
export const SYNC_PAGE = 1000;

/**
 * Copies alert events the object has not yet written to D1 (its outbox is the event log past
 * `syncedSeq`), newest snapshot per alert, through `save`. A snapshot never overwrites a newer
 * one, so overlapping or repeated syncs are harmless. Returns how many events were synced.
 */
export async function syncAlerts(
  storage: SqlStorage,
  cursors: OutboxCursors,
  save: (alerts: Alert[], created: Set<string>) => Promise<void>,
): Promise<number> {
  const synced = cursors.get("syncedSeq");
  const rows = storage
    .exec<{ seq: number; kind: string; data: string }>(
      "SELECT seq, kind, data FROM alert_events WHERE seq > ? ORDER BY seq LIMIT ?",
      synced,
      SYNC_PAGE,
    )
    .toArray();
  if (!rows.length) return 0;
  const latest = new Map<string, Alert>();
  // Alerts raised in this page: D1 cannot have them unless an earlier attempt at this page wrote them.
  const created = new Set<string>();
  for (const row of rows) {
    const alert = JSON.parse(row.data) as Alert;
    latest.set(alert.id, alert);
    if (row.kind === "alert") created.add(alert.id);
  }
  await save([...latest.values()], created);
  cursors.advance("syncedSeq", rows.at(-1)!.seq);
  return rows.length;
}
