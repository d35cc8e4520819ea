import type { Severity } from "../db/schema";
import type { DueState, DueStatus } from "../domain/maintenance/intervals";
import type { OutgoingMessage } from "./channels/types";

/** What a delivery row keeps to render its message at send time (a group grows until then). */
export interface MessageSpec {
  vehicleId: string;
  vehicleName: string;
  severity: Severity;
  /**
   * Every alert this delivery names, oldest first, with what to say about each (a digest, which
   * spans vehicles and severities, keeps each alert's own vehicle and severity).
   */
  alerts: { id: string; ruleName: string; message: string; vehicleName?: string; severity?: Severity }[];
  /** Set for an escalation step. */
  escalationStep?: number;
  /** A digest: the user's non-critical notifications of one window, on one channel (./digest.ts). */
  digest?: true;
  /** A "resolved" notice (./resolved.ts): when, and by whom (null: automatically, its episode cleared). */
  kind?: "alert.resolved";
  resolvedAt?: number;
  resolvedByName?: string | null;
}

/**
 * What a maintenance reminder's delivery row keeps: the due state at the transition, so every
 * channel (and every retry) says the same thing.
 */
export interface ReminderSpec extends Omit<DueState, "status"> {
  kind: "maintenance.reminder";
  /** `maintenance:<plan>:<vehicle>:<baseline>:<status>` — one reminder per interval and status. */
  topic: string;
  vehicleId: string;
  vehicleName: string;
  planId: string;
  planName: string;
  status: Exclude<DueStatus, "ok">;
  /** Overdue reminders use the recipients' `high` preferences, due-soon ones `medium`. */
  severity: Severity;
}

export type DeliverySpec = MessageSpec | ReminderSpec;

export const isReminder = (spec: unknown): spec is ReminderSpec => (spec as { kind?: unknown } | null)?.kind === "maintenance.reminder";

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const amount = (n: number) => (Math.round(n * 10) / 10).toLocaleString("en-US");

/** "due at 15,000 km (120 km left)", one phrase per measure the plan uses. */
function dueTerms(spec: ReminderSpec): string[] {
  const left = (n: number, unit: string) => (n > 0 ? `${amount(n)} ${unit} left` : `${amount(-n)} ${unit} past`);
  const terms: string[] = [];
  if (spec.dueAtKm != null)
    terms.push(`at ${amount(spec.dueAtKm)} km${spec.remainingKm != null ? ` (${left(spec.remainingKm, "km")})` : ""}`);
  if (spec.dueAtEngineHours != null)
    terms.push(
      `at ${amount(spec.dueAtEngineHours)} engine hours${spec.remainingEngineHours != null ? ` (${left(spec.remainingEngineHours, "h")})` : ""}`,
    );
  if (spec.dueDate != null)
    terms.push(`on ${day(spec.dueDate)}${spec.remainingDays != null ? ` (${left(spec.remainingDays, "days")})` : ""}`);
  return terms;
}

/** "Service due soon: Unit 7 — Oil change", naming the vehicle, the plan and when it falls due. */
export function renderReminder(spec: ReminderSpec, appUrl: string): OutgoingMessage {
  const url = `${appUrl.replace(/\/$/, "")}/maintenance?vehicleId=${encodeURIComponent(spec.vehicleId)}`;
  const title = `${spec.status === "overdue" ? "Service overdue" : "Service due soon"}: ${spec.vehicleName} — ${spec.planName}`;
  const forecast =
    spec.forecastDate != null && spec.status === "due_soon" ? ` Expected around ${day(spec.forecastDate)} at the current use.` : "";
  const body = `${spec.planName} for ${spec.vehicleName} is ${spec.status === "overdue" ? "overdue" : "due soon"}: due ${dueTerms(spec).join(" or ")}, whichever comes first.${forecast} Open: ${url}`;
  // `alertId` names what the message is about; for a reminder that is its topic.
  return { title, body, url, alertId: spec.topic, alertIds: [], severity: spec.severity };
}

/** Any delivery row's message, alert or reminder. */
export const renderSpec = (spec: DeliverySpec, appUrl: string) =>
  isReminder(spec) ? renderReminder(spec, appUrl) : renderMessage(spec, appUrl);

const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };
const clock = (ms: number) => new Date(ms).toISOString().slice(11, 16);

/** "Digest: 3 alerts" naming each one with its vehicle; the push severity is the highest named. */
function renderDigest(spec: MessageSpec, appUrl: string): OutgoingMessage {
  const severity = spec.alerts.reduce<Severity>(
    (top, a) => (SEVERITY_RANK[a.severity ?? spec.severity] > SEVERITY_RANK[top] ? (a.severity ?? spec.severity) : top),
    "low",
  );
  const url = `${appUrl.replace(/\/$/, "")}/alerts`;
  const lines = spec.alerts.map(
    (a) => `${(a.severity ?? spec.severity).toUpperCase()} ${a.vehicleName ?? spec.vehicleName} — ${a.ruleName}: ${a.message}`,
  );
  const n = spec.alerts.length;
  return {
    title: `Digest: ${n} alert${n === 1 ? "" : "s"}`,
    body: `${lines.join("; ")}. Open: ${url}`,
    url,
    alertId: spec.alerts[0]!.id,
    alertIds: spec.alerts.map((a) => a.id),
    severity,
  };
}

/** "RESOLVED: Unit 7 — Low oil pressure", by whom and when. */
function renderResolved(spec: MessageSpec, appUrl: string): OutgoingMessage {
  const first = spec.alerts[0]!;
  const url = `${appUrl.replace(/\/$/, "")}/alerts/${first.id}`;
  const by = spec.resolvedByName ? `by ${spec.resolvedByName}` : "automatically (the condition cleared)";
  const at = spec.resolvedAt ? ` at ${clock(spec.resolvedAt)} UTC` : "";
  return {
    title: `RESOLVED: ${spec.vehicleName} — ${first.ruleName}`,
    body: `Resolved ${by}${at}: ${first.message}. Open: ${url}`,
    url,
    alertId: first.id,
    alertIds: [first.id],
    severity: spec.severity,
  };
}

/** Short and specific: the vehicle, the problem(s) and the value, with a link to the alert. */
export function renderMessage(spec: MessageSpec, appUrl: string): OutgoingMessage {
  if (spec.kind === "alert.resolved") return renderResolved(spec, appUrl);
  if (spec.digest) return renderDigest(spec, appUrl);
  const first = spec.alerts[0]!;
  const url = `${appUrl.replace(/\/$/, "")}/alerts/${first.id}`;
  const prefix = `${spec.severity.toUpperCase()}${spec.escalationStep ? ` (escalation ${spec.escalationStep})` : ""}`;
  if (spec.alerts.length === 1) {
    return {
      title: `${prefix}: ${spec.vehicleName} — ${first.ruleName}`,
      body: `${first.message}. Open: ${url}`,
      url,
      alertId: first.id,
      alertIds: [first.id],
      severity: spec.severity,
    };
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
