/** `New work order` on the Work orders screen (admins and managers): a manual work order for a vehicle. */
import { type FormEvent, useRef, useState } from "react";
import { client, unwrap } from "./api";
import { focusFirstError } from "./form-focus";
import { Field, type FieldErrors, FormMessage, problemFields } from "./form-field";
import type { WorkOrder } from "./maintenance-types";
import { PRIORITY_TEXT } from "./work-order-status";

const FIELDS = ["vehicleId", "title", "priority", "dueDate"] as const;
const idOf = (field: string) => `new-wo-${field}`;

/** A local calendar day as the instant its day starts (the API takes ISO date-times). */
const dayStart = (day: string) => {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(y, m - 1, d).toISOString();
};

export function NewWorkOrder({ vehicles, onCreated }: { vehicles: { id: string; name: string }[]; onCreated: (wo: WorkOrder) => void }) {
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState({ vehicleId: "", title: "", priority: "normal", dueDate: "" });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const set = (name: keyof typeof draft) => (event: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [name]: event.target.value }));

  function refuse(fields: FieldErrors, form: string) {
    setErrors(fields);
    setMessage(form);
    focusFirstError(FIELDS, fields, idOf, "new-wo-message");
  }
  const close = () => {
    setOpen(false);
    setErrors({});
    setMessage(null);
    requestAnimationFrame(() => opener.current?.focus());
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: FieldErrors = {};
    if (!draft.vehicleId) found.vehicleId = "Choose a vehicle.";
    if (!draft.title.trim()) found.title = "Enter what needs doing.";
    if (draft.dueDate && !/^\d{4}-\d{2}-\d{2}$/.test(draft.dueDate)) found.dueDate = "Enter a date.";
    if (Object.keys(found).length) return refuse(found, "Please correct the fields marked below.");
    setBusy(true);
    try {
      const json = {
        vehicleId: draft.vehicleId,
        title: draft.title.trim(),
        priority: draft.priority as WorkOrder["priority"],
        ...(draft.dueDate ? { dueDate: dayStart(draft.dueDate) } : {}),
      };
      const created = await unwrap(client.api["work-orders"].$post({ json }));
      setDraft({ vehicleId: "", title: "", priority: "normal", dueDate: "" });
      close();
      onCreated(created as WorkOrder);
    } catch (error) {
      const { fields, message: form } = problemFields(error, (path) => ((FIELDS as readonly string[]).includes(path) ? path : null));
      refuse(fields, form);
    } finally {
      setBusy(false);
    }
  }

  if (!open)
    return (
      <button type="button" className="button primary" ref={opener} onClick={() => setOpen(true)}>
        New work order
      </button>
    );
  return (
    <form className="panel" onSubmit={submit} noValidate aria-labelledby="new-wo-heading">
      <h2 id="new-wo-heading">New work order</h2>
      <div id="new-wo-message" tabIndex={-1}>
        <FormMessage message={message} error />
      </div>
      <Field id={idOf("vehicleId")} label="Vehicle" error={errors.vehicleId}>
        {(aria) => (
          <select {...aria} value={draft.vehicleId} onChange={set("vehicleId")}>
            <option value="">Choose a vehicle</option>
            {vehicles.map((v) => (
              <option key={v.id} value={v.id}>
                {v.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id={idOf("title")} label="Title" hint="What needs doing, e.g. Replace brake pads." error={errors.title}>
        {(aria) => <input {...aria} autoComplete="off" value={draft.title} onChange={set("title")} />}
      </Field>
      <Field id={idOf("priority")} label="Priority" error={errors.priority}>
        {(aria) => (
          <select {...aria} value={draft.priority} onChange={set("priority")}>
            {Object.entries(PRIORITY_TEXT).map(([value, text]) => (
              <option key={value} value={value}>
                {text}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id={idOf("dueDate")} label="Due date" hint="Optional." error={errors.dueDate}>
        {(aria) => <input {...aria} type="date" value={draft.dueDate} onChange={set("dueDate")} />}
      </Field>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? "Saving…" : "Create work order"}
        </button>
        <button type="button" className="button" onClick={close}>
          Cancel
        </button>
      </div>
    </form>
  );
}
