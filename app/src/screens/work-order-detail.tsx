/** One work order: its facts, status history, status actions and completion with its outcome and cost. */
import { useState } from "react";
import { changeWorkOrderStatus } from "../action-queue";
import { client, describeError, unwrap } from "../api";
import { withEtag } from "../concurrency";
import { formatDateTime, formatNumber } from "../format";
import type { WorkOrderDetail as Detail, WorkOrderStatus } from "../maintenance-types";
import { Page, Status } from "../page";
import { Link } from "../router";
import { useApi } from "../use-api";
import { workOrderIsNewer } from "../live-merge";
import { useLiveWorkOrders } from "../live-work-orders";
import { bookingText, formatCost, nextActions, PRIORITY_TEXT, STATUS_TEXT } from "../work-order-status";
import { CompleteForm } from "../work-order-complete-form";
import { WorkOrderNotesForm } from "../work-order-notes-form";
import "../maintenance.css";

export default function WorkOrderDetail({ id }: { id: string }) {
  const [reloads, setReloads] = useState(0);
  const read = useApi(`work-order:${id}:${reloads}`, () => withEtag(client.api["work-orders"][":id"].$get({ param: { id } }), unwrap));
  const loaded = { ...read, data: read.data?.data };
  const [updated, setUpdated] = useState<Detail | null>(null);
  // The version the page's edits apply to (If-Match); a save answers the next one.
  const [savedEtag, setSavedEtag] = useState<string | null>(null);
  const etag = savedEtag ?? read.data?.etag ?? null;
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  // Someone else's change (schedule, status) arrives on the live stream; only a newer state is taken.
  const live = useLiveWorkOrders<Detail>().get(id);
  const shown = updated ?? loaded.data;
  const wo = live && shown && workOrderIsNewer(live, shown) ? live : shown;
  // From what is shown (not the reload in flight after a save), so the vehicle is not fetched again.
  const vehicleId = wo?.vehicleId ?? "";
  const vehicle = useApi(`vehicle:${vehicleId}`, () =>
    vehicleId ? unwrap(client.api.vehicles[":id"].$get({ param: { id: vehicleId } })) : Promise.resolve(null),
  );

  async function change(to: WorkOrderStatus) {
    if (!wo) return;
    setBusy(true);
    setMessage(null);
    try {
      // Queued on this device when offline, replayed in order when back (see action-queue.ts).
      const result = await changeWorkOrderStatus(wo.id, to, `${STATUS_TEXT[to]}: ${wo.title}`);
      if (result.queued) {
        setMessage({
          text: `You are offline: this will be set to ${STATUS_TEXT[to].toLowerCase()} when you are back online.`,
          error: false,
        });
      } else {
        setUpdated((await result.response.json()) as Detail);
        setSavedEtag(result.response.headers.get("etag"));
        setMessage({ text: `Now ${STATUS_TEXT[to].toLowerCase()}.`, error: false });
      }
    } catch (error) {
      setMessage({ text: describeError(error), error: true });
    } finally {
      setBusy(false);
    }
  }

  const completed = (next: Detail) => {
    setUpdated(next);
    // Read the new version's ETag for later edits.
    setSavedEtag(null);
    setReloads((r) => r + 1);
    setMessage({ text: "Completed.", error: false });
  };

  return (
    <Page title={wo ? wo.title : "Work order"}>
      <p>
        <Link href="/work-orders" className="back-link">
          Back to all work orders
        </Link>
      </p>
      {loaded.state === "loading" ? <Status>Loading the work order…</Status> : null}
      {loaded.state === "error" ? <Status error>{describeError(loaded.error)}</Status> : null}
      <p className={message?.error ? "status status-error" : "status"} role="status">
        {message?.text}
      </p>
      {wo ? (
        <>
          <dl className="facts">
            <div>
              <dt>Status</dt>
              <dd>{STATUS_TEXT[wo.status]}</dd>
            </div>
            <div>
              <dt>Priority</dt>
              <dd>{PRIORITY_TEXT[wo.priority]}</dd>
            </div>
            <div>
              <dt>Vehicle</dt>
              <dd>
                <Link href={`/vehicles/${encodeURIComponent(wo.vehicleId)}`} className="cell-link">
                  {vehicle.data?.name ?? "Open the vehicle"}
                </Link>
              </dd>
            </div>
            <div>
              <dt>Source</dt>
              <dd>{wo.source}</dd>
            </div>
            <div>
              <dt>Due</dt>
              <dd>{formatDateTime(wo.dueDate)}</dd>
            </div>
            <div>
              <dt>Booked</dt>
              <dd>{bookingText(wo) ?? "not booked"}</dd>
            </div>
            <div>
              <dt>Duration</dt>
              <dd>{formatNumber(wo.durationMinutes, "min")}</dd>
            </div>
            <div>
              <dt>Cost</dt>
              <dd>{formatCost(wo.costCents)}</dd>
            </div>
          </dl>
          {wo.notes ? <p>Notes: {wo.notes}</p> : null}
          {nextActions(wo.status).length ? (
            <div className="actions">
              {nextActions(wo.status).map((a) => (
                <button key={a.to} type="button" className="button" disabled={busy} onClick={() => change(a.to)}>
                  {a.label}
                </button>
              ))}
            </div>
          ) : null}
          {wo.status === "in_progress" ? <CompleteForm wo={wo} etag={etag} meters={vehicle.data ?? null} onDone={completed} /> : null}
          <WorkOrderNotesForm
            wo={wo}
            etag={etag}
            onSaved={(next, nextEtag) => {
              setUpdated(next);
              setSavedEtag(nextEtag);
            }}
            onReload={async () => {
              const fresh = await withEtag(client.api["work-orders"][":id"].$get({ param: { id } }), unwrap);
              setUpdated(fresh.data);
              setSavedEtag(fresh.etag);
              return fresh.data;
            }}
          />
          <h2>History</h2>
          <ol className="history">
            {wo.history.map((h, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the history is append-only: position is identity
              <li key={i}>
                {formatDateTime(h.at)}: {h.fromStatus ? `${STATUS_TEXT[h.fromStatus]} → ` : "created as "}
                {STATUS_TEXT[h.toStatus]}
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </Page>
  );
}
