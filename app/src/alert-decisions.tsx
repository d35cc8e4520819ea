/**
 * "Who was told": for each person and channel, whether the alert reached them, was held back or
 * was skipped, and why, in words (`GET /api/alerts/{id}/decisions`). A server without that
 * endpoint (404) shows "not available" instead of an error.
 */
import { ApiError, apiFetch, describeError, unwrap } from "./api";
import { formatDateTime } from "./format";
import { ScrollTable } from "./scroll-table";
import { useApi } from "./use-api";

export interface Decision {
  userId: string | null;
  userName: string | null;
  channel: string;
  outcome: "told" | "held" | "skipped" | string;
  reason: string | null;
  detail: Record<string, unknown> | null;
  at: string;
}

const CHANNEL_NAMES: Record<string, string> = {
  push: "Push",
  sms: "SMS",
  voice: "Voice call",
  email: "Email",
  inapp: "In-app",
  webhook: "Webhook",
};

const OUTCOME_WORDS: Record<string, string> = { told: "Told", held: "Held back", skipped: "Not told" };

const text = (value: unknown) => (typeof value === "string" || typeof value === "number" ? String(value) : null);

/** The reason code in words; codes this screen does not know are shown as they are. */
export function reasonWords(reason: string | null, detail: Record<string, unknown> | null): string {
  const d = detail ?? {};
  switch (reason) {
    case null:
    case "":
      return "—";
    case "preference": {
      return "Their notification preferences";
    }
    case "quiet_hours": {
      const until = text(d.until);
      return until ? `Quiet hours, until ${formatDateTime(until)}` : "Quiet hours";
    }
    case "silence": {
      const silence = text(d.silenceId);
      return silence ? `Matched silence ${silence}` : "Matched a silence";
    }
    case "grouping":
      return "Grouped with other alerts of the vehicle";
    case "digest":
      return "Collected into a digest";
    case "snooze":
      return "The alert was snoozed";
    case "cancelled":
      return "Cancelled: the alert was acknowledged, resolved or silenced first";
    case "fallback": {
      const from = text(d.from) ?? text(d.fallbackOf);
      return from ? `Sent on a fallback channel (instead of ${CHANNEL_NAMES[from] ?? from})` : "Sent on a fallback channel";
    }
    case "group_scope":
      return "The vehicle is outside their groups";
    default:
      return reason;
  }
}

async function loadDecisions(alertId: string): Promise<Decision[] | null> {
  try {
    // Not in the typed client: the decisions endpoint may be missing on an older server.
    const page = (await unwrap(apiFetch(`/api/alerts/${encodeURIComponent(alertId)}/decisions`))) as unknown as { items: Decision[] };
    return page.items;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

export function AlertDecisions({ alertId }: { alertId: string }) {
  const decisions = useApi(`decisions:${alertId}`, () => loadDecisions(alertId));
  return (
    <section aria-labelledby="decisions-title">
      <h2 id="decisions-title">Who was told</h2>
      {decisions.state === "loading" ? <p className="status">Loading who was told…</p> : null}
      {decisions.state === "error" ? <p className="status">Who was told could not be loaded: {describeError(decisions.error)}</p> : null}
      {decisions.state === "ok" && decisions.data === null ? <p>Who was told is not available for this alert.</p> : null}
      {decisions.state === "ok" && decisions.data?.length === 0 ? <p>Nobody has been considered for this alert yet.</p> : null}
      {decisions.data?.length ? (
        <ScrollTable captionId="decisions-caption" caption="Notification decisions for this alert">
          <thead>
            <tr>
              <th scope="col">Person</th>
              <th scope="col">Channel</th>
              <th scope="col">Outcome</th>
              <th scope="col">Why</th>
              <th scope="col">When</th>
            </tr>
          </thead>
          <tbody>
            {decisions.data.map((d, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: decisions have no id; the list is replaced whole, never reordered.
              <tr key={`${d.userId}-${d.channel}-${d.at}-${i}`}>
                <td>{d.userName ?? d.userId ?? "—"}</td>
                <td>{CHANNEL_NAMES[d.channel] ?? d.channel}</td>
                <td>{OUTCOME_WORDS[d.outcome] ?? d.outcome}</td>
                <td>{reasonWords(d.reason, d.detail)}</td>
                <td>
                  <time dateTime={d.at}>{formatDateTime(d.at)}</time>
                </td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      ) : null}
    </section>
  );
}
