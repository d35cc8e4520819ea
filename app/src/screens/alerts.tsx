/**
 * Alerts: full-text search, filters (severity, status, vehicle, date range) and facet counts, all
 * kept in the URL so a filtered view survives a reload and can be shared; cursor paging with
 * "Load more alerts".
 */
import { type FormEvent, useEffect, useState } from "react";
import type { InferResponseType } from "hono/client";
import { client, describeError, unwrap } from "../api";
import type { Alert, Client } from "../api-types";
import { useActionQueue } from "../action-queue";
import { canExport, DownloadButton, queryString } from "../download-button";
import { Page, Status } from "../page";
import { alertsHome, staffUser } from "../role-paths";
import { Link, navigate, useSearch } from "../router";
import { useAlertActions } from "../use-alert-actions";
import { useApi } from "../use-api";
import { AlertList } from "./live-alerts";

type AlertPage = InferResponseType<Client["api"]["alerts"]["$get"], 200>;
type Facets = AlertPage["facets"];

export const SEVERITIES = ["critical", "high", "medium", "low"] as const;
export const STATUSES = ["open", "acknowledged", "resolved"] as const;
const PAGE_SIZE = "25";
const FILTERS = ["q", "severity", "status", "vehicleId", "from", "to"] as const;
type Filter = (typeof FILTERS)[number];
type Filters = Record<Filter, string>;

const capital = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

function readFilters(search: URLSearchParams): Filters {
  return Object.fromEntries(FILTERS.map((name) => [name, search.get(name) ?? ""])) as Filters;
}

function toSearch(filters: Filters): string {
  const params = new URLSearchParams();
  for (const name of FILTERS) if (filters[name]) params.set(name, filters[name]);
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** Date inputs are local calendar days; the API takes instants (`to` exclusive, so the next midnight). */
function dayStart(day: string, plusDays = 0): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(y, m - 1, d + plusDays).toISOString();
}

function query(filters: Filters, cursor?: string) {
  return {
    limit: PAGE_SIZE,
    cursor,
    q: filters.q.trim() || undefined,
    severity: (SEVERITIES as readonly string[]).includes(filters.severity) ? (filters.severity as Alert["severity"]) : undefined,
    status: (STATUSES as readonly string[]).includes(filters.status) ? (filters.status as Alert["status"]) : undefined,
    vehicleId: filters.vehicleId || undefined,
    from: dayStart(filters.from),
    to: dayStart(filters.to, 1),
  };
}

function FacetCounts({ home, facets, filters }: { home: string; facets: Facets; filters: Filters }) {
  const group = (name: "severity" | "status", values: readonly string[], label: string) => (
    <div className="facet-group">
      <h3 id={`facet-${name}`}>{label}</h3>
      <ul aria-labelledby={`facet-${name}`} className="facet-list">
        {values.map((value) => {
          const count = (facets[name] as Record<string, number>)[value] ?? 0;
          const active = filters[name] === value;
          return (
            <li key={value}>
              <Link
                href={`${home}${toSearch({ ...filters, [name]: active ? "" : value })}`}
                className="facet-link"
                aria-current={active ? "true" : undefined}
              >
                {capital(value)}: {count}
                <span className="visually-hidden">{active ? " (filter on, select to remove)" : " (select to filter)"}</span>
              </Link>
            </li>
          );
        })}
      </ul>
    </div>
  );
  return (
    <section aria-labelledby="facets-title" className="facets">
      <h2 id="facets-title">Matching alerts</h2>
      {group("severity", SEVERITIES, "By severity")}
      {group("status", STATUSES, "By status")}
    </section>
  );
}

/** A select with an "any" choice first, for one filter. */
function FilterSelect({
  id,
  label,
  any,
  value,
  options,
  onChange,
}: {
  id: string;
  label: string;
  any: string;
  value: string;
  options: { value: string; label: string }[];
  onChange: (event: { target: { value: string } }) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={onChange}>
        <option value="">{any}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

const choices = (values: readonly string[]) => values.map((value) => ({ value, label: capital(value) }));

/** `vehicles` is null when there is nothing to choose (a driver's own alerts). */
function FilterForm({ home, filters, vehicles }: { home: string; filters: Filters; vehicles: { id: string; name: string }[] | null }) {
  const [draft, setDraft] = useState(filters);
  useEffect(() => setDraft(filters), [filters]);
  const set = (name: Filter) => (event: { target: { value: string } }) => setDraft((d) => ({ ...d, [name]: event.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    navigate(`${home}${toSearch(draft)}`, { focus: false });
  };
  return (
    <form className="filters" role="search" aria-label="Alerts" onSubmit={submit}>
      <div className="field field-wide">
        <label htmlFor="alert-q">Search alerts</label>
        <p className="hint" id="alert-q-hint">
          Words in the message, the alert type or the vehicle's name.
        </p>
        <input id="alert-q" type="search" value={draft.q} onChange={set("q")} aria-describedby="alert-q-hint" />
      </div>
      <FilterSelect
        id="alert-severity"
        label="Severity"
        any="Any severity"
        value={draft.severity}
        options={choices(SEVERITIES)}
        onChange={set("severity")}
      />
      <FilterSelect
        id="alert-status"
        label="Status"
        any="Any status"
        value={draft.status}
        options={choices(STATUSES)}
        onChange={set("status")}
      />
      {vehicles ? (
        <FilterSelect
          id="alert-vehicle"
          label="Vehicle"
          any="Any vehicle"
          value={draft.vehicleId}
          options={vehicles.map((v) => ({ value: v.id, label: v.name }))}
          onChange={set("vehicleId")}
        />
      ) : null}
      <div className="field">
        <label htmlFor="alert-from">Raised from</label>
        <input id="alert-from" type="date" value={draft.from} onChange={set("from")} />
      </div>
      <div className="field">
        <label htmlFor="alert-to">Raised until</label>
        <input id="alert-to" type="date" value={draft.to} onChange={set("to")} />
      </div>
      <div className="form-actions">
        <button type="submit" className="button primary">
          Apply filters
        </button>
        <Link href={home} className="button">
          Clear filters
        </Link>
      </div>
    </form>
  );
}

/** Vehicles to name alerts by: the whole fleet for staff; for a driver (`mine`) their own vehicle from `/api/me`. */
function useVehicles(mine: boolean) {
  return useApi(`vehicles:${mine ? "mine" : "all"}`, async (): Promise<{ id: string; name: string }[]> => {
    if (!mine) return (await unwrap(client.api.vehicles.$get({ query: { limit: "500" } }))).items;
    const { vehicleId } = await unwrap(client.api.me.$get());
    return vehicleId ? [await unwrap(client.api.vehicles[":id"].$get({ param: { id: vehicleId } }))] : [];
  });
}

/**
 * Staff see the fleet's alerts; a driver (`mine`, at /my-alerts) sees only their vehicle's, as the
 * API scopes them, and may acknowledge but not resolve.
 */
export function Alerts({ mine = false }: { mine?: boolean }) {
  const home = alertsHome();
  const search = useSearch();
  const key = toSearch(readFilters(search));
  const [filters, setFilters] = useState(() => readFilters(search));
  useEffect(() => setFilters(readFilters(new URLSearchParams(key))), [key]);

  const vehicles = useVehicles(mine);
  const first = useApi(`alerts${key}`, () => unwrap(client.api.alerts.$get({ query: query(readFilters(new URLSearchParams(key))) })));
  const [more, setMore] = useState<{ key: string; items: Alert[]; nextCursor: string | null } | null>(null);
  const [changed, setChanged] = useState(new Map<string, Alert>());
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const actions = useAlertActions((alert) => setChanged((m) => new Map(m).set(alert.id, alert)));
  const { queued } = useActionQueue();

  // New data from the server replaces what the screen changed locally.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the effect runs because new data arrived, not to read it.
  useEffect(() => setChanged(new Map()), [first.data]);

  const extra = more?.key === key ? more : null;
  const nextCursor = extra ? extra.nextCursor : (first.data?.nextCursor ?? null);
  const names = new Map((vehicles.data ?? []).map((v) => [v.id, v.name]));
  const pendingIds = new Set(queued.map((a) => a.targetId));
  const items = [...(first.data?.items ?? []), ...(extra?.items ?? [])].map((a) => {
    const alert = changed.get(a.id) ?? a;
    return { alert, vehicleName: names.get(alert.vehicleId) ?? alert.vehicleId, pending: pendingIds.has(alert.id) };
  });

  async function loadMore() {
    if (!nextCursor) return;
    setBusy(true);
    setProblem(null);
    try {
      const page = await unwrap(client.api.alerts.$get({ query: query(filters, nextCursor) }));
      setMore({ key, items: [...(extra?.items ?? []), ...page.items], nextCursor: page.nextCursor });
    } catch (error) {
      setProblem(describeError(error));
    } finally {
      setBusy(false);
    }
  }

  const filtered = FILTERS.some((name) => filters[name]);
  return (
    <Page title={mine ? "My alerts" : "Alerts"}>
      <FilterForm home={home} filters={filters} vehicles={mine ? null : (vehicles.data ?? [])} />
      {first.data ? <FacetCounts home={home} facets={first.data.facets} filters={filters} /> : null}
      {!mine && canExport() ? (
        <DownloadButton
          label="Export CSV"
          path={`/api/reports/alerts.csv${queryString({ ...query(filters), limit: undefined })}`}
          fileName="alerts.csv"
        />
      ) : null}
      <section aria-labelledby="alert-results-title">
        <h2 id="alert-results-title">{filtered ? "Alerts matching your filters" : mine ? "All alerts for your vehicle" : "All alerts"}</h2>
        {first.state === "loading" ? <Status>Loading alerts…</Status> : null}
        {first.state === "error" ? <Status error>{describeError(first.error)}</Status> : null}
        <p className="status" role="status">
          {actions.notice}
        </p>
        {actions.problem ? <Status error>{actions.problem}</Status> : null}
        {problem ? <Status error>{problem}</Status> : null}
        {first.state === "ok" ? (
          <>
            <p className="result-count">
              {items.length} alert{items.length === 1 ? "" : "s"} shown{nextCursor ? ", more available" : ""}.
            </p>
            <AlertList
              items={items}
              empty="No alerts match."
              onAcknowledge={actions.act("ack")}
              onResolve={staffUser() ? actions.act("resolve") : undefined}
              linked
            />
          </>
        ) : null}
        {nextCursor ? (
          <button type="button" className="button" onClick={loadMore} disabled={busy}>
            {busy ? "Loading more alerts…" : "Load more alerts"}
          </button>
        ) : null}
      </section>
    </Page>
  );
}
export default Alerts;
