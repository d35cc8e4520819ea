/**
 * Alert work on the alert detail screen: who is on it (`Assignee` / `Assign`), the comment thread
 * (`Comment` / `Add comment`) and reopening a resolved alert. Each answer is the alert (or the
 * comment) as the server recorded it, so the screen shows exactly what others see live.
 */
import { type FormEvent, useState } from "react";
import type { InferResponseType } from "hono/client";
import { client, unwrap } from "./api";
import type { Alert, Client } from "./api-types";
import { Field, FormMessage, problemFields } from "./form-field";
import { formatDateTime } from "./format";
import { useApi } from "./use-api";
import "./alert-work.css";

type CommentList = InferResponseType<Client["api"]["alerts"][":id"]["comments"]["$get"], 200>;

export interface Person {
  id: string;
  name: string;
}

/** The assignee picker: staff pick from `people` (admins and managers get the tenant's active users; a technician themself). */
export function AlertAssignee({ alert, people, onChange }: { alert: Alert; people: Person[]; onChange: (next: Alert) => void }) {
  const [userId, setUserId] = useState(alert.assignee?.id ?? "");
  const [error, setError] = useState<string | undefined>();
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  // The current assignee stays choosable even when the list does not name them (e.g. for a technician).
  const options = alert.assignee && !people.some((p) => p.id === alert.assignee?.id) ? [alert.assignee, ...people] : people;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setMessage(null);
    try {
      const next = await unwrap(
        client.api.alerts[":id"].assignee.$put({ param: { id: alert.id }, json: { userId: userId === "" ? null : userId } }),
      );
      onChange(next);
      setMessage({ text: next.assignee ? `Assigned to ${next.assignee.name}.` : "Nobody is assigned now.", error: false });
    } catch (failure) {
      const { fields, message: text } = problemFields(failure, (path) => (path === "userId" ? "userId" : null));
      setError(fields.userId);
      setMessage({ text, error: true });
      if (fields.userId) requestAnimationFrame(() => document.getElementById("alert-assignee")?.focus());
    }
  };

  return (
    <section aria-labelledby="assignee-title">
      <h2 id="assignee-title">Assignment</h2>
      <p>{alert.assignee ? `Assigned to ${alert.assignee.name}.` : "Nobody is assigned."}</p>
      <form className="inline-form" onSubmit={submit} aria-label="Assign the alert" noValidate>
        <Field id="alert-assignee" label="Assignee" error={error}>
          {(p) => (
            <select {...p} value={userId} onChange={(e) => setUserId(e.target.value)}>
              <option value="">Nobody</option>
              {options.map((person) => (
                <option key={person.id} value={person.id}>
                  {person.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" className="button">
          Assign
        </button>
      </form>
      <FormMessage message={message?.text ?? null} error={message?.error} />
    </section>
  );
}

/** The comment thread, oldest first, and the form to add to it; reloads when the alert's count moves (someone else commented). */
export function AlertComments({ alert, onCommented }: { alert: Alert; onCommented: (count: number) => void }) {
  const thread = useApi(`comments:${alert.id}:${alert.commentCount}`, () =>
    unwrap(client.api.alerts[":id"].comments.$get({ param: { id: alert.id }, query: { limit: "500" } })),
  );
  const [added, setAdded] = useState<CommentList["items"]>([]);
  const [body, setBody] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const loaded = thread.data?.items ?? [];
  // Comments added here before the reload caught up with them.
  const items = [...loaded, ...added.filter((c) => !loaded.some((l) => l.id === c.id))];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setMessage(null);
    if (!body.trim()) {
      setError("Write a comment first.");
      requestAnimationFrame(() => document.getElementById("alert-comment")?.focus());
      return;
    }
    try {
      const comment = await unwrap(client.api.alerts[":id"].comments.$post({ param: { id: alert.id }, json: { body } }));
      setAdded((list) => [...list, comment]);
      setBody("");
      setMessage({ text: "Comment added.", error: false });
      onCommented(Math.max(alert.commentCount + 1, items.length + 1));
    } catch (failure) {
      const { fields, message: text } = problemFields(failure, (path) => (path === "body" ? "body" : null));
      setError(fields.body);
      setMessage({ text, error: true });
      if (fields.body) requestAnimationFrame(() => document.getElementById("alert-comment")?.focus());
    }
  };

  return (
    <section aria-labelledby="comments-title">
      <h2 id="comments-title">Comments</h2>
      {thread.state === "error" && !items.length ? <p className="status">The comments could not be loaded.</p> : null}
      {items.length ? (
        <ol className="timeline" aria-labelledby="comments-title">
          {items.map((c) => (
            <li key={c.id}>
              <p>
                <strong>{c.author.name}</strong>, <time dateTime={c.createdAt}>{formatDateTime(c.createdAt)}</time>
              </p>
              <p className="comment-body">{c.body}</p>
            </li>
          ))}
        </ol>
      ) : thread.state === "ok" ? (
        <p>No comments yet.</p>
      ) : null}
      <form onSubmit={submit} aria-label="Add a comment" noValidate>
        <Field id="alert-comment" label="Comment" error={error}>
          {(p) => <textarea {...p} rows={3} maxLength={4000} value={body} onChange={(e) => setBody(e.target.value)} />}
        </Field>
        <button type="submit" className="button">
          Add comment
        </button>
        <FormMessage message={message?.text ?? null} error={message?.error} />
      </form>
    </section>
  );
}

/** Reopens a resolved alert (staff); the answer is the alert, open again. */
export async function reopenAlert(alert: Alert): Promise<Alert> {
  return await unwrap(client.api.alerts[":id"].reopen.$post({ param: { id: alert.id } }));
}
