import type { Alert } from "../worker/domain/alert";
import type { PredictiveProposal, ProposedWorkOrder } from "./hub-ports";
import type { OutboxCursors } from "./outbox-cursors";

/**
 * New `predictive_failure` alerts, and fault-code alerts whose engine risk is high, propose predictive work orders (one per vehicle and component,
 * due by the component's forecast), from the alarm (off the hot
 * path). Like the notification outbox it reads the event log past a cursor (`proposedSeq`), never
 * past what D1 already has (`syncedSeq`). The cursor moves only after the proposals were made; a
 * retry after a failure repeats them harmlessly (no second work order while one is active).
 */
export async function proposeFromNewAlerts(
  sql: SqlStorage,
  cursors: OutboxCursors,
  propose: (proposals: PredictiveProposal[]) => Promise<ProposedWorkOrder[]>,
  current: (alertId: string) => Alert | undefined,
  forecast: (alert: Alert) => Promise<Omit<PredictiveProposal, "alert"> | null>,
): Promise<ProposedWorkOrder[]> {
  const from = cursors.get("proposedSeq");
  const to = cursors.get("syncedSeq");
  if (to <= from) return [];
  const raised = sql
    .exec<{ data: string }>("SELECT data FROM alert_events WHERE seq > ? AND seq <= ? AND kind = 'alert' ORDER BY seq", from, to)
    .toArray()
    .map((r) => JSON.parse(r.data) as Alert)
    // As the alert is now: one resolved before this ran needs no work order.
    .map((a) => current(a.id) ?? a)
    .filter((a) => a.status !== "resolved");
  // Each with its component's forecast as the object has it now (due date, scores).
  const proposals: PredictiveProposal[] = [];
  for (const alert of raised) {
    const f = await forecast(alert);
    if (f) proposals.push({ alert, ...f });
  }
  const created = proposals.length ? await propose(proposals) : [];
  cursors.advance("proposedSeq", to);
  return created;
}
