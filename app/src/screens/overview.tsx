/**
 * Overview, the first screen for staff: the fleet at a glance. Each figure is a link into the
 * screen that holds the details; the screen follows the live stream (overview-data.ts).
 */
import { useEffect, useRef, useState } from "react";
import { describeError } from "../api";
import type { Alert } from "../api-types";
import { useLiveState } from "../live-connection";
import { withLiveWorkOrders } from "../live-merge";
import { useLiveWorkOrders } from "../live-work-orders";
import { DueBadge, forecastText } from "../maintenance-status";
import type { WorkOrder } from "../maintenance-types";
import { Page, Status } from "../page";
import { Link } from "../router";
import { todayRange, useFleetAndShop, useOpenAlerts } from "../overview-data";
import { riskyVehicles } from "../risky-vehicles";
import { STATUS_TEXT } from "../work-order-status";
import { SEVERITY_ICONS } from "./live-alerts";
import "../maintenance.css";
import "../overview.css";

const SEVERITIES = ["critical", "high", "medium", "low"] as const;
const LIVE_TEXT = { connecting: "Connecting…", live: "Live: updates as they happen", reconnecting: "Reconnecting…" } as const;
const time = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function AlertsBySeverity({ counts }: { counts: Record<(typeof SEVERITIES)[number], number> }) {
  return (
    <ul className="overview-figures">
      {SEVERITIES.map((severity) => (
        <li key={severity}>
          <Link className="inline-target" href={`/alerts?status=open&severity=${severity}`}>
            <span aria-hidden="true">{SEVERITY_ICONS[severity]} </span>
            {severity}: {counts[severity] ?? 0} open
          </Link>
        </li>
      ))}
    </ul>
  );
}

/** Vehicles with open critical or high alerts, then those the edge model rates elevated or high. */
function atRisk(serious: Alert[], risky: Map<string, { label: string; score: number }>) {
  const reasons = new Map<string, string[]>();
  for (const a of serious) {
    const list = reasons.get(a.vehicleId) ?? [];
    list.push(`${a.severity} alert: ${a.message}`);
    reasons.set(a.vehicleId, list);
  }
  for (const [id, risk] of risky) reasons.set(id, [...(reasons.get(id) ?? []), `${risk.label} risk (${Math.round(risk.score * 100)} %)`]);
  return [...reasons];
}

export default function Overview() {
  const alerts = useOpenAlerts();
  const [shopVersion, setShopVersion] = useState(0);
  const fleet = useFleetAndShop(shopVersion);
  const liveState = useLiveState();
  const liveWorkOrders = useLiveWorkOrders<WorkOrder>();
  const risky = riskyVehicles(fleet.data?.vehicles ?? []);
  const names = new Map((fleet.data?.vehicles ?? []).map((v) => [v.id, v.name]));
  const name = (id: string) => names.get(id) ?? id;
  const technicianName = (id: string | null) => fleet.data?.technicians.find((t) => t.id === id)?.name;
  const bayName = (id: string | null) => fleet.data?.bays.find((b) => b.id === id)?.name;

  const { from, to } = todayRange();
  const today = withLiveWorkOrders(fleet.data?.today ?? [], liveWorkOrders)
    .filter((w) => w.status !== "cancelled" && w.scheduledStart && w.scheduledEnd && w.scheduledStart < to && w.scheduledEnd > from)
    .sort((a, b) => (a.scheduledStart ?? "").localeCompare(b.scheduledStart ?? ""));
  // A booking may name a technician or bay added since the names were loaded: load them once more.
  const asked = useRef(new Set<string>());
  const unknown = today
    .flatMap((w) => [w.technicianId && !technicianName(w.technicianId) ? w.technicianId : "", w.bayId && !bayName(w.bayId) ? w.bayId : ""])
    .filter((id) => id && !asked.current.has(id))
    .join(",");
  useEffect(() => {
    if (!unknown) return;
    for (const id of unknown.split(",")) asked.current.add(id);
    setShopVersion((v) => v + 1);
  }, [unknown]);

  const overdue = fleet.data?.due.filter((d) => d.status === "overdue") ?? [];
  const dueSoon = fleet.data?.due.filter((d) => d.status === "due_soon") ?? [];
  const vehiclesAtRisk = alerts.data ? atRisk(alerts.data.serious, risky) : [];

  return (
    <Page title="Overview" intro="Your fleet at a glance: each figure leads to its screen.">
      <p className="live-state" role="status">
        {LIVE_TEXT[liveState]}
      </p>
      <div className="overview-grid">
        <section aria-labelledby="ov-alerts" className="panel">
          <h2 id="ov-alerts">Open alerts by severity</h2>
          {alerts.data ? <AlertsBySeverity counts={alerts.data.bySeverity} /> : null}
          {!alerts.data && !alerts.error ? <Status>Loading alerts…</Status> : null}
          {alerts.error && !alerts.data ? <Status error>{describeError(alerts.error)}</Status> : null}
          <p>
            <Link className="inline-target" href="/live">
              Live alerts
            </Link>{" "}
            shows them as they arrive.
          </p>
        </section>

        <section aria-labelledby="ov-risk" className="panel">
          <h2 id="ov-risk">Vehicles at risk</h2>
          {alerts.data && fleet.data ? (
            vehiclesAtRisk.length ? (
              <ul className="overview-list">
                {vehiclesAtRisk.map(([id, why]) => (
                  <li key={id}>
                    <Link className="inline-target" href={`/vehicles/${encodeURIComponent(id)}`}>
                      {name(id)}
                    </Link>
                    : {why.join("; ")}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="empty">No vehicle has an open critical or high alert or an elevated risk.</p>
            )
          ) : null}
        </section>

        <section aria-labelledby="ov-maintenance" className="panel">
          <h2 id="ov-maintenance">Maintenance due</h2>
          {fleet.state === "loading" ? <Status>Loading maintenance…</Status> : null}
          {fleet.state === "error" ? <Status error>{describeError(fleet.error)}</Status> : null}
          {fleet.data ? (
            <>
              <p>
                <Link className="inline-target" href="/maintenance">
                  {plural(overdue.length, "service")} overdue, {dueSoon.length} due soon
                </Link>
              </p>
              <ul className="overview-list">
                {[...overdue, ...dueSoon].slice(0, 8).map((d) => (
                  <li key={`${d.vehicleId}:${d.planId}`}>
                    <DueBadge status={d.status} />{" "}
                    <Link className="inline-target" href={`/vehicles/${encodeURIComponent(d.vehicleId)}`}>
                      {name(d.vehicleId)}
                    </Link>
                    {forecastText(d.forecastDate, d.status) ? ` — ${forecastText(d.forecastDate, d.status)}` : ""}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>

        <section aria-labelledby="ov-shop" className="panel">
          <h2 id="ov-shop">Today's shop schedule</h2>
          {fleet.data ? (
            <>
              <p>
                <Link className="inline-target" href="/work-orders">
                  {plural(today.length, "booking")} today, {fleet.data.openWorkOrders}
                  {fleet.data.openMore ? "+" : ""} open work order{fleet.data.openWorkOrders === 1 ? "" : "s"} waiting
                </Link>
              </p>
              {today.length ? (
                <ul className="overview-list">
                  {today.map((w) => (
                    <li key={w.id}>
                      {time.format(new Date(w.scheduledStart ?? ""))}–{time.format(new Date(w.scheduledEnd ?? ""))}{" "}
                      <Link className="inline-target" href={`/work-orders/${encodeURIComponent(w.id)}`}>
                        {w.title}
                      </Link>{" "}
                      ({name(w.vehicleId)}, {STATUS_TEXT[w.status].toLowerCase()}
                      {technicianName(w.technicianId) ? `, ${technicianName(w.technicianId)}` : ""}
                      {bayName(w.bayId) ? `, ${bayName(w.bayId)}` : ""})
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="empty">Nothing is booked today.</p>
              )}
            </>
          ) : null}
        </section>
      </div>
    </Page>
  );
}
