import { useEffect, useRef, useState } from "react";
import { client, describeError, unwrap } from "../api";
import { withEtag } from "../concurrency";
import type { Vehicle, VehicleDetail as VehicleDetailData } from "../api-types";
import { formatDateTime, formatNumber } from "../format";
import { Page, Status } from "../page";
import { Link } from "../router";
import { ScrollTable } from "../scroll-table";
import { useApi } from "../use-api";
import { session } from "../session";
import { VehicleForm } from "../vehicle-form";
import { VehicleImport } from "../vehicle-import";
import "../setup.css";

const PAGE_SIZE = "100";

/** Open alerts per vehicle, worst severity first, for the list's status column. */
function useOpenAlertCounts() {
  const open = useApi("alerts:open", () => unwrap(client.api.alerts.$get({ query: { status: "open", limit: "500" } })));
  const counts = new Map<string, { total: number; critical: number }>();
  for (const a of open.data?.items ?? []) {
    const c = counts.get(a.vehicleId) ?? { total: 0, critical: 0 };
    c.total++;
    if (a.severity === "critical") c.critical++;
    counts.set(a.vehicleId, c);
  }
  return { counts, ready: open.state === "ok" };
}

/** Each listed vehicle's risk label, a few requests at a time (there is no bulk risk endpoint). */
function useRiskLabels(ids: string[]) {
  const [labels, setLabels] = useState(new Map<string, string>());
  const key = ids.join(",");
  useEffect(() => {
    let live = true;
    const queue = key ? key.split(",") : [];
    const worker = async () => {
      for (let id = queue.shift(); id && live; id = queue.shift()) {
        const current = id;
        try {
          const risk = await unwrap(client.api.vehicles[":id"].risk.$get({ param: { id: current } }));
          const text = risk.score === null ? "not scored" : `${risk.label ?? "unknown"} (${Math.round(risk.score * 100)} %)`;
          if (live) setLabels((m) => new Map(m).set(current, text));
        } catch {
          if (live) setLabels((m) => new Map(m).set(current, "unavailable"));
        }
      }
    };
    void Promise.all([worker(), worker(), worker(), worker()]);
    return () => {
      live = false;
    };
  }, [key]);
  return labels;
}

export function Vehicles() {
  const first = useApi("vehicles", () => unwrap(client.api.vehicles.$get({ query: { limit: PAGE_SIZE } })));
  const [more, setMore] = useState<{ items: Vehicle[]; nextCursor: string | null } | null>(null);
  const [moreError, setMoreError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  // Set-up (admins and managers): vehicles saved or imported here, shown before the next reload.
  const role = session.get()?.user.role;
  const canEdit = role === "admin" || role === "manager";
  const [saved, setSaved] = useState(new Map<string, Vehicle>());
  const [editing, setEditing] = useState<{ vehicle: Vehicle | null; etag: string | null } | null>(null);
  const [notice, setNotice] = useState<{ text: string; error: boolean } | null>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  const keep = (list: Vehicle[]) =>
    setSaved((m) => {
      const next = new Map(m);
      for (const v of list) next.set(v.id, v);
      return next;
    });

  const loaded = first.data ? [...first.data.items, ...(more?.items ?? [])] : [];
  const added = [...saved.values()].filter((v) => !loaded.some((l) => l.id === v.id));
  const items = [...loaded.map((v) => saved.get(v.id) ?? v), ...added];

  /** Edit reads the vehicle afresh with its ETag, so the save cannot overwrite a newer change unseen. */
  async function edit(vehicle: Vehicle) {
    setNotice(null);
    try {
      const { data, etag } = await withEtag(client.api.vehicles[":id"].$get({ param: { id: vehicle.id } }), unwrap);
      setEditing({ vehicle: data, etag });
      requestAnimationFrame(() => document.getElementById("vehicle-name")?.focus());
    } catch (error) {
      setNotice({ text: `Could not open “${vehicle.name}”: ${describeError(error)}`, error: true });
    }
  }
  const close = (focusId?: string) => {
    setEditing(null);
    requestAnimationFrame(() => (focusId ? document.getElementById(focusId) : addButton.current)?.focus());
  };
  const nextCursor = more ? more.nextCursor : (first.data?.nextCursor ?? null);
  const status = useOpenAlertCounts();
  const risks = useRiskLabels(items.map((v) => v.id));
  const statusText = (id: string) => {
    if (!status.ready) return "…";
    const c = status.counts.get(id);
    if (!c) return "No open alerts";
    return `${c.total} open alert${c.total === 1 ? "" : "s"}${c.critical ? `, ${c.critical} critical` : ""}`;
  };

  async function loadMore() {
    if (!nextCursor) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await unwrap(client.api.vehicles.$get({ query: { limit: PAGE_SIZE, cursor: nextCursor } }));
      setMore((prev) => ({ items: [...(prev?.items ?? []), ...page.items], nextCursor: page.nextCursor }));
    } catch (error) {
      setMoreError(describeError(error));
    } finally {
      setLoadingMore(false);
    }
  }

  return (
    <Page title="Vehicles">
      <p className={notice?.error ? "status status-error" : "status"} role="status">
        {notice?.text}
      </p>
      {canEdit && editing === null ? (
        <div className="actions">
          <button
            type="button"
            className="button primary"
            ref={addButton}
            onClick={() => {
              setEditing({ vehicle: null, etag: null });
              requestAnimationFrame(() => document.getElementById("vehicle-name")?.focus());
            }}
          >
            Add vehicle
          </button>
        </div>
      ) : null}
      {editing ? (
        <VehicleForm
          key={editing.vehicle?.id ?? "new"}
          vehicle={editing.vehicle}
          etag={editing.etag}
          onSaved={(vehicle) => {
            keep([vehicle]);
            setNotice({ text: `Vehicle “${vehicle.name}” saved.`, error: false });
            close(`edit-${vehicle.id}`);
          }}
          onCancel={() => close(editing.vehicle ? `edit-${editing.vehicle.id}` : undefined)}
        />
      ) : null}
      {canEdit && editing === null ? (
        <VehicleImport
          onImported={(list) => {
            keep(list);
          }}
        />
      ) : null}
      {first.state === "loading" ? <Status>Loading vehicles…</Status> : null}
      {first.state === "error" ? <Status error>{describeError(first.error)}</Status> : null}
      {first.state === "ok" && items.length === 0 ? <p>No vehicles are registered yet.</p> : null}
      {items.length > 0 ? (
        <ScrollTable
          captionId="vehicles-caption"
          caption={
            <>
              {items.length} vehicle{items.length === 1 ? "" : "s"}
              {nextCursor ? " shown so far" : ""}
            </>
          }
        >
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">External ID</th>
              <th scope="col">Type</th>
              <th scope="col" className="numeric">
                Odometer
              </th>
              <th scope="col">Status</th>
              <th scope="col">Risk</th>
              {canEdit ? (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {items.map((v) => (
              <tr key={v.id}>
                <th scope="row" id={`name-${v.id}`}>
                  <Link href={`/vehicles/${encodeURIComponent(v.id)}`} className="cell-link">
                    {v.name}
                  </Link>
                </th>
                <td>{v.externalId}</td>
                <td>{v.type ?? "—"}</td>
                <td className="numeric">{formatNumber(v.odometerKm, "km")}</td>
                <td>{statusText(v.id)}</td>
                <td>{risks.get(v.id) ?? "…"}</td>
                {canEdit ? (
                  <td>
                    <button
                      type="button"
                      className="button"
                      id={`edit-${v.id}`}
                      aria-describedby={`name-${v.id}`}
                      onClick={() => void edit(v)}
                    >
                      Edit
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      ) : null}
      {nextCursor ? (
        <button type="button" className="button" onClick={loadMore} disabled={loadingMore}>
          {loadingMore ? "Loading more vehicles…" : "Load more vehicles"}
        </button>
      ) : null}
      {moreError ? <Status error>{moreError}</Status> : null}
    </Page>
  );
}

/** The facts of one vehicle, shared by the staff detail screen and the driver's own vehicle. */
export function VehicleFacts({ vehicle, showRisk = true }: { vehicle: VehicleDetailData; showRisk?: boolean }) {
  const readings = vehicle.latest ? Object.entries(vehicle.latest.readings) : [];
  return (
    <>
      <h2>Details</h2>
      <dl className="facts">
        <div>
          <dt>External ID</dt>
          <dd>{vehicle.externalId}</dd>
        </div>
        <div>
          <dt>Type</dt>
          <dd>{vehicle.type ?? "—"}</dd>
        </div>
        <div>
          <dt>VIN</dt>
          <dd>{vehicle.vin ?? "—"}</dd>
        </div>
        <div>
          <dt>Odometer</dt>
          <dd>{formatNumber(vehicle.odometerKm, "km")}</dd>
        </div>
        <div>
          <dt>Engine hours</dt>
          <dd>{formatNumber(vehicle.engineHours, "h")}</dd>
        </div>
      </dl>
      <h2>Latest telemetry</h2>
      {vehicle.latest ? (
        <>
          <p>Last reported {formatDateTime(vehicle.latest.ts)}; each reading is its newest value.</p>
          {readings.length ? (
            <dl className="facts">
              {readings.map(([name, value]) => {
                // Readings are merged across events: one reported earlier than the newest event says when.
                const at = vehicle.latest?.readingTs[name];
                return (
                  <div key={name}>
                    <dt>{name}</dt>
                    <dd>
                      {formatNumber(value)}
                      {at && at !== vehicle.latest?.ts ? <span className="reading-time"> (as of {formatDateTime(at)})</span> : null}
                    </dd>
                  </div>
                );
              })}
            </dl>
          ) : null}
          <p>Diagnostic trouble codes: {vehicle.latest.dtc.length ? vehicle.latest.dtc.join(", ") : "none"}.</p>
        </>
      ) : (
        <p>No telemetry has arrived from this vehicle yet.</p>
      )}
      {!showRisk ? null : <h2>Failure risk</h2>}
      {!showRisk ? null : vehicle.risk && vehicle.risk.score !== null ? (
        <p>
          Risk {vehicle.risk.label ?? "unknown"}: {Math.round(vehicle.risk.score * 100)} % within{" "}
          {vehicle.risk.horizon ?? "the model's horizon"}
          {vehicle.risk.at ? `, estimated ${formatDateTime(vehicle.risk.at)}` : ""}.
        </p>
      ) : (
        <p>Not scored yet: an estimate appears once enough telemetry has arrived.</p>
      )}
    </>
  );
}
