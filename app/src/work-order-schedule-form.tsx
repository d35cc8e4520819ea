/**
 * Book a work order by hand: technician, bay, duration and a start chosen from the bookable
 * starts of the next 7 days (GET /api/maintenance/availability, judged by the API's own booking
 * rules), so the form never offers a time the API refuses. A 409 can then only come from a
 * booking made meanwhile; it is shown in words (its reason names the conflicting booking) and the
 * starts are asked for again. 400s mark the fields they name.
 */
import { type FormEvent, useEffect, useRef, useState } from "react";
import { ApiError, client, describeError, unwrap } from "./api";
import { bookableStarts, loadAvailability } from "./availability";
import { Field, type FieldErrors, FormMessage, parseNumber, problemFields } from "./form-field";
import type { Bay, Technician, WorkOrder } from "./maintenance-types";

const HORIZON_DAYS = 7;
const dayGroup = new Intl.DateTimeFormat(undefined, { weekday: "long", day: "numeric", month: "long" });
const startLabel = new Intl.DateTimeFormat(undefined, {
  weekday: "short",
  day: "numeric",
  month: "short",
  hour: "2-digit",
  minute: "2-digit",
});
const endLabel = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

/** Starts grouped by local day, for one optgroup each. */
function byDay(starts: Date[]): { day: string; starts: Date[] }[] {
  const groups: { day: string; starts: Date[] }[] = [];
  for (const s of starts) {
    const day = dayGroup.format(s);
    const last = groups.at(-1);
    if (last?.day === day) last.starts.push(s);
    else groups.push({ day, starts: [s] });
  }
  return groups;
}

type Starts = { state: "idle" } | { state: "loading" } | { state: "ok"; starts: Date[] } | { state: "error"; message: string };

/** API field path → form field. */
const FIELD_OF: Record<string, string> = {
  technicianId: "technician",
  bayId: "bay",
  scheduledStart: "start",
  scheduledEnd: "duration",
  durationMinutes: "duration",
};

/** What the Start list holds, said next to it. */
function startHint(starts: Starts): string {
  if (starts.state === "idle") return "Choose the work order, technician and duration first; only times that can be booked are listed.";
  if (starts.state === "loading") return "Finding bookable times…";
  if (starts.state === "error") return `Could not load the bookable times: ${starts.message}`;
  if (!starts.starts.length) return `No bookable time in the next ${HORIZON_DAYS} days; try another technician, bay or duration.`;
  return `Only times that can be booked, in the next ${HORIZON_DAYS} days, your local time.`;
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
  const [start, setStart] = useState("");
  const [duration, setDuration] = useState("");
  const [starts, setStarts] = useState<Starts>({ state: "idle" });
  const [asked, setAsked] = useState(0);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: only a newly chosen work order (by id) resets the duration.
  useEffect(() => {
    if (selected) setDuration(String(selected.durationMinutes));
  }, [selected?.id]);

  // The bookable starts for this work order, technician, bay and duration; a stale answer is dropped.
  const minutesWanted = parseNumber(duration);
  const validMinutes =
    minutesWanted && Number.isInteger(minutesWanted) && minutesWanted > 0 && minutesWanted <= 24 * 60 ? minutesWanted : null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `asked` asks again after a refused booking.
  useEffect(() => {
    if (!selected || !technicianId || !validMinutes) {
      setStarts({ state: "idle" });
      return;
    }
    let current = true;
    setStarts({ state: "loading" });
    const from = new Date();
    loadAvailability({
      from,
      to: new Date(from.getTime() + HORIZON_DAYS * 86_400_000),
      durationMinutes: validMinutes,
      workOrderId: selected.id,
      technicianId,
      bayId: bayId || undefined,
    }).then(
      (answer) => {
        if (!current) return;
        const list = bookableStarts(answer);
        setStarts({ state: "ok", starts: list });
        setStart((chosen) => (list.some((d) => d.toISOString() === chosen) ? chosen : ""));
      },
      (error: unknown) => current && setStarts({ state: "error", message: describeError(error) }),
    );
    return () => {
      current = false;
    };
  }, [selected?.id, technicianId, bayId, validMinutes, asked]);

  const focusField = (name: string) => form.current?.querySelector<HTMLElement>(`#schedule-${name}`)?.focus();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const local: FieldErrors = {};
    if (!selected) local.workOrder = "Choose the work order to book.";
    if (!technicianId) local.technician = "Choose a technician.";
    const minutes = parseNumber(duration);
    if (!minutes || minutes <= 0 || !Number.isInteger(minutes)) local.duration = "Enter the duration in whole minutes, for example 90.";
    const startAt = start ? new Date(start) : null;
    if (!startAt || Number.isNaN(startAt.getTime())) local.start = "Choose one of the bookable start times.";
    setDone(null);
    if (Object.keys(local).length || !selected || !startAt || !minutes) {
      setFieldErrors(local);
      setFormError("Please correct the fields marked below.");
      const first = ["workOrder", "technician", "duration", "start"].find((f) => local[f]);
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
      setStart("");
      onScheduled(booked);
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        setFormError(
          `This booking was refused because of a conflict: ${error.problem.detail ?? "the time is taken."} Someone booked it meanwhile; the bookable times were updated. Choose another time, technician or bay.`,
        );
        setAsked((n) => n + 1);
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
        <Field id="schedule-duration" label="Duration (minutes)" error={fieldErrors.duration}>
          {(aria) => <input {...aria} inputMode="numeric" value={duration} onChange={(e) => setDuration(e.target.value)} />}
        </Field>
        <Field id="schedule-start" label="Start" hint={startHint(starts)} error={fieldErrors.start}>
          {(aria) => (
            <select {...aria} value={start} onChange={(e) => setStart(e.target.value)}>
              <option value="">{starts.state === "ok" && !starts.starts.length ? "No bookable time" : "Choose…"}</option>
              {starts.state === "ok"
                ? byDay(starts.starts).map((group) => (
                    <optgroup key={group.day} label={group.day}>
                      {group.starts.map((d) => (
                        <option key={d.getTime()} value={d.toISOString()}>
                          {startLabel.format(d)}–{endLabel.format(new Date(d.getTime() + (validMinutes ?? 0) * 60_000))}
                        </option>
                      ))}
                    </optgroup>
                  ))
                : null}
            </select>
          )}
        </Field>
      </div>
      <button type="submit" className="button primary" disabled={busy}>
        {busy ? "Booking…" : "Book"}
      </button>
    </form>
  );
}
