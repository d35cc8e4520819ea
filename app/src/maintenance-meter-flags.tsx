/**
 * Flagged meter readings (a reading that went backwards or rose faster than a vehicle can): not
 * applied to maintenance until a manager accepts one; voiding discards it.
 */
import { useState } from "react";
import { client, describeError, unwrap } from "./api";
import { FormMessage } from "./form-field";
import { formatDateTime, formatNumber } from "./format";
import type { MeterFlag } from "./maintenance-types";
import { Status } from "./page";
import { ScrollTable } from "./scroll-table";
import { useApi } from "./use-api";

const METER_UNITS = { odometerKm: "km", engineHours: "h" } as const;
const METER_NAMES = { odometerKm: "Odometer", engineHours: "Engine hours" } as const;
const REASONS = { backwards: "lower than the accepted reading", too_fast: "rose faster than plausible" } as const;

export function MeterFlags({ onResolved }: { onResolved: () => void }) {
  const [reload, setReload] = useState(0);
  const fleet = useApi("vehicles:names", () => unwrap(client.api.vehicles.$get({ query: { limit: "500" } })));
  const vehicleNames = new Map((fleet.data?.items ?? []).map((v) => [v.id, v.name]));
  const flags = useApi(`meter-flags:${reload}`, () =>
    unwrap(client.api.maintenance["meter-flags"].$get({ query: { status: "pending", limit: "500" } })),
  );
  const [message, setMessage] = useState<{ text: string; error?: boolean } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const items = flags.data?.items ?? [];

  async function resolve(flag: MeterFlag, action: "accept" | "void") {
    setBusy(flag.id);
    try {
      const route = client.api.maintenance["meter-flags"][":id"];
      await unwrap(action === "accept" ? route.accept.$post({ param: { id: flag.id } }) : route.void.$post({ param: { id: flag.id } }));
      const name = vehicleNames.get(flag.vehicleId) ?? "the vehicle";
      setMessage({ text: `${METER_NAMES[flag.meter]} reading of ${name} ${action === "accept" ? "accepted" : "voided"}.` });
      setReload((n) => n + 1);
      onResolved();
    } catch (error) {
      setMessage({ text: describeError(error), error: true });
    } finally {
      setBusy(null);
    }
  }

  return (
    <section aria-labelledby="meter-flags-heading">
      <h2 id="meter-flags-heading">Flagged meter readings</h2>
      <p>Readings that went backwards or rose faster than 3,000 km or 24 engine hours a day are not counted until you accept them.</p>
      <FormMessage message={message?.text ?? null} error={message?.error} />
      {flags.state === "loading" ? <Status>Loading flagged readings…</Status> : null}
      {flags.state === "error" ? <Status error>{describeError(flags.error)}</Status> : null}
      {flags.state === "ok" && !items.length ? <p className="empty">No flagged readings.</p> : null}
      {items.length ? (
        <ScrollTable
          captionId="meter-flags-caption"
          caption={
            <>
              {items.length} flagged reading{items.length === 1 ? "" : "s"}
            </>
          }
        >
          <thead>
            <tr>
              <th scope="col">Vehicle</th>
              <th scope="col">Meter</th>
              <th scope="col">Reading</th>
              <th scope="col">Accepted before</th>
              <th scope="col">Why</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {items.map((f) => {
              const name = vehicleNames.get(f.vehicleId) ?? f.vehicleId;
              return (
                <tr key={f.id}>
                  <th scope="row">{name}</th>
                  <td>{METER_NAMES[f.meter]}</td>
                  <td>
                    {formatNumber(f.value, METER_UNITS[f.meter])} at {formatDateTime(f.at)}
                  </td>
                  <td>
                    {formatNumber(f.previousValue, METER_UNITS[f.meter])} at {formatDateTime(f.previousAt)}
                  </td>
                  <td>{REASONS[f.reason]}</td>
                  <td>
                    <button type="button" className="button" disabled={busy === f.id} onClick={() => void resolve(f, "accept")}>
                      Accept <span className="visually-hidden">{name}'s reading</span>
                    </button>{" "}
                    <button type="button" className="button" disabled={busy === f.id} onClick={() => void resolve(f, "void")}>
                      Void <span className="visually-hidden">{name}'s reading</span>
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </ScrollTable>
      ) : null}
    </section>
  );
}
