import type { Severity } from "../db/schema";
import type { OutgoingMessage } from "./channels/types";

/** What a delivery row keeps to render its message at send time (a group grows until then). */
export interface MessageSpec {
  vehicleId: string;
  vehicleName: string;
  severity: Severity;
  /** Every alert this delivery names, oldest first, with what to say about each. */
  alerts: { id: string; ruleName: string; message: string }[];
  /** Set for an escalation step. */
  escalationStep?: number;
}

/** Short and specific: the vehicle, the problem(s) and the value, with a link to the alert. */
export function renderMessage(spec: MessageSpec, appUrl: string): OutgoingMessage {
  const first = spec.alerts[0]!;
  const url = `${appUrl.replace(/\/$/, "")}/alerts/${first.id}`;
  const prefix = `${spec.severity.toUpperCase()}${spec.escalationStep ? ` (escalation ${spec.escalationStep})` : ""}`;
  if (spec.alerts.length === 1) {
    return { title: `${prefix}: ${spec.vehicleName} — ${first.ruleName}`, body: `${first.message}. Open: ${url}`, url, alertId: first.id, alertIds: [first.id], severity: spec.severity };
  }
  const names = spec.alerts.map((a) => a.ruleName);
  return {
    title: `${prefix}: ${spec.alerts.length} alerts on ${spec.vehicleName}`,
    body: `${names.join("; ")}. Open: ${url}`,
    url,
    alertId: first.id,
    alertIds: spec.alerts.map((a) => a.id),
    severity: spec.severity,
  };
}

/** Deterministic delivery id: the same (alert, user, channel, step, target) is always the same row. */
export async function deliveryId(parts: (string | number | null)[]): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(parts.map((p) => p ?? "").join("|")));
  return `dlv_${[...new Uint8Array(digest).slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}
