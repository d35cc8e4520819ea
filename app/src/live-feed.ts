/**
 * The live alert feed: the newest alerts from the API, then every alert event from the
 * WebSocket (/api/live, token in the `bearer.<token>` subprotocol). On reconnect it resumes
 * from the last seq it saw, so nothing is lost or shown twice.
 */
import { useEffect, useRef, useState } from "react";
import { client, unwrap } from "./api";
import type { Alert } from "./api-types";
import type { ServerMessage } from "../../worker/domain/live-protocol";
import { session } from "./session";

export type LiveState = "connecting" | "live" | "reconnecting";

export interface LiveFeed {
  alerts: Alert[];
  vehicleNames: Map<string, string>;
  state: LiveState;
  /** The latest new alert, for the screen-reader announcement. */
  announcement: { text: string; critical: boolean } | null;
  replace(alert: Alert): void;
}

const MAX_ITEMS = 200;

function upsert(list: Alert[], alert: Alert): Alert[] {
  // A replayed older event of an alert never hides its newer state (cleared, resolved).
  if (list.some((a) => a.id === alert.id && a.seq > alert.seq)) return list;
  const rest = list.filter((a) => a.id !== alert.id);
  return [alert, ...rest].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id)).slice(0, MAX_ITEMS);
}

export function useLiveFeed(): LiveFeed {
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [vehicleNames, setVehicleNames] = useState(new Map<string, string>());
  const [state, setState] = useState<LiveState>("connecting");
  const [announcement, setAnnouncement] = useState<LiveFeed["announcement"]>(null);
  const lastSeq = useRef<number | null>(null);

  useEffect(() => {
    let socket: WebSocket | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let attempts = 0;
    let stopped = false;

    unwrap(client.api.vehicles.$get({ query: { limit: "500" } }))
      .then((page) => setVehicleNames(new Map(page.items.map((v) => [v.id, v.name]))))
      .catch(() => undefined);
    unwrap(client.api.alerts.$get({ query: { limit: "50" } }))
      .then((page) => setAlerts((current) => page.items.reduce(upsert, current)))
      .catch(() => undefined);

    const connect = () => {
      const token = session.get()?.token;
      if (!token || stopped) return;
      socket = new WebSocket(`${location.origin.replace(/^http/, "ws")}/api/live`, [`bearer.${token}`]);
      socket.onmessage = (event) => {
        const message = JSON.parse(String(event.data)) as ServerMessage;
        if (message.type === "hello") {
          attempts = 0;
          setState("live");
          // After a reconnect, ask for everything missed since the last event seen.
          if (lastSeq.current !== null && lastSeq.current < message.seq)
            socket?.send(JSON.stringify({ type: "resume", since: lastSeq.current }));
          else lastSeq.current = message.seq;
          return;
        }
        if (message.type !== "alert" && message.type !== "alert.updated") return;
        lastSeq.current = Math.max(lastSeq.current ?? 0, message.seq);
        const alert = message.alert as unknown as Alert;
        setAlerts((current) => upsert(current, alert));
        if (message.type === "alert")
          setAnnouncement({ text: `${alert.severity} alert: ${alert.message}`, critical: alert.severity === "critical" });
      };
      socket.onclose = () => {
        if (stopped) return;
        setState("reconnecting");
        retry = setTimeout(connect, Math.min(10_000, 500 * 2 ** attempts++));
      };
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      socket?.close(1000, "leaving");
    };
  }, []);

  return { alerts, vehicleNames, state, announcement, replace: (alert) => setAlerts((current) => upsert(current, alert)) };
}
