import { useState } from "react";
import { client, describeError, unwrap } from "../api";
import type { Vehicle, VehicleDetail as VehicleDetailData } from "../api-types";
import { formatDateTime, formatNumber } from "../format";
import { Page, Status } from "../page";
import { Link } from "../router";
import { useApi } from "../use-api";

const PAGE_SIZE = "100";

export function Vehicles() {
  const first = useApi("vehicles", () => unwrap(client.api.vehicles.$get({ query: { limit: PAGE_SIZE } })));
  const [more, setMore] = useState<{ items: Vehicle[]; nextCursor: string | null } | null>(null);
  const [moreError, setMoreError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);

  const items = first.data ? [...first.data.items, ...(more?.items ?? [])] : [];
  const nextCursor = more ? more.nextCursor : (first.data?.nextCursor ?? null);

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
      {first.state === "loading" ? <Status>Loading vehicles…</Status> : null}
      {first.state === "error" ? <Status error>{describeError(first.error)}</Status> : null}
      {first.state === "ok" && items.length === 0 ? <p>No vehicles are registered yet.</p> : null}
      {items.length > 0 ? (
        <div className="table-scroll" role="region" aria-labelledby="vehicles-caption" tabIndex={0}>
          <table>
            <caption id="vehicles-caption">
              {items.length} vehicle{items.length === 1 ? "" : "s"}
              {nextCursor ? " shown so far" : ""}
            </caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">External ID</th>
                <th scope="col">Type</th>
                <th scope="col" className="numeric">
                  Odometer
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((v) => (
                <tr key={v.id}>
                  <th scope="row">
                    <Link href={`/vehicles/${encodeURIComponent(v.id)}`} className="cell-link">
                      {v.name}
                    </Link>
                  </th>
                  <td>{v.externalId}</td>
                  <td>{v.type ?? "—"}</td>
                  <td className="numeric">{formatNumber(v.odometerKm, "km")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
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
export function VehicleFacts({ vehicle }: { vehicle: VehicleDetailData }) {
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
          <p>Reported {formatDateTime(vehicle.latest.ts)}.</p>
          {readings.length ? (
            <dl className="facts">
              {readings.map(([name, value]) => (
                <div key={name}>
                  <dt>{name}</dt>
                  <dd>{formatNumber(value)}</dd>
                </div>
              ))}
            </dl>
          ) : null}
          <p>
            Diagnostic trouble codes: {vehicle.latest.dtc.length ? vehicle.latest.dtc.join(", ") : "none"}.
          </p>
        </>
      ) : (
        <p>No telemetry has arrived from this vehicle yet.</p>
      )}
      <h2>Failure risk</h2>
      {vehicle.risk && vehicle.risk.score !== null ? (
        <p>
          Risk {vehicle.risk.label ?? "unknown"}: {Math.round(vehicle.risk.score * 100)} % within {vehicle.risk.horizon ?? "the model's horizon"}
          {vehicle.risk.at ? `, estimated ${formatDateTime(vehicle.risk.at)}` : ""}.
        </p>
      ) : (
        <p>Not scored yet: an estimate appears once enough telemetry has arrived.</p>
      )}
    </>
  );
}

export function VehicleDetail({ id }: { id: string }) {
  const vehicle = useApi(`vehicle:${id}`, () => unwrap(client.api.vehicles[":id"].$get({ param: { id } })));
  return (
    <Page title={vehicle.data ? vehicle.data.name : "Vehicle"}>
      <p>
        <Link href="/vehicles" className="back-link">
          Back to all vehicles
        </Link>
      </p>
      {vehicle.state === "loading" ? <Status>Loading the vehicle…</Status> : null}
      {vehicle.state === "error" ? <Status error>{describeError(vehicle.error)}</Status> : null}
      {vehicle.data ? <VehicleFacts vehicle={vehicle.data} /> : null}
    </Page>
  );
}
