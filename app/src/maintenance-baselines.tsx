/**
 * Onboarding: vehicles that were already past a plan's first due point when the plan applied
 * wait for a baseline (their last service before FleetPulse). One form, a row per vehicle and
 * plan: give the last service's km, engine hours and date, or confirm the vehicle as overdue.
 */
import { type FormEvent, useState } from "react";
import { client, describeError, unwrap } from "./api";
import { FormMessage, parseNumber, problemFields } from "./form-field";
import { formatNumber } from "./format";
import type { BaselineItem, DueItem } from "./maintenance-types";
import { Status } from "./page";
import { ScrollTable } from "./scroll-table";
import { useApi } from "./use-api";

interface Row {
  odometerKm: string;
  engineHours: string;
  date: string;
  confirm: boolean;
}

const EMPTY: Row = { odometerKm: "", engineHours: "", date: "", confirm: false };
const keyOf = (d: Pick<DueItem, "vehicleId" | "planId">) => `${d.vehicleId}:${d.planId}`;

export function BaselineForm({ reloadKey, onSaved }: { reloadKey: number; onSaved: () => void }) {
  const waiting = useApi(`due:baseline-missing:${reloadKey}`, () =>
    unwrap(client.api.maintenance.due.$get({ query: { baselineMissing: "true", limit: "500" } })),
  );
  const [rows, setRows] = useState<Record<string, Row>>({});
  const [message, setMessage] = useState<{ text: string; error?: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const items = waiting.data?.items ?? [];

  const rowOf = (d: DueItem) => rows[keyOf(d)] ?? EMPTY;
  const edit = (d: DueItem, change: Partial<Row>) => setRows((r) => ({ ...r, [keyOf(d)]: { ...(r[keyOf(d)] ?? EMPTY), ...change } }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const baselines: BaselineItem[] = [];
    const confirms: { vehicleId: string; planId: string }[] = [];
    for (const d of items) {
      const row = rowOf(d);
      if (row.confirm) {
        confirms.push({ vehicleId: d.vehicleId, planId: d.planId });
        continue;
      }
      if (!row.odometerKm && !row.engineHours && !row.date) continue;
      const odometerKm = parseNumber(row.odometerKm);
      const engineHours = parseNumber(row.engineHours);
      if (odometerKm === undefined || engineHours === undefined) {
        setMessage({ text: `Enter numbers for ${d.vehicleName} (${d.planName}), for example 115000.`, error: true });
        return;
      }
      baselines.push({
        vehicleId: d.vehicleId,
        planId: d.planId,
        ...(odometerKm !== null ? { odometerKm } : {}),
        ...(engineHours !== null ? { engineHours } : {}),
        ...(row.date ? { performedAt: new Date(`${row.date}T12:00:00`).toISOString() } : {}),
      });
    }
    if (!baselines.length && !confirms.length) {
      setMessage({ text: "Fill in at least one row, or tick “confirm overdue”.", error: true });
      return;
    }
    setBusy(true);
    try {
      if (baselines.length) await unwrap(client.api.maintenance.baselines.$post({ json: { items: baselines } }));
      if (confirms.length) await unwrap(client.api.maintenance.baselines.confirm.$post({ json: { items: confirms } }));
      setMessage({ text: `Saved ${baselines.length} baseline${baselines.length === 1 ? "" : "s"}, confirmed ${confirms.length} overdue.` });
      setRows({});
      onSaved();
    } catch (error) {
      setMessage({ text: problemFields(error, () => null).message, error: true });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="baselines-heading">
      <h2 id="baselines-heading">Last service missing: waiting for a baseline</h2>
      <p>
        These vehicles were already past the plan's first due point when it applied to them. Until you give their last service, or confirm
        them as overdue, they get no reminders and no plan work orders.
      </p>
      {waiting.state === "loading" ? <Status>Loading vehicles waiting for a baseline…</Status> : null}
      {waiting.state === "error" ? <Status error>{describeError(waiting.error)}</Status> : null}
      {waiting.state === "ok" && !items.length ? <p className="empty">No vehicle is waiting for a baseline.</p> : null}
      {items.length ? (
        <form onSubmit={(e) => void submit(e)} noValidate>
          <ScrollTable captionId="baselines-caption" caption={<>Last service before the plan, per vehicle</>}>
            <thead>
              <tr>
                <th scope="col">Vehicle</th>
                <th scope="col">Plan</th>
                <th scope="col">Meters now</th>
                <th scope="col">Last service (km)</th>
                <th scope="col">Last service engine hours</th>
                <th scope="col">Last service date</th>
                <th scope="col">Confirm overdue</th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => {
                const row = rowOf(d);
                const label = `${d.vehicleName}, ${d.planName}`;
                const id = `baseline-${d.vehicleId}-${d.planId}`;
                return (
                  <tr key={keyOf(d)}>
                    <th scope="row">{d.vehicleName}</th>
                    <td>{d.planName}</td>
                    <td>
                      {formatNumber(d.odometerKm, "km")} · {formatNumber(d.engineHours, "h")}
                    </td>
                    <td>
                      <input
                        id={`${id}-km`}
                        inputMode="decimal"
                        aria-label={`Last service (km): ${label}`}
                        value={row.odometerKm}
                        disabled={row.confirm}
                        onChange={(e) => edit(d, { odometerKm: e.target.value })}
                      />
                    </td>
                    <td>
                      <input
                        id={`${id}-hours`}
                        inputMode="decimal"
                        aria-label={`Last service engine hours: ${label}`}
                        value={row.engineHours}
                        disabled={row.confirm}
                        onChange={(e) => edit(d, { engineHours: e.target.value })}
                      />
                    </td>
                    <td>
                      <input
                        id={`${id}-date`}
                        type="date"
                        aria-label={`Last service date: ${label}`}
                        value={row.date}
                        disabled={row.confirm}
                        onChange={(e) => edit(d, { date: e.target.value })}
                      />
                    </td>
                    <td>
                      <input
                        id={`${id}-confirm`}
                        className="baseline-confirm"
                        type="checkbox"
                        aria-label={`Confirm overdue: ${label}`}
                        checked={row.confirm}
                        onChange={(e) => edit(d, { confirm: e.target.checked })}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </ScrollTable>
          <FormMessage message={message?.text ?? null} error={message?.error} />
          <button type="submit" className="button primary" disabled={busy}>
            Save baselines
          </button>
        </form>
      ) : (
        <FormMessage message={message?.text ?? null} error={message?.error} />
      )}
    </section>
  );
}
