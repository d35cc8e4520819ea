/**
 * One alert and what happened to it: raised, repeated occurrences, every notification sent (per
 * channel, with its delivery status), escalation steps, acknowledgement, snooze and resolution.
 * Acknowledge / Resolve / Snooze / Reopen and "Create work order" act on it; staff assign it,
 * everyone who sees it may comment, and staff see who was told and why.
 */
import { type FormEvent, useEffect, useState } from "react";
import type { InferResponseType } from "hono/client";
import { client, describeError, unwrap } from "../api";
import type { Alert, Client } from "../api-types";
import { actOnAlert, type AlertAction, snoozeAlert } from "../alert-actions";
import { useActionQueue } from "../action-queue";
import { AlertDecisions } from "../alert-decisions";
import { alertStateText } from "../alert-state";
import { AlertAssignee, AlertComments, type Person, reopenAlert } from "../alert-work";
import { formatDateTime } from "../format";
import { Page, Status } from "../page";
import { alertsHome, staffUser, vehiclePath } from "../role-paths";
import { Link } from "../router";
import { session } from "../session";
import { QUEUED_NOTICE } from "../use-alert-actions";
import { useApi } from "../use-api";
import { SEVERITY_ICONS } from "./live-alerts";

type Delivery = InferResponseType<Client["api"]["notifications"]["$get"], 200>["items"][number];
type WorkOrder = InferResponseType<Client["api"]["work-orders"]["from-alert"]["$post"], 201>;

interface TimelineEntry {
  at: string;
  text: string;
}

const CHANNEL_NAMES = { push: "Push", sms: "SMS", voice: "Voice call", email: "Email", inapp: "In-app", webhook: "Webhook" } as Record<
  string,
  string
>;

/** Everything that happened, oldest first. */
function timeline(alert: Alert, deliveries: Delivery[], names: Map<string, string>): TimelineEntry[] {
  const who = (id: string | null) => (id ? (names.get(id) ?? "a user") : "someone");
  const entries: TimelineEntry[] = [
    { at: alert.createdAt, text: `Raised: ${alert.message}${alert.value !== null ? ` (value ${alert.value})` : ""}` },
  ];
  if (alert.occurrences > 1) entries.push({ at: alert.lastSeenAt, text: `Occurrences: ${alert.occurrences} in all` });
  const peak = alert.peakValue !== null ? `, peak ${alert.peakValue}` : "";
  if (alert.lastSeenAt !== alert.createdAt)
    entries.push({ at: alert.lastSeenAt, text: `Last matching reading${alert.value !== null ? `: value ${alert.value}${peak}` : ""}` });
  if (alert.clearedAt) entries.push({ at: alert.clearedAt, text: "Condition cleared" });
  if (alert.silenced) entries.push({ at: alert.createdAt, text: "Matched a silence: recorded, but nobody was notified" });
  for (const d of deliveries) {
    const step = d.step === 0 ? "Notification" : `Escalation step ${d.step}`;
    const to = d.userId ? ` to ${who(d.userId)}` : "";
    const tries = d.attempts > 1 ? `, ${d.attempts} attempts` : "";
    const error = d.lastError && d.status !== "sent" ? ` — ${d.lastError}` : "";
    const deferred = d.status === "queued" && d.dueAt ? `, held until ${formatDateTime(d.dueAt)}` : "";
    entries.push({
      at: d.sentAt ?? d.createdAt,
      text: `${step}: ${CHANNEL_NAMES[d.channel] ?? d.channel}${to} — ${d.status}${tries}${deferred}${error}`,
    });
  }
  if (alert.acknowledgedAt) entries.push({ at: alert.acknowledgedAt, text: `Acknowledged by ${who(alert.acknowledgedBy)}` });
  if (alert.snoozedUntil) entries.push({ at: alert.snoozedUntil, text: "Snoozed until this time: no new notifications before it" });
  if (alert.resolvedAt)
    entries.push({
      at: alert.resolvedAt,
      text: `${alert.resolvedBy === null ? "Resolved automatically when the condition cleared" : `Resolved by ${who(alert.resolvedBy)}`}${alert.note ? `: ${alert.note}` : ""}`,
    });
  return entries.sort((a, b) => a.at.localeCompare(b.at));
}

function SnoozeForm({ onSnooze }: { onSnooze: (minutes: number) => void }) {
  const [minutes, setMinutes] = useState("60");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSnooze(Number(minutes));
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label="Snooze">
      <div className="field">
        <label htmlFor="snooze-minutes">Snooze for</label>
        <select id="snooze-minutes" value={minutes} onChange={(e) => setMinutes(e.target.value)}>
          <option value="15">15 minutes</option>
          <option value="60">1 hour</option>
          <option value="240">4 hours</option>
          <option value="1440">1 day</option>
        </select>
      </div>
      <button type="submit" className="button">
        Snooze
      </button>
    </form>
  );
}

export function AlertDetail({ id }: { id: string }) {
  const role = session.get()?.user.role;
  const canManage = role === "admin" || role === "manager";
  const loaded = useApi(`alert:${id}`, () => unwrap(client.api.alerts[":id"].$get({ param: { id } })));
  const staff = staffUser(role);
  const deliveries = useApi(`deliveries:${id}:${staff}`, () =>
    staff ? unwrap(client.api.notifications.$get({ query: { alertId: id, limit: "200" } })) : Promise.resolve({ items: [] as Delivery[] }),
  );
  const users = useApi(`users:${canManage}`, () =>
    canManage
      ? unwrap(client.api.users.$get({ query: { limit: "500" } }))
      : Promise.resolve({ items: [] as { id: string; name: string }[] }),
  );
  const vehicleId = loaded.data?.vehicleId;
  const vehicle = useApi(`vehicle:${vehicleId ?? ""}`, () =>
    vehicleId ? unwrap(client.api.vehicles[":id"].$get({ param: { id: vehicleId } })) : Promise.resolve(null),
  );
  const [alert, setAlert] = useState<Alert | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [workOrder, setWorkOrder] = useState<WorkOrder | null>(null);
  const { queued } = useActionQueue();
  useEffect(() => setAlert(loaded.data ?? null), [loaded.data]);

  const run = async (work: () => Promise<string | null>) => {
    setProblem(null);
    setNotice(null);
    try {
      setNotice(await work());
    } catch (error) {
      setProblem(describeError(error));
    }
  };
  const act = (action: AlertAction) => () =>
    run(async () => {
      if (!alert) return null;
      const outcome = await actOnAlert(alert, action);
      setAlert(outcome.alert);
      return outcome.queued ? QUEUED_NOTICE : `Alert ${outcome.alert.status}.`;
    });
  const snooze = (minutes: number) =>
    run(async () => {
      if (!alert) return null;
      const next = await snoozeAlert(alert, minutes);
      setAlert(next);
      return `Snoozed until ${formatDateTime(next.snoozedUntil)}.`;
    });
  const reopen = () =>
    run(async () => {
      if (!alert) return null;
      const next = await reopenAlert(alert);
      setAlert(next);
      return "Alert reopened.";
    });
  const createWorkOrder = () =>
    run(async () => {
      const order = await unwrap(client.api["work-orders"]["from-alert"].$post({ json: { alertId: id } }));
      setWorkOrder(order);
      return `Work order "${order.title}" is ${order.status.replace("_", " ")}.`;
    });

  const names = new Map<string, string>((users.data?.items ?? []).map((u) => [u.id, u.name]));
  const me = session.get()?.user;
  if (me) names.set(me.id, `you (${me.name})`);
  const pending = queued.some((a) => a.targetId === id);
  // Whom staff may assign: admins and managers pick any active user; a technician can take it on.
  const people: Person[] = canManage
    ? (users.data?.items ?? []).filter((u) => !("active" in u) || u.active !== false).map((u) => ({ id: u.id, name: u.name }))
    : me
      ? [{ id: me.id, name: me.name }]
      : [];
  const vehicleName = vehicle.data?.name ?? alert?.vehicleId ?? "";

  return (
    <Page title={alert ? `Alert: ${alert.message}` : "Alert"}>
      <p>
        <Link href={alertsHome(role)} className="back-link">
          {staff ? "Back to all alerts" : "Back to my alerts"}
        </Link>
      </p>
      {loaded.state === "loading" ? <Status>Loading the alert…</Status> : null}
      {loaded.state === "error" ? <Status error>{describeError(loaded.error)}</Status> : null}
      {alert ? (
        <>
          <dl className="facts">
            <div>
              <dt>Severity</dt>
              <dd>
                <span aria-hidden="true">{SEVERITY_ICONS[alert.severity]} </span>
                {alert.severity}
              </dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd>
                {alertStateText(alert)}
                {pending ? " (waiting to be sent)" : ""}
              </dd>
            </div>
            <div>
              <dt>Vehicle</dt>
              <dd>
                <Link href={vehiclePath(alert.vehicleId, role)} className="inline-target">
                  {vehicleName}
                </Link>
              </dd>
            </div>
            <div>
              <dt>Type</dt>
              <dd>{alert.type}</dd>
            </div>
          </dl>
          <h2>Actions</h2>
          <p className="status" role="status">
            {notice}
          </p>
          {problem ? <Status error>{problem}</Status> : null}
          <div className="actions">
            {alert.status === "open" ? (
              <button type="button" className="button" onClick={act("ack")}>
                Acknowledge
              </button>
            ) : null}
            {alert.status !== "resolved" && staff ? (
              <button type="button" className="button" onClick={act("resolve")}>
                Resolve
              </button>
            ) : null}
            {alert.status === "resolved" && staff ? (
              <button type="button" className="button" onClick={reopen}>
                Reopen
              </button>
            ) : null}
            {canManage && !workOrder ? (
              <button type="button" className="button" onClick={createWorkOrder}>
                Create work order
              </button>
            ) : null}
            {workOrder ? (
              <Link href={`/work-orders/${encodeURIComponent(workOrder.id)}`} className="button">
                Open the work order
              </Link>
            ) : null}
          </div>
          {alert.status !== "resolved" && staff ? <SnoozeForm onSnooze={snooze} /> : null}
          {staff ? (
            <AlertAssignee alert={alert} people={people} onChange={setAlert} key={alert.assignee?.id ?? "nobody"} />
          ) : (
            <p>{alert.assignee ? `Assigned to ${alert.assignee.name}.` : "Nobody is assigned."}</p>
          )}
          <AlertComments alert={alert} onCommented={(count) => setAlert({ ...alert, commentCount: Math.max(alert.commentCount, count) })} />
          {staff ? <AlertDecisions alertId={alert.id} /> : null}
          <h2 id="timeline-title">Timeline</h2>
          {deliveries.state === "error" ? (
            <Status error>Notifications could not be loaded: {describeError(deliveries.error)}</Status>
          ) : null}
          <ol className="timeline" aria-labelledby="timeline-title">
            {timeline(alert, deliveries.data?.items ?? [], names).map((entry) => (
              <li key={`${entry.at} ${entry.text}`}>
                <time dateTime={entry.at}>{formatDateTime(entry.at)}</time> {entry.text}
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </Page>
  );
}
export default AlertDetail;
