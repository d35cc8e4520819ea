/** Silences (admins and managers): alerts matching one are recorded and streamed but notify nobody. */
import { type FormEvent, useState } from "react";
import { client, describeError, unwrap } from "./api";
import { Field, type FieldErrors, FormMessage, problemFields } from "./form-field";
import { formatDateTime } from "./format";
import { useApi } from "./use-api";

const SEVERITIES = ["critical", "high", "medium", "low"] as const;
/** `datetime-local` value for a Date, in local time. */
const localInput = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

export function Silences() {
  const [version, setVersion] = useState(0);
  const list = useApi(`silences:${version}`, () => unwrap(client.api.silences.$get()));
  const vehicles = useApi("vehicles:all", () => unwrap(client.api.vehicles.$get({ query: { limit: "500" } })));
  const [draft, setDraft] = useState(() => ({
    severity: "",
    vehicleId: "",
    startsAt: localInput(new Date()),
    endsAt: localInput(new Date(Date.now() + 3_600_000)),
    comment: "",
  }));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const names = new Map((vehicles.data?.items ?? []).map((v) => [v.id, v.name]));
  const set = (name: keyof typeof draft) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [name]: e.target.value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    setMessage(null);
    const instant = (v: string) => (v ? new Date(v).toISOString() : "");
    try {
      await unwrap(
        client.api.silences.$post({
          json: {
            matchers: {
              ...(draft.severity ? { severity: draft.severity as (typeof SEVERITIES)[number] } : {}),
              ...(draft.vehicleId ? { vehicleId: draft.vehicleId } : {}),
            },
            startsAt: instant(draft.startsAt),
            endsAt: instant(draft.endsAt),
            comment: draft.comment,
          },
        }),
      );
      setMessage({ text: "Silence created.", error: false });
      setDraft((d) => ({ ...d, comment: "" }));
      setVersion((v) => v + 1);
    } catch (error) {
      const { fields, message: text } = problemFields(error);
      setErrors(fields);
      setMessage({ text, error: true });
    }
  };
  const remove = async (id: string) => {
    setMessage(null);
    try {
      const res = await client.api.silences[":id"].$delete({ param: { id } });
      if (!res.ok && res.status !== 404) throw new Error(`HTTP ${res.status}`);
      setMessage({ text: "Silence removed.", error: false });
      setVersion((v) => v + 1);
    } catch (error) {
      setMessage({ text: describeError(error), error: true });
    }
  };

  return (
    <>
      {list.state === "error" ? <FormMessage message={describeError(list.error)} error /> : null}
      {list.data?.items.length ? (
        <ul className="plain-list">
          {list.data.items.map((s) => (
            <li key={s.id}>
              <p>
                <strong>{s.comment}</strong> —{" "}
                {Object.entries(s.matchers)
                  .map(([k, v]) => `${k === "vehicleId" ? "vehicle" : k} ${k === "vehicleId" ? (names.get(v) ?? v) : v}`)
                  .join(", ")}
                , from {formatDateTime(s.startsAt)} until {formatDateTime(s.endsAt)}
              </p>
              <button type="button" className="button" onClick={() => void remove(s.id)} aria-label={`Remove silence: ${s.comment}`}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : list.state === "ok" ? (
        <p>No silences.</p>
      ) : null}
      <form onSubmit={submit} aria-labelledby="new-silence-title" noValidate>
        <h3 id="new-silence-title">New silence</h3>
        {errors.matchers ? (
          <p className="field-error" id="silence-matchers-error">
            <strong>Error: </strong>Choose a severity or a vehicle (or both).
          </p>
        ) : null}
        <div className="field-row">
          <Field id="silence-severity" label="Severity" error={errors["matchers.severity"]}>
            {(p) => (
              <select
                {...p}
                value={draft.severity}
                onChange={set("severity")}
                aria-describedby={errors.matchers ? "silence-matchers-error" : p["aria-describedby"]}
              >
                <option value="">Any severity</option>
                {SEVERITIES.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="silence-vehicle" label="Vehicle" error={errors["matchers.vehicleId"]}>
            {(p) => (
              <select {...p} value={draft.vehicleId} onChange={set("vehicleId")}>
                <option value="">Any vehicle</option>
                {(vehicles.data?.items ?? []).map((v) => (
                  <option key={v.id} value={v.id}>
                    {v.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="silence-starts" label="Starts" error={errors.startsAt}>
            {(p) => <input {...p} type="datetime-local" value={draft.startsAt} onChange={set("startsAt")} />}
          </Field>
          <Field id="silence-ends" label="Ends" error={errors.endsAt}>
            {(p) => <input {...p} type="datetime-local" value={draft.endsAt} onChange={set("endsAt")} />}
          </Field>
        </div>
        <Field id="silence-comment" label="Reason" hint="Why alerts are silenced, for example: engine bay repairs." error={errors.comment}>
          {(p) => <input {...p} value={draft.comment} onChange={set("comment")} />}
        </Field>
        <FormMessage message={message?.text ?? null} error={message?.error} />
        <button type="submit" className="button primary">
          Create silence
        </button>
      </form>
    </>
  );
}
