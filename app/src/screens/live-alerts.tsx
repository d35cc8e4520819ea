import { useEffect, useState } from "react";
import { playAlertSound, setSoundEnabled, soundEnabled } from "../alert-sound";
import type { Alert } from "../api-types";
import { useAlertActions } from "../use-alert-actions";
import { Link } from "../router";
import { alertPath } from "../role-paths";
import { useLiveFeed } from "../live-feed";
import { alertStateText } from "../alert-state";
import { formatDateTime } from "../format";
import { Page, PAGE_TITLE_ID } from "../page";

/** An alert as the live list shows it: the vehicle's name resolved beside the alert. */
export interface LiveAlertItem {
  alert: Alert;
  vehicleName: string;
  /** An action on it was taken offline and waits to be sent. */
  pending?: boolean;
}

/** Shapes beside the severity word, so severity never rests on colour (decorative: the word says it). */
export const SEVERITY_ICONS = { critical: "⬣", high: "▲", medium: "◆", low: "●" } as const;

/** One alert: vehicle, severity word (never colour alone) and status, with its actions. */
export function AlertItem({
  item,
  onAcknowledge,
  onResolve,
  linked = false,
}: {
  item: LiveAlertItem;
  onAcknowledge?: (alert: Alert) => void;
  onResolve?: (alert: Alert) => void;
  /** Link the message to the alert's detail screen. */
  linked?: boolean;
}) {
  const { alert, vehicleName } = item;
  return (
    <li className={`alert-item severity-${alert.severity}`}>
      <p className="alert-line">
        <span className="severity">
          <span aria-hidden="true">{SEVERITY_ICONS[alert.severity]} </span>
          {alert.severity}
        </span>{" "}
        <strong>{vehicleName}</strong>:{" "}
        {linked ? (
          <Link href={alertPath(alert.id)} className="inline-target">
            {alert.message}
          </Link>
        ) : (
          alert.message
        )}
      </p>
      <p className="alert-meta">
        <span className="alert-status">{alertStateText(alert)}</span>
        {item.pending ? <strong> (waiting to be sent)</strong> : null}
        {alert.value !== null ? ` · value ${alert.value}` : ""}
        {alert.peakValue !== null && alert.peakValue !== alert.value ? ` · peak ${alert.peakValue}` : ""} · raised{" "}
        {formatDateTime(alert.createdAt)}
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
  linked,
}: {
  items: LiveAlertItem[];
  empty: string;
  onAcknowledge?: (alert: Alert) => void;
  onResolve?: (alert: Alert) => void;
  linked?: boolean;
}) {
  if (!items.length) return <p className="empty">{empty}</p>;
  return (
    <ul className="alert-list">
      {items.map((item) => (
        <AlertItem key={item.alert.id} item={item} onAcknowledge={onAcknowledge} onResolve={onResolve} linked={linked} />
      ))}
    </ul>
  );
}

const STATE_TEXT = { connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting… (missed alerts are replayed)" } as const;

export function LiveAlerts() {
  const feed = useLiveFeed();
  const { act, problem } = useAlertActions(feed.replace);
  const [sound, setSound] = useState(soundEnabled);
  useEffect(() => {
    if (feed.announcement) playAlertSound(feed.announcement.critical);
  }, [feed.announcement]);
  const items = feed.alerts.map((alert) => ({ alert, vehicleName: feed.vehicleNames.get(alert.vehicleId) ?? alert.vehicleId }));
  return (
    <Page title="Live alerts">
      <section className="live-region" aria-labelledby={PAGE_TITLE_ID}>
        <p className="intro">
          New alerts from your fleet appear here as they happen, newest first. <span className="live-state">{STATE_TEXT[feed.state]}</span>
        </p>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={sound}
            onChange={(e) => {
              setSoundEnabled(e.target.checked);
              setSound(e.target.checked);
            }}
          />
          Play a sound for new alerts
        </label>
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
