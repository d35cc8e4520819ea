/**
 * Completing a work order: the outcome (`Failure confirmed` / `No fault found`, required for a
 * predictive work order: the predictive model learns from it), the cost, and the meters the
 * service is recorded at (a plan's work order records the vehicle's current odometer and engine
 * hours). Only what the person changed is sent, with the page's ETag (If-Match), so someone
 * else's notes or cost are never overwritten with the copy this form loaded.
 */
import { type FormEvent, useState } from "react";
import { client, unwrap } from "./api";
import { ifMatch, isStale, staleMessage } from "./concurrency";
import { Field, type FieldErrors, FormMessage, parseNumber, problemFields } from "./form-field";
import { formatNumber } from "./format";
import type { WorkOrderDetail as Detail } from "./maintenance-types";

export const OUTCOMES = [
  { value: "failure_confirmed", label: "Failure confirmed" },
  { value: "no_fault_found", label: "No fault found" },
] as const;
type Outcome = (typeof OUTCOMES)[number]["value"];

export interface Meters {
  odometerKm: number | null;
  engineHours: number | null;
}

export function CompleteForm({
  wo,
  etag,
  meters,
  onDone,
}: {
  wo: Detail;
  etag: string | null;
  /** The vehicle's current meters, when known: what a plan's service is recorded at. */
  meters: Meters | null;
  onDone: (wo: Detail) => void;
}) {
  const [outcome, setOutcome] = useState<Outcome | null>(wo.outcome ?? null);
  const [cost, setCost] = useState(wo.costCents === null ? "" : (wo.costCents / 100).toFixed(2));
  const [notes, setNotes] = useState(wo.notes ?? "");
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const outcomeRequired = wo.source === "predictive";

  function refuse(errors: FieldErrors) {
    setFieldErrors(errors);
    setFormError(`Please correct ${Object.keys(errors).length === 1 ? "the field" : "the fields"} marked below.`);
    const first = errors.outcome ? `complete-outcome-${OUTCOMES[0].value}` : "complete-cost";
    requestAnimationFrame(() => document.getElementById(first)?.focus());
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const amount = parseNumber(cost);
    const errors: FieldErrors = {};
    if (outcomeRequired && !outcome) errors.outcome = "Choose Failure confirmed or No fault found.";
    if (amount === undefined || (amount !== null && amount < 0)) errors.cost = "Enter the cost as an amount, for example 149.90.";
    if (Object.keys(errors).length) return refuse(errors);
    setBusy(true);
    setFieldErrors({});
    setFormError(null);
    try {
      const costCents = amount == null ? null : Math.round(amount * 100);
      // Only fields changed here: never someone else's notes or cost overwritten with the loaded copy.
      const changed = {
        ...(costCents !== wo.costCents ? { costCents } : {}),
        ...((notes || null) !== wo.notes ? { notes: notes || null } : {}),
        ...(outcome && outcome !== wo.outcome ? { outcome } : {}),
      };
      onDone(
        await unwrap(
          client.api["work-orders"][":id"].$patch({ param: { id: wo.id }, json: { status: "completed", ...changed } }, ifMatch(etag)),
        ),
      );
    } catch (error) {
      if (isStale(error)) {
        setFormError(staleMessage("work order"));
        return;
      }
      const { fields, message } = problemFields(error, (path) =>
        path === "costCents" ? "cost" : path === "notes" || path === "outcome" ? path : null,
      );
      setFieldErrors(fields);
      setFormError(message);
    } finally {
      setBusy(false);
    }
  }

  const outcomeError = fieldErrors.outcome;
  return (
    <form id="complete" className="panel" onSubmit={submit} noValidate aria-labelledby="complete-heading">
      <h2 id="complete-heading">Complete the work</h2>
      <FormMessage message={formError} error />
      <fieldset
        className="checkbox-group"
        aria-describedby={["complete-outcome-hint", outcomeError ? "complete-outcome-error" : ""].filter(Boolean).join(" ")}
      >
        <legend>Outcome{outcomeRequired ? "" : " (optional)"}</legend>
        <p className="hint" id="complete-outcome-hint">
          {outcomeRequired
            ? `Was the predicted ${wo.component ? `${wo.component} ` : ""}failure real? The predictions learn from your answer.`
            : "What the workshop found."}
        </p>
        {outcomeError ? (
          <p className="field-error" id="complete-outcome-error">
            <strong>Error: </strong>
            {outcomeError}
          </p>
        ) : null}
        {OUTCOMES.map((o) => (
          <label key={o.value} className="checkbox large-choice">
            <input
              type="radio"
              id={`complete-outcome-${o.value}`}
              name="complete-outcome"
              value={o.value}
              checked={outcome === o.value}
              aria-invalid={outcomeError ? true : undefined}
              onChange={() => setOutcome(o.value)}
            />
            {o.label}
          </label>
        ))}
      </fieldset>
      {wo.planId && meters ? (
        <p id="complete-meters">
          The service is recorded at the vehicle's current meters: {formatNumber(meters.odometerKm, "km")},{" "}
          {formatNumber(meters.engineHours, "h")}.
        </p>
      ) : null}
      <Field id="complete-cost" label="Cost (parts and labour)" hint="In your currency, for example 149.90." error={fieldErrors.cost}>
        {(aria) => <input {...aria} inputMode="decimal" value={cost} onChange={(e) => setCost(e.target.value)} />}
      </Field>
      <Field id="complete-notes" label="Notes (optional)" error={fieldErrors.notes}>
        {(aria) => <textarea {...aria} rows={3} value={notes} onChange={(e) => setNotes(e.target.value)} />}
      </Field>
      <button type="submit" className="button primary" disabled={busy}>
        {busy ? "Saving…" : "Mark completed"}
      </button>
    </form>
  );
}
