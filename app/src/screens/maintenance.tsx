/** Maintenance: which vehicles are due (ok / due soon / overdue, with a forecast) and the plans editor. */
import { useState } from "react";
import { client, describeError, unwrap } from "../api";
import { withEtag } from "../concurrency";
import { formatDateTime, formatNumber } from "../format";
import { DueBadge, forecastText } from "../maintenance-status";
import { BaselineForm } from "../maintenance-baselines";
import { MeterFlags } from "../maintenance-meter-flags";
import { PlanForm } from "../maintenance-plan-form";
import type { DueStatus, Plan } from "../maintenance-types";
import { Page, Status } from "../page";
import { Link } from "../router";
import { ScrollTable } from "../scroll-table";
import { session } from "../session";
import { useApi } from "../use-api";
import "../maintenance.css";

const FILTERS: { value: DueStatus | ""; label: string }[] = [
  { value: "", label: "All" },
  { value: "overdue", label: "Overdue" },
  { value: "due_soon", label: "Due soon" },
  { value: "ok", label: "OK" },
];

/** Amounts left per measure; a negative amount reads as how far past due it is. */
function remaining(km: number | null, hours: number | null, days: number | null): string {
  const amount = (value: number | null, unit: string) =>
    value === null ? null : value < 0 ? `${formatNumber(-value, unit)} over` : formatNumber(value, unit);
  const parts = [amount(km, "km"), amount(hours, "h"), amount(days, "days")].filter(Boolean);
  return parts.length ? parts.join(" · ") : "—";
}

function DueList({ reloadKey }: { reloadKey: number }) {
  const [status, setStatus] = useState<DueStatus | "">("");
  const due = useApi(`maintenance-due:${status}:${reloadKey}`, () =>
    unwrap(client.api.maintenance.due.$get({ query: { limit: "500", ...(status ? { status } : {}) } })),
  );
  const items = due.data?.items ?? [];
  return (
    <section aria-labelledby="due-heading">
      <h2 id="due-heading">Due list</h2>
      <div className="field inline-field">
        <label htmlFor="due-filter">Show</label>
        <select id="due-filter" value={status} onChange={(e) => setStatus(e.target.value as DueStatus | "")}>
          {FILTERS.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </select>
      </div>
      {due.state === "loading" ? <Status>Loading the due list…</Status> : null}
      {due.state === "error" ? <Status error>{describeError(due.error)}</Status> : null}
      {due.state === "ok" && items.length === 0 ? (
        <p className="empty">Nothing matches: no plan applies to a vehicle{status ? " with this status" : ""}.</p>
      ) : null}
      {items.length ? (
        <ScrollTable
          captionId="due-caption"
          caption={
            <>
              {items.length} service{items.length === 1 ? "" : "s"}
              {due.data?.nextCursor ? " (first 500)" : ""}
            </>
          }
        >
          <thead>
            <tr>
              <th scope="col">Vehicle</th>
              <th scope="col">Plan</th>
              <th scope="col">Status</th>
              <th scope="col">Forecast</th>
              <th scope="col">Remaining</th>
              <th scope="col">Last service</th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr key={`${d.vehicleId}:${d.planId}`}>
                <th scope="row">
                  <Link href={`/vehicles/${encodeURIComponent(d.vehicleId)}`} className="cell-link">
                    {d.vehicleName}
                  </Link>
                </th>
                <td>{d.planName}</td>
                <td>
                  <DueBadge status={d.status} />
                  {d.baselineMissing ? <span className="hint"> — baseline missing: no reminders yet</span> : null}
                </td>
                <td>{forecastText(d.forecastDate, d.status) ?? "—"}</td>
                <td>{remaining(d.remainingKm, d.remainingEngineHours, d.remainingDays)}</td>
                <td>{d.lastServiceAt ? formatDateTime(d.lastServiceAt) : "never"}</td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      ) : null}
    </section>
  );
}

function interval(plan: Plan, kind: "every" | "dueSoon"): string {
  const km = kind === "every" ? plan.everyKm : plan.dueSoonKm;
  const hours = kind === "every" ? plan.everyEngineHours : plan.dueSoonEngineHours;
  const days = kind === "every" ? plan.everyDays : plan.dueSoonDays;
  return remaining(km, hours, days);
}

function Plans() {
  const [reload, setReload] = useState(0);
  const plans = useApi(`maintenance-plans:${reload}`, () => unwrap(client.api.maintenance.plans.$get({ query: { limit: "500" } })));
  const [editing, setEditing] = useState<Plan | "new" | null>(null);
  // Edit reads the plan afresh with its ETag, so a save cannot overwrite someone else's change.
  const [editEtag, setEditEtag] = useState<string | null>(null);
  const edit = async (p: Plan) => {
    try {
      const fresh = await withEtag(client.api.maintenance.plans[":id"].$get({ param: { id: p.id } }), unwrap);
      setEditEtag(fresh.etag);
      setEditing(fresh.data);
    } catch (error) {
      setSaved(`Could not open plan “${p.name}”: ${describeError(error)}`);
    }
  };
  const [saved, setSaved] = useState<string | null>(null);
  const items = plans.data?.items ?? [];

  const done = (plan: Plan) => {
    setSaved(`Plan “${plan.name}” saved.`);
    setEditing(null);
    setReload((n) => n + 1);
  };

  return (
    <section aria-labelledby="plans-heading">
      <h2 id="plans-heading">Plans</h2>
      <p className="status" role="status">
        {saved}
      </p>
      {plans.state === "loading" ? <Status>Loading plans…</Status> : null}
      {plans.state === "error" ? <Status error>{describeError(plans.error)}</Status> : null}
      {plans.state === "ok" && items.length === 0 ? <p className="empty">No maintenance plans yet.</p> : null}
      {items.length ? (
        <ScrollTable
          captionId="plans-caption"
          caption={
            <>
              {items.length} plan{items.length === 1 ? "" : "s"}
            </>
          }
        >
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Every</th>
              <th scope="col">Due soon within</th>
              <th scope="col">Duration</th>
              <th scope="col">Skill</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {items.map((p) => (
              <tr key={p.id}>
                <th scope="row">{p.name}</th>
                <td>{interval(p, "every")}</td>
                <td>{interval(p, "dueSoon")}</td>
                <td>{formatNumber(p.durationMinutes, "min")}</td>
                <td>{p.skill ?? "—"}</td>
                <td>
                  <button type="button" className="button" onClick={() => void edit(p)}>
                    Edit <span className="visually-hidden">plan {p.name}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      ) : null}
      {editing === null ? (
        <button type="button" className="button primary" onClick={() => setEditing("new")}>
          New plan
        </button>
      ) : (
        <PlanForm
          key={editing === "new" ? "new" : editing.id}
          plan={editing === "new" ? null : editing}
          etag={editing === "new" ? null : editEtag}
          onSaved={done}
          onCancel={() => setEditing(null)}
        />
      )}
    </section>
  );
}

export default function Maintenance() {
  const role = session.get()?.user.role;
  const canEditPlans = role === "admin" || role === "manager";
  // Baselines and accepted readings change due states: reload the due list after either.
  const [reloadKey, setReloadKey] = useState(0);
  const changed = () => setReloadKey((n) => n + 1);
  return (
    <Page title="Maintenance" intro="Which vehicles are due for service, by distance, engine hours or date, and the plans that decide it.">
      <DueList reloadKey={reloadKey} />
      {canEditPlans ? <BaselineForm reloadKey={reloadKey} onSaved={changed} /> : null}
      {canEditPlans ? <MeterFlags onResolved={changed} /> : null}
      {canEditPlans ? <Plans /> : null}
    </Page>
  );
}
