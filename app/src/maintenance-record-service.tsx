/**
 * Record service (admins and managers, on a vehicle): a service done for one of the vehicle's
 * plans — its date and meters — through POST /api/maintenance/service-records, so the plan's next
 * due point counts from it. Meters left empty take the vehicle's current readings (the API's
 * default). Errors next to each field, focus on the first.
 */
import { type FormEvent, useRef, useState } from "react";
import { client, unwrap } from "./api";
import { Field, type FieldErrors, FormMessage, parseNumber, problemFields } from "./form-field";
import { focusFirstError } from "./form-focus";

const FIELDS = ["plan", "date", "odometer", "engineHours"] as const;
const idOf = (field: string) => `service-${field}`;
const FIELD_OF: Record<string, string> = { planId: "plan", performedAt: "date", odometerKm: "odometer", engineHours: "engineHours" };

/** Today as `YYYY-MM-DD` in local time, as a date input wants it. */
function today(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Today's service is "now"; an earlier day's is that day's local noon (the API refuses the future). */
const performedAt = (date: string) => (date === today() ? new Date() : new Date(`${date}T12:00:00`));

export function RecordService({
  vehicleId,
  plans,
  onRecorded,
}: {
  vehicleId: string;
  plans: { id: string; name: string }[];
  onRecorded: (planName: string) => void;
}) {
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState({
    plan: plans.length === 1 ? (plans[0]?.id ?? "") : "",
    date: today(),
    odometer: "",
    engineHours: "",
  });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const set = (name: keyof typeof draft) => (event: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [name]: event.target.value }));

  function refuse(fields: FieldErrors, form: string) {
    setErrors(fields);
    setMessage(form);
    focusFirstError(FIELDS, fields, idOf, "service-form-message");
  }
  function close() {
    setOpen(false);
    requestAnimationFrame(() => opener.current?.focus());
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const found: FieldErrors = {};
    if (!draft.plan) found.plan = "Choose the plan the service was for.";
    if (!/^\d{4}-\d{2}-\d{2}$/.test(draft.date)) found.date = "Enter the date of the service.";
    else if (draft.date > today()) found.date = "The date cannot be in the future.";
    const odometerKm = parseNumber(draft.odometer);
    if (odometerKm === undefined || (odometerKm !== null && odometerKm < 0))
      found.odometer = "Enter kilometres (0 or more), or leave it empty.";
    const engineHours = parseNumber(draft.engineHours);
    if (engineHours === undefined || (engineHours !== null && engineHours < 0))
      found.engineHours = "Enter hours (0 or more), or leave it empty.";
    const count = Object.keys(found).length;
    if (count) return refuse(found, `Please correct ${count} field${count === 1 ? "" : "s"} marked below.`);
    setBusy(true);
    try {
      await unwrap(
        client.api.maintenance["service-records"].$post({
          json: {
            vehicleId,
            planId: draft.plan,
            performedAt: performedAt(draft.date).toISOString(),
            // Empty: the vehicle's current reading, as the API defaults it.
            ...(odometerKm != null ? { odometerKm } : {}),
            ...(engineHours != null ? { engineHours } : {}),
          },
        }),
      );
      setErrors({});
      setMessage(null);
      onRecorded(plans.find((p) => p.id === draft.plan)?.name ?? "the plan");
      close();
    } catch (error) {
      const { fields, message: form } = problemFields(error, (path) => FIELD_OF[path] ?? null);
      refuse(fields, form);
    } finally {
      setBusy(false);
    }
  }

  if (!open)
    return (
      <button type="button" className="button" ref={opener} onClick={() => setOpen(true)}>
        Record service
      </button>
    );
  return (
    <form className="panel" onSubmit={submit} noValidate aria-labelledby="service-form-heading">
      <h3 id="service-form-heading">Record a completed service</h3>
      <div id="service-form-message" tabIndex={-1}>
        <FormMessage message={message} error />
      </div>
      <Field id={idOf("plan")} label="Plan" error={errors.plan}>
        {(aria) => (
          <select {...aria} value={draft.plan} onChange={set("plan")}>
            <option value="">Choose…</option>
            {plans.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id={idOf("date")} label="Date" error={errors.date}>
        {(aria) => <input {...aria} type="date" max={today()} value={draft.date} onChange={set("date")} />}
      </Field>
      <Field
        id={idOf("odometer")}
        label="Odometer (km)"
        hint="At the service. Empty: the vehicle's current reading."
        error={errors.odometer}
      >
        {(aria) => <input {...aria} inputMode="decimal" value={draft.odometer} onChange={set("odometer")} />}
      </Field>
      <Field
        id={idOf("engineHours")}
        label="Engine hours"
        hint="At the service. Empty: the vehicle's current reading."
        error={errors.engineHours}
      >
        {(aria) => <input {...aria} inputMode="decimal" value={draft.engineHours} onChange={set("engineHours")} />}
      </Field>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? "Saving…" : "Save service"}
        </button>
        <button type="button" className="button" onClick={close}>
          Cancel
        </button>
      </div>
    </form>
  );
}
