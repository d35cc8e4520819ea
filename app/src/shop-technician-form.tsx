/**
 * Add technician / Edit (admins and managers): name, skills, time zone and weekly shift days and
 * times, each error next to its field and focus on the first. An edit reads the technician with
 * its ETag, sends only the fields the person changed, with If-Match; if someone else saved first
 * (412) it shows what changed field by field (ConflictView) and the person merges or retries.
 */
import { type FormEvent, useState } from "react";
import { client, unwrap } from "./api";
import { browserTimeZone, timeZones } from "./analytics-format";
import { ifMatch, isStale, withEtag } from "./concurrency";
import { type Conflict, ConflictView } from "./conflict-view";
import { Field, type FieldErrors, FormMessage, problemFields } from "./form-field";
import { focusFirstError } from "./form-focus";
import type { Technician } from "./maintenance-types";

export const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const FIELDS = ["name", "skills", "timeZone", "days", "start", "end"] as const;
type FieldName = (typeof FIELDS)[number];
type Draft = Record<FieldName, string>;
const LABELS: Record<FieldName, string> = {
  name: "Name",
  skills: "Skills",
  timeZone: "Time zone",
  days: "Shift days",
  start: "Shift starts",
  end: "Shift ends",
};
const techId = (field: string) => (field === "days" ? "tech-day-1" : `tech-${field}`);

const skillList = (text: string) =>
  text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
const dayList = (text: string) => text.split(",").filter(Boolean).map(Number);

/** The form's text for a technician (shift times are the first shift's: the form sets one time for every day). */
const draftOf = (t: Technician | null): Draft => ({
  name: t?.name ?? "",
  skills: t?.skills.join(", ") ?? "",
  timeZone: t?.timeZone ?? browserTimeZone(),
  days: t ? [...new Set(t.shifts.map((s) => s.weekday))].sort().join(",") : "1,2,3,4,5",
  start: t?.shifts[0]?.start ?? "08:00",
  end: t?.shifts[0]?.end ?? "16:00",
});

/** `shifts.1.start` → start; `skills.0` → skills; the rest by their own name. */
function techField(path: string): string | null {
  const [top, , leaf] = path.split(".");
  if (top === "shifts") return leaf === "end" ? "end" : leaf === "start" ? "start" : "days";
  return top && (FIELDS as readonly string[]).includes(top) ? top : null;
}

function check(draft: Draft): FieldErrors {
  const found: FieldErrors = {};
  if (!draft.name.trim()) found.name = "Enter a name.";
  if (!/^\d{2}:\d{2}$/.test(draft.start)) found.start = "Enter a time such as 08:00.";
  if (!/^\d{2}:\d{2}$/.test(draft.end)) found.end = "Enter a time such as 16:00.";
  else if (draft.end === draft.start) found.end = "The shift must end at another time than it starts.";
  return found;
}

const shiftsOf = (draft: Draft) => dayList(draft.days).map((weekday) => ({ weekday, start: draft.start, end: draft.end }));

/** The PATCH body: only what differs from the version the person opened. */
function changedFields(before: Draft, draft: Draft) {
  const patch: { name?: string; skills?: string[]; timeZone?: string; shifts?: ReturnType<typeof shiftsOf> } = {};
  if (draft.name.trim() !== before.name.trim()) patch.name = draft.name.trim();
  if (skillList(draft.skills).join(",") !== skillList(before.skills).join(",")) patch.skills = skillList(draft.skills);
  if (draft.timeZone !== before.timeZone) patch.timeZone = draft.timeZone;
  if (draft.days !== before.days || draft.start !== before.start || draft.end !== before.end) patch.shifts = shiftsOf(draft);
  return patch;
}

const dayNames = (days: string) =>
  dayList(days)
    .map((d) => WEEKDAYS[d - 1])
    .join(", ") || "no days";

export function TechnicianForm({
  technician,
  etag: initialEtag,
  onSaved,
  onCancel,
}: {
  technician: Technician | null;
  etag: string | null;
  onSaved: (t: Technician) => void;
  onCancel: () => void;
}) {
  const [base, setBase] = useState({ technician, etag: initialEtag });
  const [draft, setDraft] = useState(() => draftOf(technician));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [conflict, setConflict] = useState<{ drafts: Conflict<Draft>; fresh: { technician: Technician; etag: string | null } } | null>(
    null,
  );
  const [busy, setBusy] = useState(false);
  const set = (name: FieldName) => (event: { target: { value: string } }) => setDraft((d) => ({ ...d, [name]: event.target.value }));
  const days = new Set(dayList(draft.days));
  const toggleDay = (day: number, on: boolean) =>
    setDraft((d) => {
      const next = new Set(dayList(d.days));
      if (on) next.add(day);
      else next.delete(day);
      return { ...d, days: [...next].sort().join(",") };
    });

  function refuse(fields: FieldErrors, form: string) {
    setErrors(fields);
    setMessage(form);
    focusFirstError(FIELDS, fields, techId, "tech-form-message");
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found = check(draft);
    if (Object.keys(found).length) return refuse(found, "Please correct the fields marked below.");
    setBusy(true);
    setErrors({});
    setMessage(null);
    setConflict(null);
    try {
      if (base.technician) {
        const patch = changedFields(draftOf(base.technician), draft);
        onSaved(await unwrap(client.api.technicians[":id"].$patch({ param: { id: base.technician.id }, json: patch }, ifMatch(base.etag))));
      } else {
        onSaved(
          await unwrap(
            client.api.technicians.$post({
              json: { name: draft.name.trim(), skills: skillList(draft.skills), shifts: shiftsOf(draft), timeZone: draft.timeZone },
            }),
          ),
        );
      }
    } catch (error) {
      if (isStale(error)) await showConflict();
      else {
        const { fields, message: form } = problemFields(error, techField);
        refuse(fields, form);
      }
    } finally {
      setBusy(false);
    }
  }

  /** Reads the version saved meanwhile and shows it against this person's, field by field. */
  async function showConflict() {
    if (!base.technician) return;
    try {
      const fresh = await withEtag(client.api.technicians[":id"].$get({ param: { id: base.technician.id } }), unwrap);
      setConflict({
        drafts: { before: draftOf(base.technician), mine: draft, theirs: draftOf(fresh.data) },
        fresh: { technician: fresh.data, etag: fresh.etag },
      });
      requestAnimationFrame(() => document.getElementById("tech-form-message")?.focus());
    } catch (error) {
      refuse({}, problemFields(error).message);
    }
  }

  /** The merge goes into the form on top of their version; the next save uses its ETag. */
  function applyMerge(merged: Draft) {
    if (!conflict) return;
    setDraft(merged);
    setBase(conflict.fresh);
    setConflict(null);
    setMessage("Their version is in the form with the values you chose. Check it and save again.");
    requestAnimationFrame(() => document.getElementById("tech-name")?.focus());
  }

  const editing = base.technician !== null;
  return (
    <form className="panel" onSubmit={submit} noValidate aria-labelledby="tech-form-heading">
      <h3 id="tech-form-heading">{editing ? `Edit technician: ${base.technician?.name}` : "Add technician"}</h3>
      <div id="tech-form-message" tabIndex={-1}>
        {conflict ? (
          <ConflictView
            what="technician"
            idPrefix="tech"
            fields={FIELDS}
            labels={LABELS}
            conflict={conflict.drafts}
            show={(field, value) => (field === "days" ? dayNames(value) : value)}
            onUse={applyMerge}
          />
        ) : (
          <FormMessage message={message} error />
        )}
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
                onChange={(e) => toggleDay(i + 1, e.target.checked)}
              />
              {day}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="shift-row">
        <Field
          id="tech-start"
          label="Shift starts"
          hint={editing ? "Changing days or times gives every chosen day these times." : undefined}
          error={errors.start}
        >
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
