import { useState } from "react";
import { client, describeError, unwrap } from "../api";
import type { Alert } from "../api-types";
import { useLiveFeed } from "../live-feed";
import { formatDateTime } from "../format";
import { Page, PAGE_TITLE_ID } from "../page";

/** An alert as the live list shows it: the vehicle's name resolved beside the alert. */
export interface LiveAlertItem {
  alert: Alert;
  vehicleName: string;
}

/** One alert: vehicle, severity word (never colour alone) and status, with its actions. */
export function AlertItem({
  item,
  onAcknowledge,
  onResolve,
}: {
  item: LiveAlertItem;
  onAcknowledge?: (alert: Alert) => void;
  onResolve?: (alert: Alert) => void;
}) {
  const { alert, vehicleName } = item;
  return (
    <li className={`alert-item severity-${alert.severity}`}>
      <p className="alert-line">
        <span className="severity">{alert.severity}</span> <strong>{vehicleName}</strong>: {alert.message}
      </p>
      <p className="alert-meta">
        <span className="alert-status">{alert.status}</span> · raised {formatDateTime(alert.createdAt)}
        {alert.occurrences > 1 ? ` · ${alert.occurrences} occurrences` : ""}
      </p>
      <div className="actions">
        {onAcknowledge && alert.status === "open" ? (
          <button type="button" className="button" onClick={() => onAcknowledge(alert)}>
            Acknowledge
          </button>
        ) : null}
        {onResolve && alert.status !== "resolved" ? (
          <button type="button" className="button" onClick={() => onResolve(alert)}>
            Resolve
          </button>
        ) : null}
      </div>
    </li>
  );
}

export function AlertList({
  items,
  empty,
  onAcknowledge,
  onResolve,
}: {
  items: LiveAlertItem[];
  empty: string;
  onAcknowledge?: (alert: Alert) => void;
  onResolve?: (alert: Alert) => void;
}) {
  if (!items.length) return <p className="empty">{empty}</p>;
  return (
    <ul className="alert-list">
      {items.map((item) => (
        <AlertItem key={item.alert.id} item={item} onAcknowledge={onAcknowledge} onResolve={onResolve} />
      ))}
    </ul>
  );
}

const STATE_TEXT = { connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting… (missed alerts are replayed)" } as const;

export function LiveAlerts() {
  const feed = useLiveFeed();
  const [problem, setProblem] = useState<string | null>(null);
  const act = (action: "ack" | "resolve") => async (alert: Alert) => {
    setProblem(null);
    try {
      const route = client.api.alerts[":id"][action];
      feed.replace(await unwrap(route.$post({ param: { id: alert.id }, json: {} })));
    } catch (error) {
      setProblem(describeError(error));
    }
  };
  const items = feed.alerts.map((alert) => ({ alert, vehicleName: feed.vehicleNames.get(alert.vehicleId) ?? alert.vehicleId }));
  return (
    <Page title="Live alerts">
      <section className="live-region" aria-labelledby={PAGE_TITLE_ID}>
        <p className="intro">
          New alerts from your fleet appear here as they happen, newest first. <span className="live-state">{STATE_TEXT[feed.state]}</span>
        </p>
        {problem ? (
          <p className="error" role="alert">
            {problem}
          </p>
        ) : null}
        <AlertList items={items} empty="No alerts yet" onAcknowledge={act("ack")} onResolve={act("resolve")} />
      </section>
      {/* Critical alerts interrupt a screen reader; the rest wait their turn. */}
      <p className="visually-hidden" aria-live="assertive">
        {feed.announcement?.critical ? feed.announcement.text : ""}
      </p>
      <p className="visually-hidden" aria-live="polite">
        {feed.announcement && !feed.announcement.critical ? feed.announcement.text : ""}
      </p>
    </Page>
  );
}
