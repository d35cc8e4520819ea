/** The `Auto-schedule` button and its result explained: what was booked, and why the rest was not. */
import { useState } from "react";
import { client, describeError, unwrap } from "./api";
import type { AutoScheduleResult, WorkOrder } from "./maintenance-types";
import { bookingText } from "./work-order-status";

const HORIZON_DAYS = 7;

export function AutoSchedule({
  titleOf,
  technicianName,
  onDone,
}: {
  titleOf: (id: string) => string;
  technicianName: (id: string | null) => string | null;
  onDone: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<AutoScheduleResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function run() {
    setBusy(true);
    setError(null);
    setResult(null);
    const from = new Date();
    const to = new Date(from.getTime() + HORIZON_DAYS * 86_400_000);
    try {
      setResult(await unwrap(client.api.maintenance["auto-schedule"].$post({ json: { from: from.toISOString(), to: to.toISOString() } })));
      onDone();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  }

  const line = (wo: WorkOrder) => [wo.title, bookingText(wo), technicianName(wo.technicianId)].filter(Boolean).join(" — ");
  const n = result?.scheduled.length ?? 0;
  const m = result?.unscheduled.length ?? 0;
  return (
    <div className="panel">
      <h3>Auto-schedule</h3>
      <p className="hint" id="auto-hint">
        Books every open work order into the next {HORIZON_DAYS} days on technicians' shifts and free bays, most urgent and most overdue
        first.
      </p>
      <button type="button" className="button primary" onClick={run} disabled={busy} aria-describedby="auto-hint">
        {busy ? "Scheduling…" : "Auto-schedule"}
      </button>
      <div role="status" className="auto-result">
        {error ? <p className="status-error">Error: {error}</p> : null}
        {result ? (
          <>
            <p>
              <strong>
                Scheduled {n} work order{n === 1 ? "" : "s"}; {m} could not be scheduled.
              </strong>
            </p>
            {n ? (
              <ul className="result-list" aria-label="Scheduled">
                {result.scheduled.map((wo) => (
                  <li key={wo.id}>{line(wo)}</li>
                ))}
              </ul>
            ) : null}
            {m ? (
              <>
                <p>Not scheduled, and why:</p>
                <ul className="result-list" aria-label="Not scheduled">
                  {result.unscheduled.map((u) => (
                    <li key={u.workOrderId}>
                      {titleOf(u.workOrderId)}: {u.reason}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </>
        ) : null}
      </div>
    </div>
  );
}
