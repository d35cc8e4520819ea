/**
 * The shop under Settings (admins and managers): technicians with skills, time zone and weekly
 * shifts (`Add technician`), and bays (`Add bay`). Errors next to each field, focus on the first.
 */
import { type FormEvent, useState } from "react";
import { client, describeError, unwrap } from "./api";
import { browserTimeZone, timeZones } from "./analytics-format";
import { focusFirstError } from "./form-focus";
import { Field, type FieldErrors, FormMessage, parseNumber, problemFields } from "./form-field";
import type { Bay, Technician } from "./maintenance-types";
import { Status } from "./page";
import { useApi } from "./use-api";
import "./setup.css";

const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const TECH_FIELDS = ["name", "skills", "timeZone", "days", "start", "end"] as const;
const techId = (field: string) => (field === "days" ? "tech-day-1" : `tech-${field}`);

const shiftText = (t: Technician) => {
  if (!t.shifts.length) return "no shifts";
  const days = t.shifts.map((s) => WEEKDAYS[s.weekday - 1]?.slice(0, 3)).join(", ");
  const first = t.shifts[0];
  return `${days}, ${first?.start}–${first?.end}`;
};

/** `shifts.1.start` → start; `skills.0` → skills; the rest by their own name. */
function techField(path: string): string | null {
  const [top, , leaf] = path.split(".");
  if (top === "shifts") return leaf === "end" ? "end" : leaf === "start" ? "start" : "days";
  return top && (TECH_FIELDS as readonly string[]).includes(top) ? top : null;
}

function AddTechnicianForm({ onAdded, onCancel }: { onAdded: (t: Technician) => void; onCancel: () => void }) {
  const [draft, setDraft] = useState({ name: "", skills: "", timeZone: browserTimeZone(), start: "08:00", end: "16:00" });
  const [days, setDays] = useState(new Set([1, 2, 3, 4, 5]));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (name: keyof typeof draft) => (event: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [name]: event.target.value }));

  function refuse(fields: FieldErrors, form: string) {
    setErrors(fields);
    setMessage(form);
    focusFirstError(TECH_FIELDS, fields, techId, "tech-form-message");
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: FieldErrors = {};
    if (!draft.name.trim()) found.name = "Enter a name.";
    if (!/^\d{2}:\d{2}$/.test(draft.start)) found.start = "Enter a time such as 08:00.";
    if (!/^\d{2}:\d{2}$/.test(draft.end)) found.end = "Enter a time such as 16:00.";
    else if (draft.end === draft.start) found.end = "The shift must end at another time than it starts.";
    if (Object.keys(found).length) return refuse(found, "Please correct the fields marked below.");
    setBusy(true);
    try {
      const skills = draft.skills
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      const shifts = [...days].sort().map((weekday) => ({ weekday, start: draft.start, end: draft.end }));
      onAdded(await unwrap(client.api.technicians.$post({ json: { name: draft.name.trim(), skills, shifts, timeZone: draft.timeZone } })));
    } catch (error) {
      const { fields, message: form } = problemFields(error, techField);
      refuse(fields, form);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="panel" onSubmit={submit} noValidate aria-labelledby="tech-form-heading">
      <h3 id="tech-form-heading">Add technician</h3>
      <div id="tech-form-message" tabIndex={-1}>
        <FormMessage message={message} error />
      </div>
      <Field id="tech-name" label="Name" error={errors.name}>
        {(aria) => <input {...aria} autoComplete="off" value={draft.name} onChange={set("name")} />}
      </Field>
      <Field id="tech-skills" label="Skills" hint="Separated by commas, e.g. brakes, electrical." error={errors.skills}>
        {(aria) => <input {...aria} autoComplete="off" value={draft.skills} onChange={set("skills")} />}
      </Field>
      <Field id="tech-timeZone" label="Time zone" hint="Shift times are local to it." error={errors.timeZone}>
        {(aria) => (
          <select {...aria} value={draft.timeZone} onChange={set("timeZone")}>
            {timeZones(draft.timeZone).map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        )}
      </Field>
      <fieldset aria-describedby={errors.days ? "tech-days-error" : undefined}>
        <legend>Shift days</legend>
        {errors.days ? (
          <p className="field-error" id="tech-days-error">
            <strong>Error: </strong>
            {errors.days}
          </p>
        ) : null}
        <div className="checkbox-group">
          {WEEKDAYS.map((day, i) => (
            <label key={day} className="checkbox">
              <input
                id={`tech-day-${i + 1}`}
                type="checkbox"
                checked={days.has(i + 1)}
                onChange={(e) =>
                  setDays((d) => {
                    const next = new Set(d);
                    if (e.target.checked) next.add(i + 1);
                    else next.delete(i + 1);
                    return next;
                  })
                }
              />
              {day}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="shift-row">
        <Field id="tech-start" label="Shift starts" error={errors.start}>
          {(aria) => <input {...aria} type="time" value={draft.start} onChange={set("start")} />}
        </Field>
        <Field id="tech-end" label="Shift ends" hint="Before the start: the shift runs past midnight." error={errors.end}>
          {(aria) => <input {...aria} type="time" value={draft.end} onChange={set("end")} />}
        </Field>
      </div>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? "Saving…" : "Save technician"}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function AddBayForm({ onAdded, onCancel }: { onAdded: (b: Bay) => void; onCancel: () => void }) {
  const [name, setName] = useState("");
  const [capacity, setCapacity] = useState("1");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const refuse = (fields: FieldErrors, form: string) => {
    setErrors(fields);
    setMessage(form);
    focusFirstError(["name", "capacity"], fields, (f) => `bay-${f}`, "bay-form-message");
  };
  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: FieldErrors = {};
    const cap = parseNumber(capacity);
    if (!name.trim()) found.name = "Enter a name.";
    if (!cap || !Number.isInteger(cap) || cap < 1 || cap > 100) found.capacity = "Enter a whole number from 1 to 100.";
    if (Object.keys(found).length) return refuse(found, "Please correct the fields marked below.");
    try {
      onAdded(await unwrap(client.api.bays.$post({ json: { name: name.trim(), capacity: cap ?? 1 } })));
    } catch (error) {
      const { fields, message: form } = problemFields(error, (p) => (p === "name" || p === "capacity" ? p : null));
      refuse(fields, form);
    }
  }
  return (
    <form className="panel" onSubmit={submit} noValidate aria-labelledby="bay-form-heading">
      <h3 id="bay-form-heading">Add bay</h3>
      <div id="bay-form-message" tabIndex={-1}>
        <FormMessage message={message} error />
      </div>
      <Field id="bay-name" label="Bay name" error={errors.name}>
        {(aria) => <input {...aria} autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field id="bay-capacity" label="Capacity" hint="Vehicles it holds at once." error={errors.capacity}>
        {(aria) => <input {...aria} inputMode="numeric" value={capacity} onChange={(e) => setCapacity(e.target.value)} />}
      </Field>
      <div className="form-actions">
        <button type="submit" className="button primary">
          Save bay
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export default function Shop() {
  const loaded = useApi("shop", async () => {
    const [technicians, bays] = await Promise.all([
      unwrap(client.api.technicians.$get({ query: { limit: "500" } })),
      unwrap(client.api.bays.$get({ query: { limit: "500" } })),
    ]);
    return { technicians: technicians.items, bays: bays.items };
  });
  const [added, setAdded] = useState<{ technicians: Technician[]; bays: Bay[] }>({ technicians: [], bays: [] });
  const [form, setForm] = useState<"technician" | "bay" | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const technicians = [...(loaded.data?.technicians ?? []), ...added.technicians];
  const bays = [...(loaded.data?.bays ?? []), ...added.bays];

  return (
    <>
      <p className="status" role="status">
        {notice}
      </p>
      {loaded.state === "loading" ? <Status>Loading the shop…</Status> : null}
      {loaded.state === "error" ? <Status error>{describeError(loaded.error)}</Status> : null}
      <h3>Technicians</h3>
      {technicians.length ? (
        <ul className="setup-list">
          {technicians.map((t) => (
            <li key={t.id}>
              <strong>{t.name}</strong>: {t.skills.length ? t.skills.join(", ") : "no skills listed"}; {shiftText(t)} ({t.timeZone})
            </li>
          ))}
        </ul>
      ) : (
        <p className="empty">No technicians yet.</p>
      )}
      {form === "technician" ? (
        <AddTechnicianForm
          onAdded={(t) => {
            setAdded((a) => ({ ...a, technicians: [...a.technicians, t] }));
            setForm(null);
            setNotice(`Technician ${t.name} added.`);
          }}
          onCancel={() => setForm(null)}
        />
      ) : (
        <button type="button" className="button" onClick={() => setForm("technician")}>
          Add technician
        </button>
      )}
      <h3>Bays</h3>
      {bays.length ? (
        <ul className="setup-list">
          {bays.map((b) => (
            <li key={b.id}>
              <strong>{b.name}</strong>: holds {b.capacity} vehicle{b.capacity === 1 ? "" : "s"}
            </li>
          ))}
        </ul>
      ) : (
        <p className="empty">No bays yet.</p>
      )}
      {form === "bay" ? (
        <AddBayForm
          onAdded={(b) => {
            setAdded((a) => ({ ...a, bays: [...a.bays, b] }));
            setForm(null);
            setNotice(`Bay ${b.name} added.`);
          }}
          onCancel={() => setForm(null)}
        />
      ) : (
        <button type="button" className="button" onClick={() => setForm("bay")}>
          Add bay
        </button>
      )}
    </>
  );
}
