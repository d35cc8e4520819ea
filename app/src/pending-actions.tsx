/**
 * Under the header: how many actions taken offline wait to be sent, and the ones the server
 * refused on replay (a 409 conflict such as acknowledging an alert someone resolved meanwhile).
 */
import { useActionQueue } from "./action-queue";
import { dismissProblem } from "./action-store";
import { formatClock } from "./format";

export function PendingActions() {
  const { queued, problems } = useActionQueue();
  return (
    <>
      <div className="pending-actions" role="status">
        {queued.length ? (
          <p>
            {queued.length} action{queued.length === 1 ? "" : "s"} taken offline waiting to be sent: {queued.map((a) => a.label).join("; ")}
            .
          </p>
        ) : null}
      </div>
      <div role="alert">
        {problems.length ? (
          <ul className="replay-problems">
            {problems.map((p) => (
              <li key={p.id}>
                <p>
                  <strong>Not applied: </strong>
                  {p.label} (taken offline, sent at {formatClock(p.at)}) —{" "}
                  {p.status === 409 ? "it conflicts with a change made meanwhile: " : ""}
                  {p.detail}
                </p>
                <button type="button" className="button" onClick={() => p.id !== undefined && void dismissProblem(p.id)}>
                  Dismiss
                </button>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </>
  );
}
