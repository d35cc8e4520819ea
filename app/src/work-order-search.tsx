/**
 * Find work orders: full-text search with status, priority and vehicle filters over every work
 * order of the tenant (server-side, GET /api/work-orders?q=…), the facet counts next to each
 * choice, and cursor paging ("Load more work orders"), so nothing is out of reach past any limit.
 */
import { type FormEvent, useState } from "react";
import type { InferResponseType } from "hono/client";
import { client, describeError, unwrap } from "./api";
import type { Client } from "./api-types";
import { formatDateTime } from "./format";
import type { WorkOrder } from "./maintenance-types";
import { Status } from "./page";
import { Link } from "./router";
import { ScrollTable } from "./scroll-table";
import { PRIORITY_TEXT, STATUS_ORDER, STATUS_TEXT } from "./work-order-status";

type Page = InferResponseType<Client["api"]["work-orders"]["$get"], 200>;
type Facets = Page["facets"];
const PRIORITIES = ["urgent", "high", "normal", "low"] as const;
const PAGE_SIZE = "25";

interface Filters {
  q: string;
  status: string;
  priority: string;
  vehicleId: string;
}
const EMPTY: Filters = { q: "", status: "", priority: "", vehicleId: "" };

function query(filters: Filters, cursor?: string) {
  return {
    limit: PAGE_SIZE,
    cursor,
    q: filters.q.trim() || undefined,
    status: (filters.status || undefined) as WorkOrder["status"] | undefined,
    priority: (filters.priority || undefined) as WorkOrder["priority"] | undefined,
    vehicleId: filters.vehicleId || undefined,
  };
}

const withCount = (label: string, n: number | undefined) => (n === undefined ? label : `${label} (${n})`);

export function WorkOrderSearch({ vehicles }: { vehicles: { id: string; name: string }[] }) {
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [result, setResult] = useState<{ filters: Filters; items: WorkOrder[]; nextCursor: string | null; facets: Facets } | null>(null);
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  const vehicleName = new Map(vehicles.map((v) => [v.id, v.name]));
  const set = (name: keyof Filters) => (event: { target: { value: string } }) => setDraft((d) => ({ ...d, [name]: event.target.value }));

  async function load(filters: Filters, more: boolean) {
    setState({ busy: true, error: null });
    try {
      const page = await unwrap(
        client.api["work-orders"].$get({ query: query(filters, more ? (result?.nextCursor ?? undefined) : undefined) }),
      );
      setResult((prev) => ({
        filters,
        items: more && prev ? [...prev.items, ...page.items] : page.items,
        nextCursor: page.nextCursor,
        facets: page.facets,
      }));
      setState({ busy: false, error: null });
    } catch (error) {
      setState({ busy: false, error: describeError(error) });
    }
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void load(draft, false);
  };
  const facets = result?.facets;
  // Each facet ignores its own filter, so the status facet sums to every match of the other filters.
  const total =
    result && facets
      ? result.filters.status
        ? (facets.status[result.filters.status as WorkOrder["status"]] ?? 0)
        : Object.values(facets.status).reduce((a, b) => a + b, 0)
      : 0;

  return (
    <section aria-labelledby="wo-search-heading">
      <h2 id="wo-search-heading">Find work orders</h2>
      <form className="filters" role="search" aria-label="Work orders" onSubmit={submit}>
        <div className="field field-wide">
          <label htmlFor="wo-q">Search work orders</label>
          <p className="hint" id="wo-q-hint">
            Words in the title, the notes, the vehicle's name or the plan's name.
          </p>
          <input id="wo-q" type="search" value={draft.q} onChange={set("q")} aria-describedby="wo-q-hint" />
        </div>
        <div className="field">
          <label htmlFor="wo-status">Status</label>
          <select id="wo-status" value={draft.status} onChange={set("status")}>
            <option value="">Any status</option>
            {STATUS_ORDER.map((s) => (
              <option key={s} value={s}>
                {withCount(STATUS_TEXT[s], facets?.status[s])}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="wo-priority">Priority</label>
          <select id="wo-priority" value={draft.priority} onChange={set("priority")}>
            <option value="">Any priority</option>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {withCount(PRIORITY_TEXT[p], facets?.priority[p])}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="wo-vehicle">Vehicle</label>
          <select id="wo-vehicle" value={draft.vehicleId} onChange={set("vehicleId")}>
            <option value="">Any vehicle</option>
            {vehicles.map((v) => (
              <option key={v.id} value={v.id}>
                {withCount(v.name, facets ? (facets.vehicle[v.id] ?? 0) : undefined)}
              </option>
            ))}
          </select>
        </div>
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={state.busy}>
            Search
          </button>
          <button
            type="button"
            className="button"
            onClick={() => {
              setDraft(EMPTY);
              setResult(null);
            }}
          >
            Clear search
          </button>
        </div>
      </form>
      <div aria-live="polite">
        {state.error ? <Status error>{state.error}</Status> : null}
        {result ? (
          <p className="status">
            {total} work order{total === 1 ? "" : "s"} match{total === 1 ? "es" : ""}
            {result.items.length < total ? `; ${result.items.length} shown` : ""}.
          </p>
        ) : null}
      </div>
      {result?.items.length ? (
        <ScrollTable captionId="wo-search-caption" caption="Matching work orders, newest first">
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col">Status</th>
              <th scope="col">Priority</th>
              <th scope="col">Vehicle</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {result.items.map((w) => (
              <tr key={w.id}>
                <th scope="row">
                  <Link href={`/work-orders/${encodeURIComponent(w.id)}`} className="cell-link">
                    {w.title}
                  </Link>
                </th>
                <td>{STATUS_TEXT[w.status]}</td>
                <td>{PRIORITY_TEXT[w.priority]}</td>
                <td>{vehicleName.get(w.vehicleId) ?? w.vehicleId}</td>
                <td>{formatDateTime(w.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      ) : null}
      {result?.nextCursor ? (
        <button type="button" className="button" disabled={state.busy} onClick={() => void load(result.filters, true)}>
          {state.busy ? "Loading more work orders…" : "Load more work orders"}
        </button>
      ) : null}
    </section>
  );
}
