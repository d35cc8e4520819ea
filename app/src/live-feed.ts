/**
 * The live alert feed: the newest alerts from the API, then every alert event from the shared
 * live connection (live-connection.ts), merged forward by `seq` (live-merge.ts) so a replayed or
 * late event never overwrites a newer state.
 */
import { useEffect, useState } from "react";
import { client, unwrap } from "./api";
import type { Alert } from "./api-types";
import { type LiveState, useLiveMessages, useLiveState } from "./live-connection";
import { alertIsNotOlder, mergeAlert, mergeAlerts } from "./live-merge";

export type { LiveState };

export interface LiveFeed {
  alerts: Alert[];
  vehicleNames: Map<string, string>;
  state: LiveState;
  /** The latest new alert, for the screen-reader announcement. */
  announcement: { text: string; critical: boolean } | null;
  replace(alert: Alert): void;
}

export function useLiveFeed(): LiveFeed {
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [vehicleNames, setVehicleNames] = useState(new Map<string, string>());
  const [announcement, setAnnouncement] = useState<LiveFeed["announcement"]>(null);
  const state = useLiveState();

  useEffect(() => {
    unwrap(client.api.vehicles.$get({ query: { limit: "500" } }))
      .then((page) => setVehicleNames(new Map(page.items.map((v) => [v.id, v.name]))))
      .catch(() => undefined);
    unwrap(client.api.alerts.$get({ query: { limit: "50" } }))
      .then((page) => setAlerts((current) => mergeAlerts(current, page.items)))
      .catch(() => undefined);
  }, []);

  useLiveMessages((message) => {
    if (message.type !== "alert" && message.type !== "alert.updated") return;
    const alert = message.alert as unknown as Alert;
    setAlerts((current) => mergeAlert(current, alert));
    if (message.type === "alert")
      setAnnouncement({ text: `${alert.severity} alert: ${alert.message}`, critical: alert.severity === "critical" });
  });

  return {
    alerts,
    vehicleNames,
    state,
    announcement,
    replace: (alert) => setAlerts((current) => mergeAlert(current, alert, undefined, alertIsNotOlder)),
  };
}
