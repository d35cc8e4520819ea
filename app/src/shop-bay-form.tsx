/**
 * Add bay / Edit (admins and managers): name and capacity, each error next to its field and focus
 * on the first. An edit sends only the changed fields with If-Match; on a 412 it shows what
 * changed field by field (ConflictView), like the technician and vehicle forms.
 */
import { type FormEvent, useState } from "react";
import { client, unwrap } from "./api";
import { ifMatch, isStale, withEtag } from "./concurrency";
import { type Conflict, ConflictView } from "./conflict-view";
import { Field, type FieldErrors, FormMessage, parseNumber, problemFields } from "./form-field";
import { focusFirstError } from "./form-focus";
import type { Bay } from "./maintenance-types";

const FIELDS = ["name", "capacity"] as const;
type Draft = Record<(typeof FIELDS)[number], string>;
const LABELS = { name: "Bay name", capacity: "Capacity" };
const draftOf = (b: Bay | null): Draft => ({ name: b?.name ?? "", capacity: String(b?.capacity ?? 1) });

export function BayForm({
  bay,
  etag: initialEtag,
  onSaved,
  onCancel,
}: {
  bay: Bay | null;
  etag: string | null;
  onSaved: (b: Bay) => void;
  onCancel: () => void;
}) {
  const [base, setBase] = useState({ bay, etag: initialEtag });
  const [draft, setDraft] = useState(() => draftOf(bay));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [conflict, setConflict] = useState<{ drafts: Conflict<Draft>; fresh: { bay: Bay; etag: string | null } } | null>(null);
  const [busy, setBusy] = useState(false);
  const refuse = (fields: FieldErrors, form: string) => {
    setErrors(fields);
    setMessage(form);
    focusFirstError(FIELDS, fields, (f) => `bay-${f}`, "bay-form-message");
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: FieldErrors = {};
    const capacity = parseNumber(draft.capacity);
    if (!draft.name.trim()) found.name = "Enter a name.";
    if (!capacity || !Number.isInteger(capacity) || capacity < 1 || capacity > 100) found.capacity = "Enter a whole number from 1 to 100.";
    if (Object.keys(found).length || !capacity) return refuse(found, "Please correct the fields marked below.");
    setBusy(true);
    setErrors({});
    setMessage(null);
    setConflict(null);
    try {
      if (base.bay) {
        // Only what this person changed, so nobody else's change is overwritten.
        const before = base.bay;
        const patch = {
          ...(draft.name.trim() !== before.name ? { name: draft.name.trim() } : {}),
          ...(capacity !== before.capacity ? { capacity } : {}),
        };
        onSaved(await unwrap(client.api.bays[":id"].$patch({ param: { id: before.id }, json: patch }, ifMatch(base.etag))));
      } else {
        onSaved(await unwrap(client.api.bays.$post({ json: { name: draft.name.trim(), capacity } })));
      }
    } catch (error) {
      if (isStale(error)) await showConflict();
      else {
        const { fields, message: form } = problemFields(error, (p) => (p === "name" || p === "capacity" ? p : null));
        refuse(fields, form);
      }
    } finally {
      setBusy(false);
    }
  }

  async function showConflict() {
    if (!base.bay) return;
    try {
      const fresh = await withEtag(client.api.bays[":id"].$get({ param: { id: base.bay.id } }), unwrap);
      setConflict({
        drafts: { before: draftOf(base.bay), mine: draft, theirs: draftOf(fresh.data) },
        fresh: { bay: fresh.data, etag: fresh.etag },
      });
      requestAnimationFrame(() => document.getElementById("bay-form-message")?.focus());
    } catch (error) {
      refuse({}, problemFields(error).message);
    }
  }

  function applyMerge(merged: Draft) {
    if (!conflict) return;
    setDraft(merged);
    setBase(conflict.fresh);
    setConflict(null);
    setMessage("Their version is in the form with the values you chose. Check it and save again.");
    requestAnimationFrame(() => document.getElementById("bay-name")?.focus());
  }

  const set = (name: keyof Draft) => (event: { target: { value: string } }) => setDraft((d) => ({ ...d, [name]: event.target.value }));
  return (
    <form className="panel" onSubmit={submit} noValidate aria-labelledby="bay-form-heading">
      <h3 id="bay-form-heading">{base.bay ? `Edit bay: ${base.bay.name}` : "Add bay"}</h3>
      <div id="bay-form-message" tabIndex={-1}>
        {conflict ? (
          <ConflictView what="bay" idPrefix="bay" fields={FIELDS} labels={LABELS} conflict={conflict.drafts} onUse={applyMerge} />
        ) : (
          <FormMessage message={message} error />
        )}
      </div>
      <Field id="bay-name" label="Bay name" error={errors.name}>
        {(aria) => <input {...aria} autoComplete="off" value={draft.name} onChange={set("name")} />}
      </Field>
      <Field id="bay-capacity" label="Capacity" hint="Vehicles it holds at once." error={errors.capacity}>
        {(aria) => <input {...aria} inputMode="numeric" value={draft.capacity} onChange={set("capacity")} />}
      </Field>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? "Saving…" : "Save bay"}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
