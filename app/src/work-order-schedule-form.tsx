/**
 * Book a work order by hand: technician, bay, start and duration. A 409 from the API is shown
 * in words (its reason names the conflicting booking); 400s mark the fields they name.
 */
import { type FormEvent, useEffect, useRef, useState } from "react";
import { ApiError, client, unwrap } from "./api";
import { Field, type FieldErrors, FormMessage, parseNumber, problemFields } from "./form-field";
import type { Bay, Technician, WorkOrder } from "./maintenance-types";

/** API field path → form field. */
const FIELD_OF: Record<string, string> = {
  technicianId: "technician",
  bayId: "bay",
  scheduledStart: "start",
  scheduledEnd: "duration",
  durationMinutes: "duration",
};

/** `YYYY-MM-DDTHH:MM` in local time, as a datetime-local input wants it. */
export function toLocalInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function nextFullHour(): Date {
  const d = new Date();
  d.setMinutes(0, 0, 0);
  d.setHours(d.getHours() + 1);
  return d;
}

export function ScheduleForm({
  workOrders,
  technicians,
  bays,
  selectedId,
  onSelect,
  onScheduled,
}: {
  workOrders: WorkOrder[];
  technicians: Technician[];
  bays: Bay[];
  selectedId: string;
  onSelect: (id: string) => void;
  onScheduled: (wo: WorkOrder) => void;
}) {
  const selected = workOrders.find((w) => w.id === selectedId);
  const [technicianId, setTechnicianId] = useState("");
  const [bayId, setBayId] = useState("");
  const [start, setStart] = useState(() => toLocalInput(nextFullHour()));
  const [duration, setDuration] = useState("");
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: only a newly chosen work order (by id) resets the duration.
  useEffect(() => {
    if (selected) setDuration(String(selected.durationMinutes));
  }, [selected?.id]);

  const focusField = (name: string) => form.current?.querySelector<HTMLElement>(`#schedule-${name}`)?.focus();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const local: FieldErrors = {};
    if (!selected) local.workOrder = "Choose the work order to book.";
    if (!technicianId) local.technician = "Choose a technician.";
    const startAt = start ? new Date(start) : null;
    if (!startAt || Number.isNaN(startAt.getTime())) local.start = "Enter the start date and time.";
    const minutes = parseNumber(duration);
    if (!minutes || minutes <= 0 || !Number.isInteger(minutes)) local.duration = "Enter the duration in whole minutes, for example 90.";
    setDone(null);
    if (Object.keys(local).length || !selected || !startAt || !minutes) {
      setFieldErrors(local);
      setFormError("Please correct the fields marked below.");
      const first = ["workOrder", "technician", "start", "duration"].find((f) => local[f]);
      if (first) focusField(first);
      return;
    }
    setBusy(true);
    setFieldErrors({});
    setFormError(null);
    try {
      const booked = await unwrap(
        client.api["work-orders"][":id"].$patch({
          param: { id: selected.id },
          json: {
            technicianId,
            bayId: bayId || null,
            scheduledStart: startAt.toISOString(),
            scheduledEnd: new Date(startAt.getTime() + minutes * 60_000).toISOString(),
          },
        }),
      );
      setDone(`“${booked.title}” is booked.`);
      onScheduled(booked);
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        setFormError(
          `This booking was refused because of a conflict: ${error.problem.detail ?? "the time is taken."} Choose another time, technician or bay.`,
        );
      } else {
        const { fields, message } = problemFields(error, (path) => FIELD_OF[path.split(".")[0] ?? ""] ?? null);
        setFieldErrors(fields);
        setFormError(message);
      }
    } finally {
      setBusy(false);
    }
  }

  const bookable = workOrders.filter((w) => w.status === "open" || w.status === "scheduled");
  return (
    <form ref={form} className="panel" onSubmit={submit} noValidate aria-labelledby="schedule-heading">
      <h3 id="schedule-heading">Schedule a work order</h3>
      <FormMessage message={formError} error />
      <p className="status" role="status">
        {done}
      </p>
      <div className="field-row">
        <Field id="schedule-workOrder" label="Work order" error={fieldErrors.workOrder}>
          {(aria) => (
            <select {...aria} value={selectedId} onChange={(e) => onSelect(e.target.value)}>
              <option value="">Choose…</option>
              {bookable.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.title} ({w.status === "open" ? "open" : "scheduled"})
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="schedule-technician" label="Technician" error={fieldErrors.technician}>
          {(aria) => (
            <select {...aria} value={technicianId} onChange={(e) => setTechnicianId(e.target.value)}>
              <option value="">Choose…</option>
              {technicians.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="schedule-bay" label="Bay" error={fieldErrors.bay}>
          {(aria) => (
            <select {...aria} value={bayId} onChange={(e) => setBayId(e.target.value)}>
              <option value="">No bay</option>
              {bays.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="schedule-start" label="Start" hint="Your local time." error={fieldErrors.start}>
          {(aria) => <input {...aria} type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} />}
        </Field>
        <Field id="schedule-duration" label="Duration (minutes)" error={fieldErrors.duration}>
          {(aria) => <input {...aria} inputMode="numeric" value={duration} onChange={(e) => setDuration(e.target.value)} />}
        </Field>
      </div>
      <button type="submit" className="button primary" disabled={busy}>
        {busy ? "Booking…" : "Book"}
      </button>
    </form>
  );
}
