/**
 * A vehicle's failure risk: the one score (30 days, and 7) with its label in words, what drives
 * it, and the breakdown by component with each one's due date and evidence. Severity is always
 * written out (never colour alone); the tables are ordinary tables with captions and headers.
 */
import type { InferResponseType } from "hono/client";
import type { Client } from "./api-types";
import { formatDateTime, formatNumber } from "./format";

type Risk = InferResponseType<Client["api"]["vehicles"][":id"]["risk"]["$get"], 200>;

const LABEL_WORDS = { low: "Low", elevated: "Elevated", high: "High" } as const;
const COMPONENT_WORDS: Record<string, string> = {
  cooling: "Cooling",
  charging: "Charging and battery",
  brakes: "Brakes",
  tyres: "Tyres",
  engine: "Engine (fault codes)",
};
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const percent = (p: number) => `${Math.round(p * 100)} %`;

/** "High risk: 62 % within 30 days" — the list and the detail screen say it the same way. */
export function riskSummary(risk: Pick<Risk, "score" | "label" | "horizonDays">) {
  if (risk.score === null || risk.label === null) return "Not scored yet";
  return `${LABEL_WORDS[risk.label]} risk: ${percent(risk.score)} within ${risk.horizonDays ?? 30} days`;
}

export function RiskSection({ risk }: { risk: Risk }) {
  if (risk.score === null) return <p>Not scored yet: an estimate appears once the vehicle has sent telemetry.</p>;
  const top = (risk.topFeatures ?? []).slice(0, 5);
  return (
    <>
      <p className="lead-fact">
        {riskSummary(risk)}
        {risk.score7d !== null ? ` (${percent(risk.score7d)} within 7 days)` : ""}
      </p>
      <p>
        Confidence {risk.confidence !== null ? percent(risk.confidence) : "—"}. Estimated {formatDateTime(risk.at)} by{" "}
        {risk.modelVersion ?? "—"}.
      </p>
      {top.length ? (
        <table>
          <caption>What drives this estimate most</caption>
          <thead>
            <tr>
              <th scope="col">Finding</th>
              <th scope="col" className="numeric">
                Contribution
              </th>
            </tr>
          </thead>
          <tbody>
            {top.map((f) => (
              <tr key={f.name}>
                <th scope="row">{f.name}</th>
                <td className="numeric">{formatNumber(f.contribution)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {risk.components.length ? (
        <table>
          <caption>Risk by component</caption>
          <thead>
            <tr>
              <th scope="col">Component</th>
              <th scope="col">Risk within 30 days</th>
              <th scope="col" className="numeric">
                Within 7 days
              </th>
              <th scope="col">Due by</th>
              <th scope="col">Evidence</th>
            </tr>
          </thead>
          <tbody>
            {risk.components.map((c) => (
              <tr key={c.component}>
                <th scope="row">{COMPONENT_WORDS[c.component] ?? c.component}</th>
                <td>
                  {LABEL_WORDS[c.label]}, {percent(c.score)}
                </td>
                <td className="numeric">{percent(c.score7d)}</td>
                <td>{c.dueDate ? dateOnly.format(new Date(c.dueDate)) : "—"}</td>
                <td>{c.evidence.length ? c.evidence.map((e) => e.name).join("; ") : "Nothing unusual"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}
