import type { Alert } from "../api-types";
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

export function AlertList({ items, empty }: { items: LiveAlertItem[]; empty: string }) {
  if (!items.length) return <p className="empty">{empty}</p>;
  return (
    <ul className="alert-list">
      {items.map((item) => (
        <AlertItem key={item.alert.id} item={item} />
      ))}
    </ul>
  );
}

export function LiveAlerts() {
  // Filled from the live WebSocket (/api/live) in a later change.
  const items: LiveAlertItem[] = [];
  return (
    <Page title="Live alerts">
      <section className="live-region" aria-labelledby={PAGE_TITLE_ID}>
        <p className="intro">New alerts from your fleet appear here as they happen, newest first.</p>
        <AlertList items={items} empty="No alerts yet" />
      </section>
    </Page>
  );
}
