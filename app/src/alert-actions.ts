/**
 * Acknowledge / resolve / snooze an alert from any screen. Acknowledge and resolve go through the
 * offline action queue (src/action-queue.ts): when the network is down they are stored and
 * replayed in order later, and the screen shows the expected state meanwhile.
 */
import { client, unwrap } from "./api";
import type { Alert } from "./api-types";
import { runOrQueue } from "./action-queue";

export type AlertAction = "ack" | "resolve";

export interface ActionOutcome {
  alert: Alert;
  /** True when the action was stored for replay instead of reaching the server. */
  queued: boolean;
}

/** What the alert will look like once a queued action is applied: shown while offline. */
function expected(alert: Alert, action: AlertAction): Alert {
  const now = new Date().toISOString();
  return action === "ack" ? { ...alert, status: "acknowledged", acknowledgedAt: now } : { ...alert, status: "resolved", resolvedAt: now };
}

export async function actOnAlert(alert: Alert, action: AlertAction): Promise<ActionOutcome> {
  const route = client.api.alerts[":id"][action];
  const result = await runOrQueue({
    kind: action === "ack" ? "alert.ack" : "alert.resolve",
    targetId: alert.id,
    label: `${action === "ack" ? "Acknowledge" : "Resolve"}: ${alert.message}`,
    method: "POST",
    path: route.$url({ param: { id: alert.id } }).pathname,
    body: {},
  });
  if (result.queued) return { alert: expected(alert, action), queued: true };
  return { alert: (await result.response.json()) as Alert, queued: false };
}

export async function snoozeAlert(alert: Alert, minutes: number): Promise<Alert> {
  return unwrap(client.api.alerts[":id"].snooze.$post({ param: { id: alert.id }, json: { minutes } }));
}
