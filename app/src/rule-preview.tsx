/**
 * Preview in the rule form: how many alerts the draft rule would have raised on the last 7 days
 * of stored telemetry, in total and per vehicle (POST /api/rules/preview), before it is saved.
 */
import type { InferResponseType } from "hono/client";
import type { Client } from "./api-types";
import { formatDateTime } from "./format";

export type PreviewResult = InferResponseType<Client["api"]["rules"]["preview"]["$post"], 200>;

export function RulePreviewResult({ result }: { result: PreviewResult }) {
  const shown = result.vehicles.slice(0, 20);
  return (
    <section className="rule-preview" aria-labelledby="rule-preview-heading">
      <h3 id="rule-preview-heading">Preview: last 7 days</h3>
      <p>
        This rule would have raised <strong>{result.alerts}</strong> alert{result.alerts === 1 ? "" : "s"}
        {result.vehicles.length ? ` on ${result.vehicles.length} vehicle${result.vehicles.length === 1 ? "" : "s"}` : ""} between{" "}
        {formatDateTime(result.from)} and {formatDateTime(result.to)}
        {result.episodes > result.alerts
          ? ` (${result.episodes - result.alerts} more episodes would have reopened an alert within its cooldown)`
          : ""}
        .
      </p>
      {shown.length ? (
        <ul>
          {shown.map((v) => (
            <li key={v.vehicleId}>
              {v.vehicleName}: {v.alerts} alert{v.alerts === 1 ? "" : "s"}
            </li>
          ))}
          {result.vehicles.length > shown.length ? <li>and {result.vehicles.length - shown.length} more vehicles</li> : null}
        </ul>
      ) : null}
    </section>
  );
}
