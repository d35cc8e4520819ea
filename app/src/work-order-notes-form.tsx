/**
 * Notes of a work order, editable by whoever may change it. The save carries the ETag the page
 * read (If-Match): if someone else changed the work order meanwhile the server refuses it (412),
 * nothing is saved, and Reload fetches their version while keeping the text typed here.
 */
import { type FormEvent, useState } from "react";
import { client, unwrap } from "./api";
import { ifMatch, isStale } from "./concurrency";
import { Field, FormMessage, problemFields } from "./form-field";
import type { WorkOrderDetail } from "./maintenance-types";
import { StaleNotice } from "./stale-notice";

export function WorkOrderNotesForm({
  wo,
  etag,
  onSaved,
  onReload,
}: {
  wo: WorkOrderDetail;
  etag: string | null;
  onSaved: (wo: WorkOrderDetail, etag: string | null) => void;
  /** Reads the work order again (with its new ETag); resolves when the page shows it. */
  onReload: () => Promise<void>;
}) {
  const [notes, setNotes] = useState(wo.notes ?? "");
  const [error, setError] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      const response = await client.api["work-orders"][":id"].$patch(
        { param: { id: wo.id }, json: { notes: notes.trim() || null } },
        ifMatch(etag),
      );
      const next = await unwrap(Promise.resolve(response));
      setStale(false);
      setSaved("Notes saved.");
      onSaved(next, response.headers.get("etag"));
    } catch (failure) {
      if (isStale(failure)) {
        setStale(true);
        requestAnimationFrame(() => document.getElementById("notes-message")?.focus());
      } else {
        setError(problemFields(failure).message);
        requestAnimationFrame(() => document.getElementById("wo-notes")?.focus());
      }
    } finally {
      setBusy(false);
    }
  }

  async function reload() {
    setBusy(true);
    try {
      await onReload();
      setStale(false);
      setSaved("Reloaded: their changes are shown above; your notes are kept here. Save them again if they still apply.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="panel" onSubmit={submit} noValidate aria-labelledby="notes-heading">
      <h2 id="notes-heading">Work order notes</h2>
      <div id="notes-message" tabIndex={-1}>
        {stale ? <StaleNotice what="work order" onReload={() => void reload()} busy={busy} /> : <FormMessage message={error} error />}
      </div>
      <p className="status" role="status">
        {saved}
      </p>
      <Field id="wo-notes" label="Notes" hint="What was found or done; visible to the shop." error={error ?? undefined}>
        {(aria) => <textarea {...aria} rows={3} value={notes} onChange={(e) => setNotes(e.target.value)} />}
      </Field>
      <button type="submit" className="button primary" disabled={busy}>
        {busy ? "Saving…" : "Save notes"}
      </button>
    </form>
  );
}
