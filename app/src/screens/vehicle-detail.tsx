/**
 * One vehicle: details and latest readings, charts of the last hours (each with its table),
 * failure risk with the features that drive it, open alerts and maintenance due, where managers
 * record a completed service (the due state is read again after it).
 */
import { useState } from "react";
import type { InferResponseType } from "hono/client";
import { client, describeError, unwrap } from "../api";
import type { Alert, Client } from "../api-types";
import { LineChart } from "../charts";
import { RecordService } from "../maintenance-record-service";
import { formatDateTime, formatNumber } from "../format";
import { Page, Status } from "../page";
import { staffUser } from "../role-paths";
import { Link } from "../router";
import { session } from "../session";
import { useAlertActions } from "../use-alert-actions";
import { RiskSection } from "../vehicle-risk";
import { type Loadable, useApi } from "../use-api";
import { AlertList } from "./live-alerts";
import { VehicleFacts } from "./vehicles";

type Readings = InferResponseType<Client["api"]["vehicles"][":id"]["readings"]["$get"], 200>;
type Due = InferResponseType<Client["api"]["maintenance"]["due"]["$get"], 200>["items"][number];

const HOURS = 6;
/** Enough points for a small chart; the table lists the same (thinned) points. */
const MAX_CHART_POINTS = 48;
const MAX_CHARTS = 6;
const clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

/** Splits "engineTempC" into "engine temp C" for headings. */
const metricName = (name: string) => name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();

function thin<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  const step = items.length / max;
  return Array.from({ length: max }, (_, i) => items[Math.min(items.length - 1, Math.round(i * step + step - 1))]!);
}

function ReadingCharts({ data }: { data: Readings }) {
  if (!data.points.length) return <p>No readings in the last {HOURS} hours.</p>;
  const points = thin(data.points, MAX_CHART_POINTS);
  const labels = points.map((p) => clock.format(new Date(p.ts)));
  const metrics = [...new Set(data.points.flatMap((p) => Object.keys(p.readings)))]
    // The charts start at zero, so metrics that go negative (accelerations) are left to the table of latest readings.
    .filter((m) => data.points.every((p) => (p.readings[m] ?? 0) >= 0))
    .slice(0, MAX_CHARTS);
  return (
    <div className="reading-charts">
      {metrics.map((metric) => (
        <LineChart
          key={metric}
          title={`${metricName(metric)}, last ${HOURS} hours`}
          labels={labels}
          xLabel="Time"
          series={[{ label: metricName(metric), values: points.map((p) => p.readings[metric] ?? null) }]}
        />
      ))}
    </div>
  );
}

const DUE_WORDS = { ok: "OK", due_soon: "Due soon", overdue: "Overdue" } as Record<string, string>;

function DueList({ items, planNames }: { items: Due[]; planNames: Map<string, string> }) {
  if (!items.length) return <p>No maintenance plan applies to this vehicle.</p>;
  const remaining = (d: Due) =>
    [
      d.remainingKm !== null ? `${formatNumber(d.remainingKm, "km")}` : "",
      d.remainingEngineHours !== null ? `${formatNumber(d.remainingEngineHours, "h")}` : "",
      d.remainingDays !== null ? `${formatNumber(d.remainingDays)} days` : "",
    ]
      .filter(Boolean)
      .join(", ");
  return (
    <ul className="due-list">
      {items.map((d) => (
        <li key={d.planId}>
          <strong>{DUE_WORDS[d.status] ?? d.status}</strong>: {planNames.get(d.planId) ?? "Maintenance plan"} — remaining{" "}
          {remaining(d) || "—"}
          {d.dueDate ? `, due by ${formatDateTime(d.dueDate)}` : ""}
          {d.baselineMissing ? " (baseline missing: set the last service on the Maintenance screen)" : ""}
        </li>
      ))}
    </ul>
  );
}

type VehicleData = InferResponseType<Client["api"]["vehicles"][":id"]["$get"], 200>;

/** One vehicle of the fleet, for staff: back to the list, alerts resolvable, maintenance due. */
export function VehicleDetail({ id }: { id: string }) {
  const vehicle = useApi(`vehicle:${id}`, () => unwrap(client.api.vehicles[":id"].$get({ param: { id } })));
  return (
    <Page title={vehicle.data ? vehicle.data.name : "Vehicle"}>
      <p>
        <Link href="/vehicles" className="back-link">
          Back to all vehicles
        </Link>
      </p>
      <VehicleSections id={id} vehicle={vehicle} />
    </Page>
  );
}

/** A driver's own vehicle, named by `/api/me`'s `vehicleId` (the API lets a driver read only that one). */
export function MyVehicle() {
  const me = useApi("me", () => unwrap(client.api.me.$get()));
  const id = me.data?.vehicleId ?? null;
  const vehicle = useApi(`vehicle:${id ?? "none"}`, () =>
    id ? unwrap(client.api.vehicles[":id"].$get({ param: { id } })) : Promise.resolve(null),
  );
  return (
    <Page title="My vehicle">
      {me.state === "loading" ? <Status>Loading your vehicle…</Status> : null}
      {me.state === "error" ? <Status error>{describeError(me.error)}</Status> : null}
      {me.state === "ok" && !id ? <p>No vehicle is assigned to you. Your fleet manager can assign one.</p> : null}
      {id && vehicle.data !== null ? (
        <>
          {vehicle.data ? <p className="lead-fact">{vehicle.data.name}</p> : null}
          <VehicleSections id={id} vehicle={vehicle as Loadable<VehicleData>} />
        </>
      ) : null}
    </Page>
  );
}

/** Details, readings, risk and open alerts; maintenance due for staff (the plans are theirs). */
function VehicleSections({ id, vehicle }: { id: string; vehicle: Loadable<VehicleData> }) {
  const role = session.get()?.user.role;
  const staff = staffUser(role);
  const readings = useApi(`readings:${id}`, () =>
    unwrap(client.api.vehicles[":id"].readings.$get({ param: { id }, query: { hours: String(HOURS) } })),
  );
  const risk = useApi(`risk:${id}`, () => unwrap(client.api.vehicles[":id"].risk.$get({ param: { id } })));
  const alerts = useApi(`alerts:vehicle:${id}`, () =>
    unwrap(client.api.alerts.$get({ query: { vehicleId: id, status: "open", limit: "50" } })),
  );
  const [recorded, setRecorded] = useState<{ count: number; text: string | null }>({ count: 0, text: null });
  const due = useApi(`due:${id}:${staff}:${recorded.count}`, () =>
    staff ? unwrap(client.api.maintenance.due.$get({ query: { vehicleId: id } })) : Promise.resolve(null),
  );
  const plans = useApi(`plans:${role}`, () =>
    role === "admin" || role === "manager"
      ? unwrap(client.api.maintenance.plans.$get({ query: { limit: "500" } }))
      : Promise.resolve({ items: [] as { id: string; name: string }[] }),
  );
  const [changed, setChanged] = useState(new Map<string, Alert>());
  const { act, problem } = useAlertActions((alert) => setChanged((m) => new Map(m).set(alert.id, alert)));
  const name = vehicle.data?.name ?? "";
  const openAlerts = (alerts.data?.items ?? []).map((a) => ({ alert: changed.get(a.id) ?? a, vehicleName: name }));
  const planNames = new Map((plans.data?.items ?? []).map((p) => [p.id, p.name]));

  return (
    <>
      {vehicle.state === "loading" ? <Status>Loading the vehicle…</Status> : null}
      {vehicle.state === "error" ? <Status error>{describeError(vehicle.error)}</Status> : null}
      {vehicle.data ? <VehicleFacts vehicle={vehicle.data} showRisk={false} /> : null}

      <h2>Last {HOURS} hours</h2>
      {readings.state === "loading" ? <Status>Loading readings…</Status> : null}
      {readings.state === "error" ? <Status error>{describeError(readings.error)}</Status> : null}
      {readings.data ? <ReadingCharts data={readings.data} /> : null}

      <h2>Failure risk</h2>
      {risk.state === "error" ? <Status error>{describeError(risk.error)}</Status> : null}
      {risk.data ? <RiskSection risk={risk.data} /> : null}

      <h2>Open alerts</h2>
      {alerts.state === "error" ? <Status error>{describeError(alerts.error)}</Status> : null}
      {problem ? <Status error>{problem}</Status> : null}
      {alerts.data ? (
        <AlertList
          items={openAlerts}
          empty="No open alerts."
          onAcknowledge={act("ack")}
          onResolve={staff ? act("resolve") : undefined}
          linked
        />
      ) : null}

      {staff ? (
        <>
          <h2>Maintenance due</h2>
          {due.state === "error" ? <Status error>{describeError(due.error)}</Status> : null}
          <p className="status" role="status">
            {recorded.text}
          </p>
          {due.data ? <DueList items={due.data.items} planNames={planNames} /> : null}
          {due.data?.items.length && (role === "admin" || role === "manager") ? (
            <RecordService
              vehicleId={id}
              plans={due.data.items.map((d) => ({ id: d.planId, name: planNames.get(d.planId) ?? "Maintenance plan" }))}
              onRecorded={(plan) => setRecorded((r) => ({ count: r.count + 1, text: `Service recorded for ${plan}.` }))}
            />
          ) : null}
        </>
      ) : null}
    </>
  );
}

export default VehicleDetail;
