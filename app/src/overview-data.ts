/**
 * What the Overview shows, from the existing list endpoints: open alerts by severity (facets),
 * vehicles at risk (open critical/high alerts, and the edge model's elevated/high risk), due and
 * overdue maintenance, and today's bookings. Alert events on the live stream reload the alert
 * part (at most once a second); work-order events are merged in place.
 */
import { useEffect, useRef, useState } from "react";
import { ApiError, client, unwrap } from "./api";
import type { Alert } from "./api-types";
import { useLiveMessages } from "./live-connection";
import { useApi } from "./use-api";

/** A list the caller's role may not read (technicians cannot list the shop) counts as empty. */
export async function orEmpty<T>(load: Promise<{ items: T[] }>): Promise<{ items: T[] }> {
  try {
    return await load;
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) return { items: [] };
    throw error;
  }
}

export const todayRange = (now = new Date()) => {
  const start = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const end = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
  return { from: start.toISOString(), to: end.toISOString() };
};

/** Bumps when alert events arrive, at most once a second, so the alert part reloads while live. */
function useAlertPulse(): number {
  const [pulse, setPulse] = useState(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useLiveMessages((message) => {
    if ((message.type !== "alert" && message.type !== "alert.updated") || timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      setPulse((p) => p + 1);
    }, 1000);
  });
  useEffect(() => () => clearTimeout(timer.current), []);
  return pulse;
}

/** The alert part: facet counts of open alerts and the open critical/high alerts per vehicle. */
export function useOpenAlerts() {
  const pulse = useAlertPulse();
  const loaded = useApi(`overview-alerts:${pulse}`, async () => {
    const [counts, serious] = await Promise.all([
      unwrap(client.api.alerts.$get({ query: { status: "open", limit: "1" } })),
      Promise.all(
        (["critical", "high"] as const).map((severity) =>
          unwrap(client.api.alerts.$get({ query: { status: "open", severity, limit: "500" } })),
        ),
      ),
    ]);
    return { bySeverity: counts.facets.severity, serious: serious.flatMap((p) => p.items) as Alert[] };
  });
  // Keep the last answer on screen while a live reload runs.
  const last = useRef(loaded.data);
  if (loaded.data) last.current = loaded.data;
  return { data: last.current, error: loaded.state === "error" ? loaded.error : undefined };
}

/** Vehicles, maintenance due, today's bookings and the shop's names. */
export function useFleetAndShop(version = 0) {
  const loaded = useApi(`overview-fleet:${version}`, async () => {
    const { from, to } = todayRange();
    const [vehicles, due, today, open, technicians, bays] = await Promise.all([
      unwrap(client.api.vehicles.$get({ query: { limit: "500" } })),
      unwrap(client.api.maintenance.due.$get({ query: { limit: "500" } })),
      unwrap(client.api["work-orders"].$get({ query: { from, to, limit: "500" } })),
      unwrap(client.api["work-orders"].$get({ query: { status: "open", limit: "500" } })),
      orEmpty(unwrap(client.api.technicians.$get({ query: { limit: "500" } }))),
      orEmpty(unwrap(client.api.bays.$get({ query: { limit: "500" } }))),
    ]);
    return {
      vehicles: vehicles.items,
      due: due.items.filter((d) => d.status !== "ok"),
      today: today.items,
      openWorkOrders: open.items.length,
      openMore: open.nextCursor !== null,
      technicians: technicians.items,
      bays: bays.items,
    };
  });
  // Keep the last answer on screen while a reload runs.
  const last = useRef(loaded.data);
  if (loaded.data) last.current = loaded.data;
  return { ...loaded, data: last.current };
}
