/**
 * Notes of a work order, editable by whoever may change it. The save carries the ETag the page
 * read (If-Match): if someone else changed the work order meanwhile the server refuses it (412),
 * nothing is saved, the page shows their version, and the form shows their notes against these
 * (ConflictView) so the person keeps theirs or takes the other's before saving again.
 */
import { type FormEvent, useState } from "react";
import { client, unwrap } from "./api";
import { ifMatch, isStale } from "./concurrency";
import { type Conflict, ConflictView } from "./conflict-view";
import { Field, FormMessage, problemFields } from "./form-field";
import type { WorkOrderDetail } from "./maintenance-types";

type NotesDraft = { notes: string };

export function WorkOrderNotesForm({
  wo,
  etag,
  onSaved,
  onReload,
}: {
  wo: WorkOrderDetail;
  etag: string | null;
  onSaved: (wo: WorkOrderDetail, etag: string | null) => void;
  /** Reads the work order again (with its new ETag) and shows it; resolves with it. */
  onReload: () => Promise<WorkOrderDetail>;
}) {
  const [notes, setNotes] = useState(wo.notes ?? "");
  // The notes as they were when this person started (or last merged): what a 412 compares against.
  const [opened, setOpened] = useState(wo.notes ?? "");
  const [conflict, setConflict] = useState<Conflict<NotesDraft> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(null);
    setConflict(null);
    try {
      const response = await client.api["work-orders"][":id"].$patch(
        { param: { id: wo.id }, json: { notes: notes.trim() || null } },
        ifMatch(etag),
      );
      const next = await unwrap(Promise.resolve(response));
      setOpened(next.notes ?? "");
      setSaved("Notes saved.");
      onSaved(next, response.headers.get("etag"));
    } catch (failure) {
      if (isStale(failure)) await showConflict();
      else {
        setError(problemFields(failure).message);
        requestAnimationFrame(() => document.getElementById("wo-notes")?.focus());
      }
    } finally {
      setBusy(false);
    }
  }

  async function showConflict() {
    try {
      const fresh = await onReload();
      setConflict({ before: { notes: opened }, mine: { notes }, theirs: { notes: fresh.notes ?? "" } });
      requestAnimationFrame(() => document.getElementById("notes-message")?.focus());
    } catch (failure) {
      setError(problemFields(failure).message);
    }
  }

  function applyMerge(merged: NotesDraft) {
    if (!conflict) return;
    setNotes(merged.notes);
    setOpened(conflict.theirs.notes);
    setConflict(null);
    setSaved(
      merged.notes === conflict.theirs.notes
        ? "Their notes are in the field: nothing of yours is left to save."
        : "Your notes are in the field, on top of their version: save them again.",
    );
    requestAnimationFrame(() => document.getElementById("wo-notes")?.focus());
  }

  return (
    <form className="panel" onSubmit={submit} noValidate aria-labelledby="notes-heading">
      <h2 id="notes-heading">Work order notes</h2>
      <div id="notes-message" tabIndex={-1}>
        {conflict ? (
          <ConflictView
            what="work order"
            idPrefix="wo-notes"
            fields={["notes"]}
            labels={{ notes: "Notes" }}
            conflict={conflict}
            onUse={applyMerge}
          />
        ) : (
          <FormMessage message={error} error />
        )}
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
